/**
 * Webhooks without a hub: URL safety in production mode (private, loopback, link-local and
 * metadata ranges, IPv6 loopback/ULA/link-local, IPv4 inside IPv6, the allowlist, DNS
 * answers), the retry schedule with jitter and Retry-After, and signing with both secrets.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  nextDelayMs,
  parseRetryAfter,
  scheduledDelayMs,
} from '../../src/services/webhooks/retry-schedule';
import { postWebhook } from '../../src/services/webhooks/http-post';
import { newSecret, signedHeaders } from '../../src/services/webhooks/signing';
import {
  checkUrl,
  embeddedIPv4,
  isLoopbackAddress,
  isPrivateAddress,
  safeLookup,
  UnsafeUrlError,
  type UrlPolicy,
} from '../../src/services/webhooks/url-safety';

const production: UrlPolicy = { production: true, allowedHosts: [] };
const development: UrlPolicy = { production: false, allowedHosts: [] };

/** A DNS stand-in: each host name resolves to the given addresses. */
function dns(table: Record<string, string[]>) {
  return (host: string) => {
    const list = table[host];
    if (!list) return Promise.reject(new Error('ENOTFOUND'));
    return Promise.resolve(
      list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

describe('private addresses', () => {
  const refused = [
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '127.0.0.1',
    '127.1.2.3',
    '0.0.0.0',
    '169.254.169.254', // cloud metadata
    '169.254.0.1',
    '100.64.0.1', // CGNAT
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd00:ec2::254', // AWS metadata over IPv6 (ULA)
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    '::ffff:127.0.0.1', // IPv4-mapped loopback
    '::ffff:7f00:1', // the same, in hex
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe', // NAT64 of the metadata address
    '2002:a9fe:a9fe::1', // 6to4 of the metadata address
    '::127.0.0.1', // IPv4-compatible
    'not-an-address',
  ];
  const allowed = ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'];

  test.each(refused)('%s is private', (a) => expect(isPrivateAddress(a)).toBe(true));
  test.each(allowed)('%s is public', (a) => expect(isPrivateAddress(a)).toBe(false));

  test('IPv4 inside IPv6 is found in every spelling', () => {
    expect(embeddedIPv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(embeddedIPv4('::FFFF:7F00:0001')).toBe('127.0.0.1');
    expect(embeddedIPv4('0:0:0:0:0:ffff:a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIPv4('2606:4700::1111')).toBeNull();
    expect(embeddedIPv4('::1')).toBeNull();
  });

  test('loopback', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1'])
      expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['10.0.0.1', '::2', '169.254.169.254'])
      expect(isLoopbackAddress(a)).toBe(false);
  });
});

describe('checkUrl in production', () => {
  const table = dns({
    'hooks.example.com': ['93.184.215.14'],
    'metadata.example.com': ['169.254.169.254'],
    'internal.example.com': ['10.1.2.3'],
    'mixed.example.com': ['93.184.215.14', '192.168.0.10'],
    'v6local.example.com': ['fd12:3456::1'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
    localhost: ['127.0.0.1', '::1'],
  });

  test('a public https URL passes', async () => {
    await expect(
      checkUrl('https://hooks.example.com/in', production, table),
    ).resolves.toBeInstanceOf(URL);
  });

  test.each([
    ['http://hooks.example.com/in', 'only https'],
    ['http://127.0.0.1:8080/in', 'only https'],
    ['https://metadata.example.com/', 'private'],
    ['https://169.254.169.254/latest/meta-data/', 'private'],
    ['https://internal.example.com/', 'private'],
    ['https://mixed.example.com/', 'private'],
    ['https://v6local.example.com/', 'private'],
    ['https://mapped.example.com/', 'private'],
    ['https://[::1]/', 'private'],
    ['https://[::ffff:169.254.169.254]/', 'private'],
    ['https://[fd00:ec2::254]/', 'private'],
    ['https://localhost/', 'private'],
    ['https://nowhere.example.com/', 'resolve'],
    ['https://user:pw@hooks.example.com/', 'credentials'],
    ['ftp://hooks.example.com/', 'only https'],
  ])('%s is refused (%s)', async (url, why) => {
    const err = await checkUrl(url, production, table).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeUrlError);
    expect((err as Error).message).toContain(why);
  });

  test('an allowlist names a private host, address or range', async () => {
    const byName = { production: true, allowedHosts: ['internal.example.com'] };
    await expect(checkUrl('https://internal.example.com/', byName, table)).resolves.toBeInstanceOf(
      URL,
    );
    const byRange = { production: true, allowedHosts: ['10.0.0.0/8'] };
    await expect(checkUrl('https://internal.example.com/', byRange, table)).resolves.toBeInstanceOf(
      URL,
    );
    // The range does not cover the metadata address.
    await expect(checkUrl('https://metadata.example.com/', byRange, table)).rejects.toThrow(
      UnsafeUrlError,
    );
  });

  test('outside production: http only to loopback, https anywhere', async () => {
    await expect(checkUrl('http://127.0.0.1:9/x', development, table)).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://[::1]:9/x', development, table)).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://hooks.example.com/', development, table)).rejects.toThrow(
      UnsafeUrlError,
    );
    await expect(
      checkUrl('https://internal.example.com/', development, table),
    ).resolves.toBeInstanceOf(URL);
  });
});

describe('retry schedule', () => {
  const schedule = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

  test('the first attempt is immediate; each retry follows the schedule within ±20 %', () => {
    expect(scheduledDelayMs(schedule, 1)).toBe(0);
    for (let attempt = 2; attempt <= schedule.length; attempt++) {
      const base = schedule[attempt - 1];
      expect(scheduledDelayMs(schedule, attempt, () => 0)).toBe(base * 0.8);
      expect(scheduledDelayMs(schedule, attempt, () => 1)).toBe(base * 1.2);
      const d = scheduledDelayMs(schedule, attempt);
      expect(d).toBeGreaterThanOrEqual(base * 0.8);
      expect(d).toBeLessThanOrEqual(base * 1.2);
    }
    // Past the end, the last delay repeats.
    expect(scheduledDelayMs(schedule, 20, () => 0.5)).toBe(36_000_000);
  });

  test('Retry-After on 429 and 503 replaces the schedule; elsewhere it is ignored', () => {
    expect(nextDelayMs(schedule, 1, 429, '7', () => 0.5)).toBe(7000);
    expect(nextDelayMs(schedule, 1, 503, '120', () => 0.5)).toBe(120_000);
    expect(nextDelayMs(schedule, 1, 500, '7', () => 0.5)).toBe(5000);
    expect(nextDelayMs(schedule, 1, 429, undefined, () => 0.5)).toBe(5000);
    // Capped at the longest delay of the schedule.
    expect(nextDelayMs(schedule, 1, 429, '999999999', () => 0.5)).toBe(36_000_000);
    const at = new Date(Date.now() + 60_000).toUTCString();
    expect(parseRetryAfter(at)).toBeGreaterThan(50_000);
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('signing', () => {
  test('one signature per secret, each verifying with standardwebhooks', () => {
    const a = newSecret();
    const b = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'REFERRAL_SENT', position: '1' });
    const headers = signedHeaders([a, b], 'evt-1', new Date(), body);
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const s of [a, b])
      expect(new Webhook(s).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSecret()).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
  });
});

describe('at delivery time (production)', () => {
  test('an IP literal is checked before connecting (the socket asks no lookup for it)', async () => {
    for (const url of ['https://169.254.169.254/latest', 'https://[::ffff:127.0.0.1]/x']) {
      const out = await postWebhook(new URL(url), {}, '{}', {
        timeoutMs: 1000,
        policy: production,
      });
      expect(out).toMatchObject({ ok: false, status: null });
      expect(out.error).toMatch(/^address refused/);
    }
    const http = await postWebhook(new URL('http://127.0.0.1:9/x'), {}, '{}', {
      timeoutMs: 1000,
      policy: production,
    });
    expect(http.error).toBe('address refused: only https URLs in production');
  });

  test('the lookup the socket uses refuses a name that resolves to a private address', async () => {
    const lookup = safeLookup(production, false);
    const err = await new Promise<unknown>((resolve) =>
      lookup('localhost', { family: 0 }, (e) => resolve(e)),
    );
    expect(err).toBeInstanceOf(UnsafeUrlError);
  });
});
