/**
 * The federation entry points are no side door. `_entities` and `_service` answer only the
 * gateway (its shared secret), over HTTP and graphql-ws; a person or referral read through
 * `_entities` gives exactly what the root field gives the same viewer — the same values, the
 * same refusals with the same codes and field groups — and the same access-log rows, marked
 * `via = entities`. The root fields' answers are held to the policy by the field probe and
 * the role matrix; this file holds the entity path to the root path for the same persons
 * and viewers, so a leak on either side shows up as a difference.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { selectionOf } from '../helpers/schema-selection';
import {
  fullConsent,
  insertPersons,
  type InsertedPerson,
  type PersonSpec,
} from '../helpers/person-fixture';
import { ReferralApi, referralInput } from '../helpers/referral-api';
import { wsUrl } from '../helpers/event-subscribers';
import { startTestHub, type GraphQLResponse, type TestHub } from '../helpers/test-hub';

const SECRET = 'gateway-secret-for-the-federation-tests-0123456789';
const GATEWAY = { 'x-gateway-secret': SECRET };

const PERSON_SELECTION = selectionOf('Person', 5);
const REFERRAL_SELECTION = selectionOf('Referral', 3);

const SPECS: Record<string, PersonSpec> = {
  consented: {
    homeDistrictId: 'skarholmen',
    cases: [{ districtId: 'skarholmen', active: true, decisions: 2 }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true },
    consents: [fullConsent(['skarholmen', 'jobbtorg-sydvast', 'sfi-kista', 'af-skarholmen'])],
  },
  noConsent: {
    homeDistrictId: 'skarholmen',
    cases: [{ districtId: 'skarholmen', active: true, decisions: 1 }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true },
  },
  protectedP: {
    homeDistrictId: 'skarholmen',
    protectedIdentity: true,
    cases: [{ districtId: 'skarholmen', active: true, decisions: 1 }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    consents: [fullConsent(['skarholmen', 'jobbtorg-sydvast'])],
  },
  bromma: {
    homeDistrictId: 'bromma',
    cases: [{ districtId: 'bromma', active: true, decisions: 1 }],
    enrolment: { jobCentreId: 'jobbtorg-vasterort' },
    sfi: { providerId: 'sfi-vallingby' },
    consents: [{ parties: ['jobbtorg-vasterort'], scope: ['SFI'] }],
  },
};
const KEYS = Object.keys(SPECS);

/** Own and foreign organisations of every role, and no token at all. */
const VIEWERS: { name: string; role?: string; org?: string }[] = [
  { name: 'caseworker', role: 'DISTRICT_CASEWORKER', org: 'skarholmen' },
  { name: 'caseworkerForeign', role: 'DISTRICT_CASEWORKER', org: 'bromma' },
  { name: 'coach', role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' },
  { name: 'coachForeign', role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' },
  { name: 'sfi', role: 'SFI_ADMINISTRATOR', org: 'sfi-kista' },
  { name: 'af', role: 'EMPLOYMENT_SERVICE_OFFICER', org: 'af-skarholmen' },
  { name: 'partner', role: 'PARTNER_SYSTEM', org: 'skarholmen' },
  { name: 'analyst', role: 'ANALYST', org: 'arbetsmarknadsforvaltningen' },
  { name: 'dpo', role: 'DATA_PROTECTION_OFFICER', org: 'arbetsmarknadsforvaltningen' },
  { name: 'admin', role: 'ADMIN', org: 'stadsledningskontoret' },
  { name: 'anonymous' },
];

type Err = NonNullable<GraphQLResponse['body']['errors']>[number];

let t: TestHub;
const persons: Record<string, InsertedPerson> = {};
const referrals: Record<string, string> = {};

beforeAll(async () => {
  // Limits raised: both paths ask for everything at once on purpose.
  t = await startTestHub({
    FEDERATION_GATEWAY_SECRET: SECRET,
    JOB_GUARANTEE_CHECK_INTERVAL_S: '86400',
    QUERY_MAX_DEPTH: '20',
    QUERY_MAX_TOKENS: '100000',
    QUERY_MAX_COST: '10000000',
    QUERY_MAX_ALIASES: '50',
  });
  const inserted = await insertPersons(
    t.hub.dataSource,
    KEYS.map((k) => SPECS[k]),
  );
  KEYS.forEach((k, i) => (persons[k] = inserted[i]));
  const api = new ReferralApi(t);
  const cw = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  const cwBromma = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'bromma' });
  for (const k of ['consented', 'protectedP'])
    referrals[k] = (await api.ok('createReferral', referralInput(persons[k].id), cw)).id;
  referrals.bromma = (
    await api.ok('createReferral', referralInput(persons.bromma.id), cwBromma)
  ).id;
}, 60000);

