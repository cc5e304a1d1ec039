/**
 * What the batched access-log writer stores is exactly what its callers gave it, on both
 * databases: the rows travel as one JSON parameter (batched-writer.ts), so quotes,
 * backslashes, commas, braces, newlines and non-ASCII text in any column must arrive as
 * they were, each actor's identity on each of its rows, in the order written. And the id
 * lists of the batch reads (src/db/uuid-array.ts) read the same persons whichever form the
 * ids take.
 */
import { Role } from '../../src/auth/roles';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import { uuidArray } from '../../src/db/uuid-array';
import { BatchedAccessLogWriter } from '../../src/services/access-log/batched-writer';
import { useReferenceDatabase } from '../helpers/database';

const reference = useReferenceDatabase();

function viewer(sub: string, role: Role, orgId: string): AuthenticatedViewer {
  return {
    kind: 'authenticated',
    sub,
    role,
    orgId,
    orgKind: 'JOB_CENTRE',
    scopes: [],
    expiresAt: 2e9,
  };
}

const P1 = '00000000-0000-4000-8000-0000000000a1';
const P2 = '00000000-0000-4000-8000-0000000000a2';
const P3 = '00000000-0000-4000-8000-0000000000a3';

test('every column arrives as written, for each actor of a shared statement', async () => {
  const awkward = 'case "12", back\\slash, {brace}; line\nbreak — åäö ✓';
  const writer = new BatchedAccessLogWriter(reference.ds);
  await Promise.all([
    writer.write({
      viewer: viewer('coach "ä"\\1', Role.JOB_CENTRE_COACH, 'jobbtorg-sydvast'),
      requestId: 'req-1',
      purpose: awkward,
      entries: [
        {
          personId: P1,
          action: 'READ',
          operation: 'Caseload, page {1}',
          fieldGroups: ['identity', 'jobCentre', 'sfi'],
          bases: ['sfi=consent:c-1', 'employmentService=legal-basis:SFS 2001:453, 1 §'],
          via: 'entities',
        },
        {
          personId: P2,
          action: 'READ',
          operation: 'Caseload, page {1}',
          fieldGroups: ['identity'],
        },
      ],
    }),
    writer.write({
      viewer: viewer('dpo', Role.DATA_PROTECTION_OFFICER, 'stadsledningskontoret'),
      requestId: 'req-2',
      purpose: 'audit',
      entries: [{ personId: P3, action: 'WRITE', operation: 'x', fieldGroups: ['referral'] }],
    }),
  ]);
  await writer.close();
  const rows = await reference.ds.query<Record<string, unknown>[]>(
    `SELECT request_id, actor_sub, actor_role, actor_org, person_id, action, operation,
            field_groups, purpose, bases, via
       FROM access_log WHERE request_id IN ('req-1', 'req-2') ORDER BY id`,
  );
  const actor1 = {
    request_id: 'req-1',
    actor_sub: 'coach "ä"\\1',
    actor_role: 'JOB_CENTRE_COACH',
    actor_org: 'jobbtorg-sydvast',
    purpose: awkward,
    action: 'READ',
    operation: 'Caseload, page {1}',
  };
  expect(rows).toEqual([
    {
      ...actor1,
      person_id: P1,
      field_groups: ['identity', 'jobCentre', 'sfi'],
      bases: ['sfi=consent:c-1', 'employmentService=legal-basis:SFS 2001:453, 1 §'],
      via: 'entities',
    },
    { ...actor1, person_id: P2, field_groups: ['identity'], bases: [], via: 'root' },
    {
      request_id: 'req-2',
      actor_sub: 'dpo',
      actor_role: 'DATA_PROTECTION_OFFICER',
      actor_org: 'stadsledningskontoret',
      person_id: P3,
      action: 'WRITE',
      operation: 'x',
      field_groups: ['referral'],
      purpose: 'audit',
      bases: [],
      via: 'root',
    },
  ]);
});

test('an id list is one array literal when every id is a UUID, else the array itself', async () => {
  const ids = [P1, P2.toUpperCase(), P3];
  expect(uuidArray(ids)).toBe(`{${ids.join(',')}}`);
  expect(uuidArray([])).toBe('{}');
  const odd = [P1, 'x", "y'];
  expect(uuidArray(odd)).toBe(odd);
  // Both forms read the same rows; a list that is not all UUIDs is refused by the cast.
  const read = (param: unknown) =>
    reference.ds.query<{ x: string }[]>(`SELECT x FROM unnest($1::uuid[]) AS x ORDER BY x`, [
      param,
    ]);
  expect(await read(uuidArray(ids))).toEqual(await read(ids));
  expect((await read(uuidArray(ids))).map((r) => r.x)).toEqual([P1, P2, P3]);
  await expect(read(uuidArray(odd))).rejects.toThrow();
});

test('a lone surrogate in a claim is stored as U+FFFD, as a text parameter stores it', async () => {
  const writer = new BatchedAccessLogWriter(reference.ds);
  await writer.write({
    viewer: viewer('coach\ud800-x\udc00', Role.JOB_CENTRE_COACH, 'jobbtorg-sydvast'),
    requestId: 'req-3',
    purpose: 'case-handling',
    entries: [{ personId: P1, action: 'READ', operation: 'Caseload', fieldGroups: ['identity'] }],
  });
  const [row] = await reference.ds.query<{ actor_sub: string }[]>(
    `SELECT actor_sub FROM access_log WHERE request_id = 'req-3'`,
  );
  expect(row.actor_sub).toBe('coach\ufffd-x\ufffd');
  // What the one-actor path (a text parameter) stores for the same text.
  const [plain] = await reference.ds.query<{ t: string }[]>(`SELECT $1::text AS t`, [
    'coach\ud800-x\udc00',
  ]);
  expect(plain.t).toBe(row.actor_sub);
});
