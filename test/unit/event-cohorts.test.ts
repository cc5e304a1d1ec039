/**
 * The cohort machinery without a server: which subscriptions share a key, how long a shared
 * payload is kept, and the batched access-log writer (one statement for rows that become due
 * together; a failed statement fails every delivery waiting on it; close writes the rest).
 */
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import { Role } from '../../src/auth/roles';
import type { Context } from '../../src/context';
import { Cohort } from '../../src/events/cohorts/cohort';
import { cohortKey, documentShape, type Subscriber } from '../../src/events/cohorts/fingerprint';
import type { Rendered } from '../../src/events/cohorts/render';
import type { StoredEvent } from '../../src/events/event-types';
import { buildHubSchema } from '../../src/schema';
import { BatchedAccessLogWriter } from '../../src/services/access-log/batched-writer';

const schema = buildHubSchema();

function viewer(over: Partial<AuthenticatedViewer> = {}): AuthenticatedViewer {
  return {
    kind: 'authenticated',
    sub: 'coach-1',
    role: Role.JOB_CENTRE_COACH,
    orgId: 'jobbtorg-sydvast',
    orgKind: 'JOB_CENTRE',
    scopes: [],
    expiresAt: 2_000_000_000,
    ...over,
  };
}

const coach = (over: Partial<AuthenticatedViewer> = {}, purpose = 'case-handling'): Subscriber => ({
  viewer: viewer(over),
  gateway: false,
  purpose,
});

const IDS = `subscription ($f: EventFilter, $after: String, $full: Boolean!) {
  referralEvents(filter: $f, after: $after) { id referral @include(if: $full) { status } }
}`;
const SRC = `subscription ($after: String) {
  referralEvents(after: $after) { referral { person { sfi { status } } } }
}`;

function key(text: string, variables: Record<string, unknown>, s: Subscriber): string {
  return cohortKey(text, null, variables, documentShape(schema, parse(text)), s);
}

describe('cohort key', () => {
  test('root-field arguments (filter, after) stay out; other variables count', () => {
    const shape = documentShape(schema, parse(IDS));
    expect([...shape.renderVariables]).toEqual(['full']);
    expect(shape.readsSources).toBe(false);
    const base = key(IDS, { f: null, after: null, full: true }, coach());
    expect(key(IDS, { f: { jobCentreId: 'x' }, after: 'abc', full: true }, coach())).toBe(base);
    expect(key(IDS, { full: true, after: 'zzz' }, coach())).toBe(base);
    expect(key(IDS, { f: null, after: null, full: false }, coach())).not.toBe(base);
    // Another text is another document (error locations would differ).
    expect(key(`${IDS} `, { full: true }, coach())).not.toBe(base);
  });

  test('a directive on the root field counts even though it sits on the root field', () => {
    const text = `subscription ($x: Boolean!) { referralEvents @include(if: $x) { id } }`;
    expect([...documentShape(schema, parse(text)).renderVariables]).toEqual(['x']);
  });

  test('absent and null variables differ (absent takes the default)', () => {
    const text = `subscription ($full: Boolean = true) { referralEvents { id referral @include(if: $full) { id } } }`;
    expect(key(text, {}, coach())).not.toBe(key(text, { full: null }, coach()));
  });

  test('everything the policy reads is in it: role, organisation, kind, scopes, purpose, gateway', () => {
    const vars = { full: true };
    const base = key(IDS, vars, coach());
    const others = [
      coach({ orgId: 'jobbtorg-jarva' }),
      coach({ role: Role.PARTNER_SYSTEM }),
      coach({ orgKind: 'PARTNER' }),
      coach({ scopes: ['events:read'] }),
      coach({}, 'follow-up'),
      { ...coach(), gateway: true },
    ].map((s) => key(IDS, vars, s));
    for (const k of others) expect(k).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
    // Scopes in another order are the same scopes.
    expect(key(IDS, vars, coach({ scopes: ['a', 'b'] }))).toBe(
      key(IDS, vars, coach({ scopes: ['b', 'a'] })),
    );
  });

  test('the user matters only when the document reaches a source system', () => {
    expect(documentShape(schema, parse(SRC)).readsSources).toBe(true);
    expect(key(IDS, { full: true }, coach({ sub: 'a' }))).toBe(
      key(IDS, { full: true }, coach({ sub: 'b' })),
    );
    expect(key(SRC, {}, coach({ sub: 'a' }))).not.toBe(key(SRC, {}, coach({ sub: 'b' })));
    expect(key(SRC, { after: 'x' }, coach({ sub: 'a' }))).toBe(key(SRC, {}, coach({ sub: 'a' })));
  });
});