afterAll(async () => {
  await t.stop();
});

async function tokenOf(viewer: (typeof VIEWERS)[number]): Promise<string | undefined> {
  return viewer.role
    ? t.token({ role: viewer.role, org: viewer.org!, sub: `fed-${viewer.name}` })
    : undefined;
}

/** The access-log rows of one request, without what differs by path (id, time, via). */
async function logRows(requestId: string): Promise<{ rows: string[]; via: string[] }> {
  const rows = await t.hub.dataSource.query<
    {
      person_id: string;
      action: string;
      operation: string;
      field_groups: string[];
      bases: string[];
      actor_sub: string;
      actor_role: string;
      actor_org: string;
      purpose: string;
      via: string;
    }[]
  >(`SELECT * FROM access_log WHERE request_id = $1`, [requestId]);
  return {
    rows: rows
      .map((r) =>
        JSON.stringify([
          r.person_id,
          r.action,
          r.operation,
          r.field_groups,
          r.bases,
          r.actor_sub,
          r.actor_role,
          r.actor_org,
          r.purpose,
        ]),
      )
      .sort(),
    via: [...new Set(rows.map((r) => r.via))],
  };
}

/** Errors keyed by their path below the entity/root field, with what a client acts on. */
function errorsBelow(errors: Err[], head: (string | number)[]): string[] {
  return errors
    .filter((e) => head.every((h, i) => e.path?.[i] === h))
    .map((e) =>
      JSON.stringify([
        e.path!.slice(head.length),
        e.extensions?.code,
        e.extensions?.fieldGroup ?? null,
        e.extensions?.requires ?? null,
      ]),
    )
    .sort();
}

/**
 * What may differ between two reads of the same data: `__typename` (asked of entities only)
 * and `fetchedAt`, the moment each request fetched an agency's record.
 */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== '__typename' && k !== 'fetchedAt')
      .map(([k, v]) => [k, comparable(v)]),
  );
}

describe.each(VIEWERS)('$name', (viewer) => {
  test('a person through _entities: the same answer and access-log rows as person(id)', async () => {
    const token = await tokenOf(viewer);
    const rootId = `fed-root-${viewer.name}`;
    const entityId = `fed-ent-${viewer.name}`;
    const root = await t.gql<Record<string, unknown>>(
      `query Probe { ${KEYS.map((k) => `${k}: person(id: "${persons[k].id}") { ${PERSON_SELECTION} }`).join(' ')} }`,
      { token, headers: { 'x-request-id': rootId } },
    );
    const entities = await t.gql<{ _entities: unknown[] }>(
      `query Probe($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Person { ${PERSON_SELECTION} } } }`,
      {
        token,
        variables: { r: KEYS.map((k) => ({ __typename: 'Person', id: persons[k].id })) },
        headers: { ...GATEWAY, 'x-request-id': entityId },
      },
    );
    const rootErrors = root.body.errors ?? [];
    const entityErrors = entities.body.errors ?? [];
    for (const [i, key] of KEYS.entries()) {
      const rootValue = root.body.data?.[key] ?? null;
      const entityValue = entities.body.data?._entities[i] ?? null;
      expect([key, comparable(entityValue)]).toEqual([key, comparable(rootValue)]);
      const refusedAtRoot = errorsBelow(rootErrors, [key]);
      const refusedAsEntity = errorsBelow(entityErrors, ['_entities', i]);
      if (rootValue === null && refusedAtRoot.length === 0) {
        // person(id) answers null for unknown or out of scope; the entity says NOT_FOUND.
        expect([key, refusedAsEntity]).toEqual([
          key,
          [JSON.stringify([[], 'NOT_FOUND', null, null])],
        ]);
      } else {
        expect([key, refusedAsEntity]).toEqual([key, refusedAtRoot]);
      }
    }
    const [rootLog, entityLog] = [await logRows(rootId), await logRows(entityId)];
    expect(entityLog.rows).toEqual(rootLog.rows);
    if (rootLog.rows.length) {
      expect(rootLog.via).toEqual(['root']);
      expect(entityLog.via).toEqual(['entities']);
    }
  });

  test('a referral through _entities: the same answer as referral(id)', async () => {
    const token = await tokenOf(viewer);
    const ids = Object.values(referrals);
    const root = await t.gql<Record<string, unknown>>(
      `query R { ${ids.map((id, i) => `r${i}: referral(id: "${id}") { ${REFERRAL_SELECTION} }`).join(' ')} }`,
      { token, headers: { 'x-request-id': `fed-rroot-${viewer.name}` } },
    );
    const entities = await t.gql<{ _entities: unknown[] }>(
      `query R($r: [_Any!]!) { _entities(representations: $r) { ... on Referral { ${REFERRAL_SELECTION} } } }`,
      {
        token,
        variables: { r: ids.map((id) => ({ __typename: 'Referral', id })) },
        headers: { ...GATEWAY, 'x-request-id': `fed-rent-${viewer.name}` },
      },
    );
    for (const i of ids.keys()) {
      const rootValue = root.body.data?.[`r${i}`] ?? null;
      expect([i, comparable(entities.body.data?._entities[i] ?? null)]).toEqual([
        i,
        comparable(rootValue),
      ]);
      const refusedAtRoot = errorsBelow(root.body.errors ?? [], [`r${i}`]);
      const refusedAsEntity = errorsBelow(entities.body.errors ?? [], ['_entities', i]);
      if (rootValue === null && refusedAtRoot.length === 0)
        expect(refusedAsEntity).toEqual([JSON.stringify([[], 'NOT_FOUND', null, null])]);
      else expect(refusedAsEntity).toEqual(refusedAtRoot);
    }
    expect((await logRows(`fed-rent-${viewer.name}`)).rows).toEqual(
      (await logRows(`fed-rroot-${viewer.name}`)).rows,
    );
  });
});

