/**
 * The development token bar above the IDE: role, organisation (from the public
 * `organisations` query) and an optional sub; "Use token" asks POST /dev/token and keeps
 * the token in this tab's sessionStorage, then reloads so the IDE starts with the header.
 */
const KEY = 'samverkan-hub:token';

export const TOKEN_BAR_STYLE = (visible: boolean): string => `
<style>
#hub-token-bar { display: ${visible ? 'flex' : 'none'}; gap: 8px; align-items: center; height: 40px;
  padding: 0 12px; font: 13px system-ui, sans-serif; background: #0b3d66; color: #fff; }
#hub-token-bar select, #hub-token-bar input, #hub-token-bar button { font: inherit; }
#hub-token-bar .status { opacity: 0.85; }
${visible ? '#ruru-root { height: calc(100vh - 40px); }' : ''}
</style>`;

export const TOKEN_BAR_HTML = `
<div id="hub-token-bar">
  <strong>samverkan-hub</strong>
  <label>Role <select id="hub-role">
    <option>DISTRICT_CASEWORKER</option><option selected>JOB_CENTRE_COACH</option>
    <option>SFI_ADMINISTRATOR</option><option>EMPLOYMENT_SERVICE_OFFICER</option>
    <option>PARTNER_SYSTEM</option><option>ANALYST</option>
    <option>DATA_PROTECTION_OFFICER</option><option>ADMIN</option>
  </select></label>
  <label>Organisation <select id="hub-org"></select></label>
  <label>Sub <input id="hub-sub" size="14" placeholder="(optional)"></label>
  <button id="hub-use-token" type="button">Use token</button>
  <button id="hub-clear-token" type="button">No token</button>
  <span class="status" id="hub-token-status"></span>
</div>
<script>
(async () => {
  const orgSelect = document.getElementById('hub-org');
  const status = document.getElementById('hub-token-status');
  const current = sessionStorage.getItem('${KEY}');
  status.textContent = current ? 'using ' + (sessionStorage.getItem('${KEY}:label') || 'a token') : 'no token';
  const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ organisations { id name kind } }' }) });
  const { data } = await res.json();
  for (const o of data.organisations) {
    const opt = document.createElement('option');
    opt.value = o.id; opt.textContent = o.name + ' (' + o.kind + ')';
    if (o.id === 'jobbtorg-sydvast') opt.selected = true;
    orgSelect.appendChild(opt);
  }
  document.getElementById('hub-use-token').addEventListener('click', async () => {
    const role = document.getElementById('hub-role').value;
    const body = { role, org: orgSelect.value, sub: document.getElementById('hub-sub').value };
    const r = await fetch('/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok) { status.textContent = json.error; return; }
    sessionStorage.setItem('${KEY}', json.token);
    sessionStorage.setItem('${KEY}:label', role + ' @ ' + orgSelect.value);
    location.reload();
  });
  document.getElementById('hub-clear-token').addEventListener('click', () => {
    sessionStorage.removeItem('${KEY}');
    sessionStorage.removeItem('${KEY}:label');
    location.reload();
  });
})();
</script>`;

export const TOKEN_BAR_SCRIPT = `
<script>
{
  const token = sessionStorage.getItem('${KEY}');
  RURU_CONFIG.initialHeaders = JSON.stringify(token ? { Authorization: 'Bearer ' + token } : {}, null, 2);
}
</script>`;
