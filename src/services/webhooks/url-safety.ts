/**
 * Which webhook URLs and addresses the hub delivers to (issue 17, "Safety").
 *
 * - Production: `https` only; every address the host resolves to must be public — private,
 *   loopback, link-local (cloud metadata 169.254.169.254), CGNAT, multicast, reserved, IPv6
 *   ULA and link-local, and IPv4 embedded in IPv6 (mapped, NAT64) are refused — unless
 *   WEBHOOK_ALLOWED_HOSTS names the host name, the address or a CIDR range containing it.
 * - Outside production: `https` anywhere, plain `http` only to loopback.
 *
 * The check runs at creation and again at every delivery, inside the socket's DNS lookup
 * (`safeLookup`): the connection goes to the very address that was checked, so a name that
 * resolves to something else the second time (DNS rebinding) is refused, not followed.
 */
import dns from 'node:dns';
import net from 'node:net';

export interface UrlPolicy {
  production: boolean;
  /** Host names, IP addresses or CIDR ranges allowed although private. */
  allowedHosts: string[];
}

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const PRIVATE_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const privateRanges = new net.BlockList();
for (const [a, p] of PRIVATE_V4) privateRanges.addSubnet(a, p, 'ipv4');
for (const [a, p] of PRIVATE_V6) privateRanges.addSubnet(a, p, 'ipv6');

/** The 8 hextets of an IPv6 address (with or without an embedded dotted IPv4 tail). */
function hextets(address: string): number[] | null {
  let a = address.toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    if (!net.isIPv4(dotted[1])) return null;
    const [b0, b1, b2, b3] = dotted[1].split('.').map(Number);
    a = `${a.slice(0, -dotted[1].length)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const parts = [...head, ...Array<string>(Math.max(fill, 0)).fill('0'), ...tail];
  if (parts.length !== 8) return null;
  const out = parts.map((h) => parseInt(h, 16));
  return out.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) ? out : null;
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(address: string): string | null {
  const h = hextets(address);
  if (!h) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated)
  if (zeros(0, 5) && h[5] === 0xffff) return v4(h[6], h[7]);
  if (zeros(0, 4) && h[4] === 0xffff && h[5] === 0) return v4(h[6], h[7]);
  // ::a.b.c.d (deprecated compatible), but not :: and ::1
  if (zeros(0, 6) && (h[6] !== 0 || h[7] > 1)) return v4(h[6], h[7]);
  // 64:ff9b::/96 (NAT64)
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return v4(h[6], h[7]);
  // 2002::/16 (6to4)
  if (h[0] === 0x2002) return v4(h[1], h[2]);
  return null;
}

/** True for an address no webhook may reach in production (unless allowlisted). */
export function isPrivateAddress(address: string): boolean {
  if (net.isIPv4(address)) return privateRanges.check(address, 'ipv4');
  if (!net.isIPv6(address)) return true; // not an address: refuse
  const inner = embeddedIPv4(address);
  if (inner !== null) return privateRanges.check(inner, 'ipv4');
  return privateRanges.check(address.replace(/%.*$/, ''), 'ipv6');
}

export function isLoopbackAddress(address: string): boolean {
  if (net.isIPv4(address)) return address.startsWith('127.');
  const inner = net.isIPv6(address) ? embeddedIPv4(address) : null;
  if (inner !== null) return inner.startsWith('127.');
  return hextets(address)?.every((x, i) => x === (i === 7 ? 1 : 0)) ?? false;
}

function allowlisted(host: string, address: string, allowed: string[]): boolean {
  for (const entry of allowed) {
    if (entry === host.toLowerCase()) return true;
    const [range, bits] = entry.split('/');
    const family = net.isIPv4(range) ? 'ipv4' : net.isIPv6(range) ? 'ipv6' : null;
    if (!family) continue;
    const addrFamily = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    if (family !== addrFamily) continue;
    const list = new net.BlockList();
    if (bits === undefined) list.addAddress(range, family);
    else list.addSubnet(range, Number(bits), family);
    if (list.check(address, family)) return true;
  }
  return false;
}

/** Host name without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The URL's form: scheme, no credentials, no fragment. Throws UnsafeUrlError. */
export function checkUrlForm(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('not an absolute URL');
  }
  if (raw.length > 2000) throw new UnsafeUrlError('longer than 2000 characters');
  if (url.username || url.password) throw new UnsafeUrlError('credentials in the URL');
  if (url.hash) throw new UnsafeUrlError('a fragment in the URL');
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:') throw new UnsafeUrlError('only https URLs');
  if (policy.production) throw new UnsafeUrlError('only https URLs in production');
  const host = bareHost(url);
  if (host === 'localhost' || (net.isIP(host) && isLoopbackAddress(host))) return url;
  throw new UnsafeUrlError('plain http only to loopback (outside production)');
}

/** Refuses an address the policy does not allow for this host. */
export function checkAddress(
  host: string,
  address: string,
  policy: UrlPolicy,
  plainHttp: boolean,
): void {
  if (plainHttp && !isLoopbackAddress(address))
    throw new UnsafeUrlError('plain http only to loopback');
  if (!policy.production) return;
  if (isPrivateAddress(address) && !allowlisted(host, address, policy.allowedHosts))
    throw new UnsafeUrlError('the host resolves to a private, loopback or link-local address');
}

type LookupAll = (host: string) => Promise<{ address: string; family: number }[]>;
const systemLookup: LookupAll = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/** The whole check, with DNS: every address the host resolves to must pass. */
export async function checkUrl(
  raw: string,
  policy: UrlPolicy,
  lookup: LookupAll = systemLookup,
): Promise<URL> {
  const url = checkUrlForm(raw, policy);
  const host = bareHost(url);
  let addresses: { address: string }[];
  if (net.isIP(host)) addresses = [{ address: host }];
  else {
    try {
      addresses = await lookup(host);
    } catch {
      throw new UnsafeUrlError('the host name does not resolve');
    }
  }
  if (addresses.length === 0) throw new UnsafeUrlError('the host name does not resolve');
  for (const a of addresses) checkAddress(host, a.address, policy, url.protocol === 'http:');
  return url;
}

/**
 * A `lookup` for http(s).request: resolves, checks every address, and hands the socket the
 * first one — so the connection goes to an address that passed the check.
 */
export function safeLookup(policy: UrlPolicy, plainHttp: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    const done = (
      err: NodeJS.ErrnoException | null,
      list: { address: string; family: number }[],
    ) => {
      if (err) return callback(err, '', 0);
      try {
        if (list.length === 0) throw new UnsafeUrlError('the host name does not resolve');
        for (const a of list) checkAddress(host, a.address, policy, plainHttp);
      } catch (e) {
        return callback(e as NodeJS.ErrnoException, '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, l: typeof list) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    };
    if (net.isIP(host)) return done(null, [{ address: host, family: net.isIP(host) }]);
    dns.lookup(host, { all: true, verbatim: true }, (err, list) => done(err, list ?? []));
  };
}
