/**
 * The playground in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) opens GET /graphql, takes a coach's token from the token bar, runs the
 * caseload example and a subscription example that receives an event, and never asks for
 * anything outside this server. Skipped, with a note, where Chromium is not installed;
 * `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitForOpenSubscriptions } from '../helpers/event-subscribers';
import { referralInput } from '../helpers/referral-api';
import { startTestHub, type TestHub } from '../helpers/test-hub';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// Where Chromium is missing the suite is reported as skipped, under this name.
const describeIfChromium = available ? describe : describe.skip;

describeIfChromium(`the playground in Chromium (${CHROMIUM})`, () => {
  let t: TestHub;
  let browser: Browser;
  let page: Page;
  const foreign: string[] = [];

  beforeAll(async () => {
    t = await startTestHub({ DEMO_DATA: 'on', DEMO_PERSONS: '150' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const origin = new URL(t.url);
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['blob:', 'data:'].includes(u.protocol) && u.host !== origin.host) foreign.push(r.url());
    });
  }, 90000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** Clicks the run button and picks one of the example document's operations. */
  async function run(operation: string): Promise<void> {
    await page.click('.graphiql-execute-button');
    await page.getByRole('menuitem', { name: operation, exact: true }).click();
  }

  const response = () => page.locator('.graphiql-response').innerText();

  test('loads offline, takes a coach token from the bar and runs the caseload example', async () => {
    await page.goto(`${t.url}/graphql`, { waitUntil: 'load' });
    await page.locator('#hub-org option[value="jobbtorg-sydvast"]').waitFor({ state: 'attached' });
    await page.selectOption('#hub-role', 'JOB_CENTRE_COACH');
    await page.selectOption('#hub-org', 'jobbtorg-sydvast');
    await Promise.all([page.waitForEvent('load'), page.click('#hub-use-token')]);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30000 });
    expect(await page.textContent('#hub-token-status')).toContain('JOB_CENTRE_COACH');

    // Who am I: the bar's token reached the IDE's headers.
    await run('Viewer');
    await page
      .locator('.graphiql-response', { hasText: 'JOB_CENTRE_COACH' })
      .waitFor({ timeout: 20000 });
    expect(await response()).toContain('jobbtorg-sydvast');

    // The caseload: the editor shows the start of the answer — the demo data's partial
    // results (protected identities, persons without consent) come first as FORBIDDEN
    // errors on paths under "persons", which proves the query ran as the coach.
    await run('CoachCaseload');
    await page.locator('.graphiql-response', { hasText: '"persons"' }).waitFor({ timeout: 20000 });
    const text = await response();
    expect(text).not.toContain('UNAUTHENTICATED');
    expect(text).toMatch(/"data"|"errors"/);
    expect(foreign).toEqual([]);
  }, 90000);

  test('the subscription example receives an event over graphql-ws', async () => {
    await run('PartnerEvents');
    await waitForOpenSubscriptions(t.url, 1);
    // A Skärholmen caseworker refers a resident: Sydväst's coach is a party.
    const cw = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    const residents = await t.gql<{ persons: { edges: { node: { id: string } }[] } }>(
      '{ persons(first: 1) { edges { node { id } } } }',
      { token: cw },
    );
    const personId = residents.body.data!.persons.edges[0].node.id;
    const created = await t.gql<{ createReferral: { id: string } }>(
      'mutation ($i: CreateReferralInput!) { createReferral(input: $i) { id } }',
      { token: cw, variables: { i: referralInput(personId) } },
    );
    expect(created.body.errors).toBeUndefined();
    await page
      .locator('.graphiql-response', { hasText: 'REFERRAL_SENT' })
      .waitFor({ timeout: 20000 });
    expect(await response()).toContain(created.body.data!.createReferral.id);
    expect(foreign).toEqual([]);
  }, 60000);
});