describe('cohort payloads', () => {
  const event = (position: string) => ({ position }) as StoredEvent;
  function cohort() {
    let executions = 0;
    const c = new Cohort(
      'k',
      (e) => Promise.resolve({ payload: `{"p":${e.position}}`, entries: [] } as Rendered),
      () => ({}) as Context,
      () => executions++,
    );
    return { c, executions: () => executions };
  }

  test('rendered once for every member holding it, dropped after the last one took it', async () => {
    const { c, executions } = cohort();
    const e = event('7');
    c.buffered(e);
    c.buffered(e);
    c.buffered(e);
    expect(await c.take(e)).toEqual({ payload: '{"p":7}', entries: [] });
    expect(await c.take(e)).toEqual({ payload: '{"p":7}', entries: [] });
    expect(c.held).toBe(1);
    c.released(e); // the third member ended before taking it
    expect(c.held).toBe(0);
    expect(executions()).toBe(1);
  });

  test('rendered as soon as it is buffered, so the events of one read render side by side', async () => {
    const { c, executions } = cohort();
    c.buffered(event('1'));
    c.buffered(event('2'));
    c.buffered(event('2'));
    expect(executions()).toBe(2);
    expect(await c.take(event('1'))).toEqual({ payload: '{"p":1}', entries: [] });
    expect(await c.take(event('2'))).toEqual({ payload: '{"p":2}', entries: [] });
    expect(await c.take(event('2'))).toEqual({ payload: '{"p":2}', entries: [] });
    expect(executions()).toBe(2);
  });

  test('a failed render reaches the members that take it, and nobody else', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const c = new Cohort(
        'k',
        () => Promise.reject(new Error('source down')),
        () => ({}) as Context,
        () => undefined,
      );
      c.buffered(event('3'));
      c.buffered(event('4'));
      await expect(c.take(event('3'))).rejects.toThrow('source down');
      c.released(event('4')); // its only member ended before taking it
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
      expect(c.held).toBe(0);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  test('a member that was not holding the event never gets a kept payload', async () => {
    const { c, executions } = cohort();
    const e = event('8');
    c.buffered(e);
    await c.take(e);
    expect(c.held).toBe(0);
    await c.take(e); // e.g. a replay: rendered again, as of now
    expect(executions()).toBe(2);
  });
});

describe('batched access-log writer', () => {
  const entry = (personId: string) => ({
    personId,
    action: 'READ' as const,
    operation: 'Op',
    fieldGroups: ['identity' as const],
  });
  /**
   * A statement's rows as [request ids, subs], one element per row: the INSERT's one
   * parameter holds, per actor, its identity and then its entries.
   */
  function rowColumns(params: unknown[]): string[][] {
    const actors = JSON.parse(params[0] as string) as [string, string, ...unknown[]][];
    const rows = actors.flatMap((a) => (a[5] as unknown[]).map(() => a));
    return [rows.map((a) => a[0]), rows.map((a) => a[1])];
  }
  function fakeDb(fail = false) {
    const statements: unknown[][] = [];
    const ds = {
      query: (_sql: string, params: unknown[]) => {
        statements.push(rowColumns(params));
        return fail ? Promise.reject(new Error('refused')) : Promise.resolve([]);
      },
    } as unknown as DataSource;
    return { ds, statements };
  }
  const actor = (sub: string, personId: string) => ({
    viewer: viewer({ sub }),
    requestId: `req-${sub}`,
    purpose: 'case-handling',
    entries: [entry(personId)],
  });
  const p = '00000000-0000-4000-8000-000000000001';

  test('rows due together go in one statement, each with its own actor and request', async () => {
    const { ds, statements } = fakeDb();
    const w = new BatchedAccessLogWriter(ds);
    await Promise.all([w.write(actor('a', p)), w.write(actor('b', p)), w.write(actor('c', p))]);
    expect(statements).toHaveLength(1);
    expect(statements[0][0]).toEqual(['req-a', 'req-b', 'req-c']);
    expect(statements[0][1]).toEqual(['a', 'b', 'c']);
    await w.write({ ...actor('d', p), entries: [] }); // nothing to write: no statement
    expect(statements).toHaveLength(1);
  });

  test('a full batch is written at once; a failed statement fails its writers', async () => {
    const { ds, statements } = fakeDb(true);
    const w = new BatchedAccessLogWriter(ds, { maxRows: 2 });
    const results = await Promise.allSettled([
      w.write(actor('a', p)),
      w.write(actor('b', p)),
      w.write(actor('c', p)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(statements.map((s) => s[1])).toEqual([['a', 'b'], ['c']]);
  });

  test('while every slot is busy, rows of later turns wait together for the next statement', async () => {
    const statements: unknown[][] = [];
    const release: (() => void)[] = [];
    const ds = {
      query: (_sql: string, params: unknown[]) => {
        statements.push(rowColumns(params));
        return new Promise<void>((resolve) => release.push(resolve));
      },
    } as unknown as DataSource;
    const w = new BatchedAccessLogWriter(ds, { maxInFlight: 1 });
    const turn = () => new Promise((r) => setImmediate(r));
    const first = w.write(actor('a', p));
    await turn();
    expect(statements).toHaveLength(1); // a's statement is in flight
    const later = [w.write(actor('b', p))];
    await turn();
    later.push(w.write(actor('c', p)));
    await turn();
    expect(statements).toHaveLength(1); // b and c wait: no slot
    release.shift()!();
    await first;
    await turn();
    expect(statements.map((s) => s[1])).toEqual([['a'], ['b', 'c']]);
    release.shift()!();
    await Promise.all(later);
  });

  test('close writes what is pending', async () => {
    const { ds, statements } = fakeDb();
    const w = new BatchedAccessLogWriter(ds);
    const pending = w.write(actor('a', p));
    await w.close();
    expect(statements).toHaveLength(1);
    await expect(pending).resolves.toBeUndefined();
  });
});