describe('the gateway credential', () => {
  const ENTITY_QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organisation { id name } } }`;
  const representations = [{ __typename: 'Organisation', id: 'skarholmen' }];

  test('with it, _service returns the committed subgraph SDL', async () => {
    const res = await t.gql<{ _service: { sdl: string } }>('{ _service { sdl } }', {
      headers: GATEWAY,
    });
    expect(res.body.errors).toBeUndefined();
    const committed = readFileSync(join(__dirname, '..', '..', 'subgraph.graphql'), 'utf8');
    expect(res.body.data!._service.sdl + '\n').toEqual(committed);
    expect(committed).toContain('@link(url: "https://specs.apollo.dev/federation/v2');
    for (const type of ['Person', 'Referral', 'Organisation'])
      expect(committed).toMatch(new RegExp(`type ${type}[^{]*@key\\(fields: "id"\\)`));
  });

  test.each([
    ['no header', {}],
    ['a wrong secret', { 'x-gateway-secret': 'not-the-secret-but-long-enough-0123456789' }],
    ['the secret in another header', { authorization: SECRET }],
  ])('%s: _entities and _service are FORBIDDEN over HTTP', async (_name, headers) => {
    const token = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    for (const [query, variables] of [
      [ENTITY_QUERY, { r: representations }],
      ['{ _service { sdl } }', {}],
    ] as const) {
      const res = await t.gql(query, { token, variables, headers });
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.requires])).toEqual([
        ['FORBIDDEN', 'gateway-credential'],
      ]);
      expect(JSON.stringify(res.body)).not.toContain('type Person');
    }
  });

  test('no inline tracing: per-field timings never go back to a caller', async () => {
    const res = await t.gql<{ organisation: { id: string } }>(
      '{ organisation(id: "skarholmen") { id } }',
      {
        headers: { ...GATEWAY, 'apollo-federation-include-trace': 'ftv1' },
      },
    );
    expect(res.body.data).toEqual({ organisation: { id: 'skarholmen' } });
    expect(JSON.stringify(res.body)).not.toContain('ftv1');
  });

  test('a role or organisation forwarded in a header is never trusted', async () => {
    const res = await t.gql(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id givenName } } }`,
      {
        variables: { r: [{ __typename: 'Person', id: persons.consented.id }] },
        headers: {
          ...GATEWAY,
          'x-role': 'ADMIN',
          'x-user-role': 'DISTRICT_CASEWORKER',
          'x-organisation-id': 'skarholmen',
          'x-org': 'skarholmen',
        },
      },
    );
    expect(res.body.data).toEqual({ _entities: [null] });
    expect(res.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 0], 'UNAUTHENTICATED'],
    ]);
  });

  test('only the key of a representation is read: nothing else in it is trusted', async () => {
    const token = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
    const res = await t.gql<{ _entities: { id: string; givenName: string | null }[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id givenName familyName } } }`,
      {
        token,
        variables: {
          r: [
            {
              __typename: 'Person',
              id: persons.protectedP.id,
              givenName: 'Mallory',
              protectedIdentity: false,
              homeDistrictId: 'jobbtorg-sydvast',
            },
          ],
        },
        headers: GATEWAY,
      },
    );
    // Protected identity: a job centre never sees the name, whatever the gateway claims.
    expect(res.body.data!._entities[0]).toEqual({
      id: persons.protectedP.id,
      givenName: null,
      familyName: null,
    });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(JSON.stringify(res.body)).not.toContain('Mallory');
  });

  test('a denied entity in a list leaves the others intact', async () => {
    const token = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
    const res = await t.gql<{ _entities: ({ id: string } | null)[] }>(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id } ... on Organisation { id } ... on Referral { id } } }`,
      {
        token,
        variables: {
          r: [
            { __typename: 'Person', id: persons.consented.id },
            { __typename: 'Person', id: persons.bromma.id },
            { __typename: 'Person', id: 42 },
            { __typename: 'Organisation', id: 'skarholmen' },
            { __typename: 'Referral', id: referrals.bromma },
            { __typename: 'Referral', id: referrals.consented },
            { __typename: 'Person', id: '00000000-0000-4000-8000-000000000000' },
          ],
        },
        headers: GATEWAY,
      },
    );
    expect(res.body.data!._entities).toEqual([
      { id: persons.consented.id },
      null,
      null,
      { id: 'skarholmen' },
      null,
      { id: referrals.consented },
      null,
    ]);
    expect(
      (res.body.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]).sort(),
    ).toEqual([
      ['_entities.1', 'NOT_FOUND'],
      ['_entities.2', 'BAD_USER_INPUT'],
      ['_entities.4', 'NOT_FOUND'],
      ['_entities.6', 'NOT_FOUND'],
    ]);
  });
});

