/** Writing the demo data set into a real database (PGlite, or PostgreSQL with DATABASE_URL). */
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { generateDemoData, type DemoData } from '../../src/seed/generate';
import { hasPersons, seedDatabase, SEEDED_TABLES } from '../../src/seed/write';
import { createTestDatabase, openReferenceDatabase } from '../helpers/database';

/** Which generated array each table is written from. */
const ARRAY_OF_TABLE: Record<string, keyof DemoData> = {
  person: 'persons',
  person_link: 'personLinks',
  'socialtjanst.assistance_case': 'assistanceCases',
  'socialtjanst.decision': 'decisions',
  'jobbtorg.enrolment': 'jobCentreEnrolments',
  'jobbtorg.plan': 'plans',
  'jobbtorg.intervention': 'interventions',
  'jobbtorg.interruption': 'interruptions',
  'sfi.enrolment': 'sfiEnrolments',
  'arbetsformedlingen.job_seeker': 'jobSeekers',
  'arbetsformedlingen.programme_assignment': 'programmeAssignments',
};

let close: () => Promise<void>;
let ds: DataSource;

beforeAll(async () => {
  ({ ds, close } = await openReferenceDatabase());
});

afterAll(async () => {
  await close();
});

async function tableCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of SEEDED_TABLES) {
    const [{ n }] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = Number(n);
  }
  return out;
}

function expectedCounts(data: DemoData): Record<string, number> {
  return Object.fromEntries(
    Object.entries(ARRAY_OF_TABLE).map(([table, key]) => [table, (data[key] as unknown[]).length]),
  );
}

/** Constraint and index definitions of the seeded tables: the seed drops and restores them. */
async function schemaOfSeededTables(): Promise<string[]> {
  const rows = await ds.query<{ def: string }[]>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE conrelid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) t)
     UNION ALL
     SELECT pg_get_indexdef(indexrelid)
       FROM pg_index WHERE indrelid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) t)
     ORDER BY 1`,
    [SEEDED_TABLES],
  );
  return rows.map((r) => r.def);
}

test('seeds every table with exactly the generated rows, keeping constraints and indexes', async () => {
  expect(Object.keys(ARRAY_OF_TABLE).sort()).toEqual([...SEEDED_TABLES].sort());
  const schemaBefore = await schemaOfSeededTables();
  expect(await hasPersons(ds)).toBe(false);

  const result = await seedDatabase(ds, { persons: 300, seed: 11 });

  const expected = expectedCounts(generateDemoData({ persons: 300, seed: 11 }));
  expect(result.persons).toBe(300);
  expect(result.rows).toEqual(expected);
  expect(await tableCounts()).toEqual(expected);
  expect(Object.values(expected).every((n) => n > 0)).toBe(true);
  expect(await hasPersons(ds)).toBe(true);
  expect(await schemaOfSeededTables()).toEqual(schemaBefore);
});

test('values survive the round trip through the database', async () => {
  const data = generateDemoData({ persons: 300, seed: 11 });
  const [enrolment] = data.jobCentreEnrolments;
  const [row] = await ds.query<{ first_visit_at: Date; status: string }[]>(
    `SELECT first_visit_at, status FROM jobbtorg.enrolment WHERE id = $1`,
    [enrolment.id],
  );
  expect(row.first_visit_at.getTime()).toBe(new Date(enrolment.firstVisitAt!).getTime());
  expect(row.status).toBe(enrolment.status);

  const [decision] = data.decisions;
  const [d] = await ds.query<{ month: string; amount: string }[]>(
    `SELECT month, amount::text AS amount FROM socialtjanst.decision WHERE id = $1`,
    [decision.id],
  );
  expect(d).toEqual({ month: decision.month, amount: decision.amount });

  const [{ mismatches }] = await ds.query<{ mismatches: string }[]>(
    `SELECT count(*) AS mismatches FROM person_link l
      WHERE l.relation = 'ASSISTANCE_CASE'
        AND NOT EXISTS (SELECT 1 FROM socialtjanst.assistance_case c
                         WHERE c.person_id = l.person_id AND c.district_id = l.organisation_id
                           AND (c.status = 'ACTIVE') = l.active AND c.period_start = l.since)`,
  );
  expect(Number(mismatches)).toBe(0);
  const [{ synthetic }] = await ds.query<{ synthetic: boolean }[]>(
    `SELECT bool_and(synthetic) AS synthetic FROM person`,
  );
  expect(synthetic).toBe(true);
});

test('demo consents: about 85% of referred or enrolled persons with a case, naming every organisation around them', async () => {
  // Independent computation from the generated links: who qualifies, who is drawn (the
  // documented md5 rule), and which organisations they are linked to.
  const data = generateDemoData({ persons: 300, seed: 11 });
  const links = new Map<string, { relations: Set<string>; orgs: Set<string> }>();
  for (const l of data.personLinks.filter((x) => x.active)) {
    const entry = links.get(l.personId) ?? { relations: new Set(), orgs: new Set() };
    entry.relations.add(l.relation);
    entry.orgs.add(l.organisationId);
    links.set(l.personId, entry);
  }
  const qualifying = [...links].filter(
    ([, e]) =>
      e.relations.has('ASSISTANCE_CASE') &&
      (e.relations.has('REFERRAL') || e.relations.has('JOB_CENTRE_ENROLMENT')),
  );
  const drawn = qualifying.filter(
    ([id]) => parseInt(createHash('md5').update(id).digest('hex').slice(0, 2), 16) < 218,
  );
  const rows = await ds.query<
    { person_id: string; parties: string[]; scope: string[]; valid_until: string }[]
  >(
    `SELECT person_id, parties, scope, valid_until::text AS valid_until FROM consent ORDER BY person_id`,
  );
  expect(rows.map((r) => r.person_id)).toEqual(drawn.map(([id]) => id).sort());
  for (const r of rows) {
    expect(r.parties).toEqual([...links.get(r.person_id)!.orgs].sort());
    expect(r.scope).toEqual(['EMPLOYMENT_SERVICE', 'JOB_CENTRE', 'REFERRAL_STATUS', 'SFI']);
    expect(r.valid_until > data.referenceDate).toBe(true);
  }
  const share = drawn.length / qualifying.length;
  expect(share).toBeGreaterThan(0.7);
  expect(share).toBeLessThan(0.97);
});

test('a second seed without reset is refused and changes nothing', async () => {
  const before = await tableCounts();
  await expect(seedDatabase(ds, { persons: 10, seed: 12 })).rejects.toThrow(
    'the database already holds persons',
  );
  expect(await tableCounts()).toEqual(before);
});

test('reset replaces the demo data and leaves reference data alone', async () => {
  const [{ n: organisationsBefore }] = await ds.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM organisation`,
  );
  const [{ n: codesBefore }] = await ds.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM code_entry`,
  );

  const result = await seedDatabase(ds, { persons: 120, seed: 12, reset: true });

  const expected = expectedCounts(generateDemoData({ persons: 120, seed: 12 }));
  expect(result.rows).toEqual(expected);
  expect(await tableCounts()).toEqual(expected);
  const [{ n: organisationsAfter }] = await ds.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM organisation`,
  );
  const [{ n: codesAfter }] = await ds.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM code_entry`,
  );
  expect(organisationsAfter).toBe(organisationsBefore);
  expect(codesAfter).toBe(codesBefore);
});

test('without reference data the seed stops with a clear message', async () => {
  const other = await createTestDatabase();
  const bare = createDataSource(other.config);
  await bare.initialize();
  try {
    await bare.runMigrations();
    await expect(seedDatabase(bare, { persons: 5 })).rejects.toThrow('load the reference data');
  } finally {
    await bare.destroy();
    await other.drop();
  }
});