describe('over graphql-ws', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.dispose();
  });

  async function run(
    connectionParams: Record<string, unknown>,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ data?: unknown; errors?: readonly Err[] }> {
    const client = createClient({
      url: wsUrl(t.url),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams,
    });
    clients.push(client);
    return new Promise((resolve, reject) => {
      let result: { data?: unknown; errors?: readonly Err[] } = {};
      client.subscribe(
        { query, variables },
        {
          next: (value) => (result = value as typeof result),
          error: (err) =>
            Array.isArray(err)
              ? resolve({ errors: err as Err[] })
              : reject(new Error(`graphql-ws failed: ${String(err)}`)),
          complete: () => resolve(result),
        },
      );
    });
  }

  test('a token on the upgrade request counts when connection_init has none (Apollo Router)', async () => {
    const token = await t.token({
      role: 'DISTRICT_CASEWORKER',
      org: 'skarholmen',
      sub: 'router-user',
    });
    /** A WebSocket that sends headers on the upgrade request, as a router does. */
    class WithHeaders extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, {
          headers: { authorization: `Bearer ${token}`, 'x-gateway-secret': SECRET },
        });
      }
    }
    const client = createClient({
      url: wsUrl(t.url),
      webSocketImpl: WithHeaders,
      retryAttempts: 0,
    });
    clients.push(client);
    const result = await new Promise<{ data?: unknown }>((resolve, reject) => {
      let value: { data?: unknown } = {};
      client.subscribe(
        {
          query: `query ($r: [_Any!]!) { viewer { sub } _entities(representations: $r) { ... on Person { id } } }`,
          variables: { r: [{ __typename: 'Person', id: persons.consented.id }] },
        },
        {
          next: (v) => (value = v as typeof value),
          error: (err) => reject(new Error(`graphql-ws failed: ${JSON.stringify(err)}`)),
          complete: () => resolve(value),
        },
      );
    });
    expect(result.data).toEqual({
      viewer: { sub: 'router-user' },
      _entities: [{ id: persons.consented.id }],
    });
  });

  test('_entities and _service answer with the credential in connectionParams only', async () => {
    const token = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id givenName } } }`;
    const variables = { r: [{ __typename: 'Person', id: persons.consented.id }] };
    const without = await run({ authorization: `Bearer ${token}` }, query, variables);
    expect(without.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const service = await run({ authorization: `Bearer ${token}` }, '{ _service { sdl } }');
    expect(service.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    const withIt = await run(
      { authorization: `Bearer ${token}`, 'x-gateway-secret': SECRET },
      query,
      variables,
    );
    expect(withIt.errors).toBeUndefined();
    expect(withIt.data).toEqual({
      _entities: [{ id: persons.consented.id, givenName: expect.any(String) as string }],
    });
  });
});

test('in production, federation is off unless FEDERATION_GATEWAY_SECRET is set', async () => {
  const prod = await startTestHub({ NODE_ENV: 'production', PLAYGROUND: 'off' });
  try {
    expect(prod.hub.config.federation.gatewaySecret).toBeUndefined();
    for (const headers of [{}, { 'x-gateway-secret': SECRET }] as Record<string, string>[]) {
      const res = await prod.gql('{ _service { sdl } }', { headers });
      expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  } finally {
    await prod.stop();
  }
});
