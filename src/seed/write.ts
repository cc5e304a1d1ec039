/**
 * Writes the generated demo data set into the hub's database (person index and the four
 * embedded sources) in one transaction: either all of it is there or none of it.
 *
 * Rows go in as `INSERT … SELECT * FROM unnest($1::uuid[], $2::text[], …)`, one array per
 * column and about 5,000 rows per statement: a fixed, small number of parameters per
 * statement whatever the batch size (a multi-row VALUES list hits the 65,535-parameter limit
 * and costs a parse per row), and the same SQL on PostgreSQL and on embedded PGlite.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import { DemoDataStream, type DemoData } from './generate';

const BATCH_ROWS = 5000;
/** Persons per slice written together; each table's rows of a slice go in ≤ BATCH_ROWS at a time. */
const SLICE_PERSONS = 4000;
/** Persons drawn between yields, so statements keep flowing while the next slice is drawn. */
const GENERATE_STEP = 200;
const LOCK_KEY = 7_301_002; // arbitrary; one seeding at a time per database

/** One column: its SQL name, the array type unnest reads, and how to get it from a row. */
type Column<R> = readonly [name: string, type: string, get: (row: R) => unknown];

interface TableSpec<R> {
  table: string;
  rows: (data: DemoData) => readonly R[];
  columns: readonly Column<R>[];
}

function spec<R>(
  table: string,
  rows: (data: DemoData) => readonly R[],
  columns: readonly Column<R>[],
): TableSpec<unknown> {
  return { table, rows, columns } as TableSpec<unknown>;
}

/** In insert order: parents before the rows that reference them. */
const TABLES: readonly TableSpec<unknown>[] = [
  spec('person', (d) => d.persons, [
    ['id', 'uuid', (r) => r.id],
    ['personnummer', 'text', (r) => r.personnummer],
    ['given_name', 'text', (r) => r.givenName],
    ['family_name', 'text', (r) => r.familyName],
    ['birth_year', 'integer', (r) => r.birthYear],
    ['protected_identity', 'boolean', (r) => r.protectedIdentity],
    ['home_district_id', 'text', (r) => r.homeDistrictId],
    ['synthetic', 'boolean', (r) => r.synthetic],
  ]),
  spec('person_link', (d) => d.personLinks, [
    ['person_id', 'uuid', (r) => r.personId],
    ['organisation_id', 'text', (r) => r.organisationId],
    ['relation', 'text', (r) => r.relation],
    ['target_group', 'text', (r) => r.targetGroup],
    ['active', 'boolean', (r) => r.active],
    ['since', 'date', (r) => r.since],
  ]),
  spec('socialtjanst.assistance_case', (d) => d.assistanceCases, [
    ['id', 'uuid', (r) => r.id],
    ['person_id', 'uuid', (r) => r.personId],
    ['district_id', 'text', (r) => r.districtId],
    ['caseworker', 'text', (r) => r.caseworker],
    ['status', 'text', (r) => r.status],
    ['period_start', 'date', (r) => r.periodStart],
    ['period_end', 'date', (r) => r.periodEnd],
    ['support_barrier', 'text', (r) => r.supportBarrier],
    ['target_group', 'text', (r) => r.targetGroup],
  ]),
  spec('socialtjanst.decision', (d) => d.decisions, [
    ['id', 'uuid', (r) => r.id],
    ['case_id', 'uuid', (r) => r.caseId],
    ['month', 'date', (r) => r.month],
    ['outcome', 'text', (r) => r.outcome],
    ['amount', 'numeric', (r) => r.amount],
  ]),
  spec('jobbtorg.enrolment', (d) => d.jobCentreEnrolments, [
    ['id', 'uuid', (r) => r.id],
    ['person_id', 'uuid', (r) => r.personId],
    ['job_centre_id', 'text', (r) => r.jobCentreId],
    ['coach', 'text', (r) => r.coach],
    ['first_visit_at', 'timestamptz', (r) => r.firstVisitAt],
    ['status', 'text', (r) => r.status],
    ['closure_reason', 'text', (r) => r.closureReason],
    ['closure_employment_type', 'text', (r) => r.closureEmploymentType],
    ['closed_at', 'date', (r) => r.closedAt],
  ]),
  spec('jobbtorg.plan', (d) => d.plans, [
    ['id', 'uuid', (r) => r.id],
    ['enrolment_id', 'uuid', (r) => r.enrolmentId],
    ['kind', 'text', (r) => r.kind],
    ['goal', 'text', (r) => r.goal],
    ['valid_from', 'date', (r) => r.validFrom],
    ['valid_to', 'date', (r) => r.validTo],
    ['status', 'text', (r) => r.status],
  ]),
  spec('jobbtorg.intervention', (d) => d.interventions, [
    ['id', 'uuid', (r) => r.id],
    ['enrolment_id', 'uuid', (r) => r.enrolmentId],
    ['intervention_type', 'text', (r) => r.interventionType],
    ['provider', 'text', (r) => r.provider],
    ['start_date', 'date', (r) => r.startDate],
    ['end_date', 'date', (r) => r.endDate],
    ['hours_per_week', 'numeric', (r) => r.hoursPerWeek],
    ['attendance_percent', 'integer', (r) => r.attendancePercent],
  ]),
  spec('jobbtorg.interruption', (d) => d.interruptions, [
    ['id', 'uuid', (r) => r.id],
    ['enrolment_id', 'uuid', (r) => r.enrolmentId],
    ['reason', 'text', (r) => r.reason],
    ['from_date', 'date', (r) => r.fromDate],
    ['to_date', 'date', (r) => r.toDate],
  ]),
  spec('sfi.enrolment', (d) => d.sfiEnrolments, [
    ['id', 'uuid', (r) => r.id],
    ['person_id', 'uuid', (r) => r.personId],
    ['provider_id', 'text', (r) => r.providerId],
    ['study_path', 'text', (r) => r.studyPath],
    ['course', 'text', (r) => r.course],
    ['start_date', 'date', (r) => r.startDate],
    ['end_date', 'date', (r) => r.endDate],
    ['hours_per_week', 'numeric', (r) => r.hoursPerWeek],
    ['status', 'text', (r) => r.status],
    ['grade', 'text', (r) => r.grade],
    ['national_test_grade', 'text', (r) => r.nationalTestGrade],
  ]),
  spec('arbetsformedlingen.job_seeker', (d) => d.jobSeekers, [
    ['person_id', 'uuid', (r) => r.personId],
    ['office_id', 'text', (r) => r.officeId],
    ['registered', 'boolean', (r) => r.registered],
    ['registered_since', 'date', (r) => r.registeredSince],
    ['deregistered_at', 'date', (r) => r.deregisteredAt],
    ['category_code', 'text', (r) => r.categoryCode],
    ['extent_percent', 'integer', (r) => r.extentPercent],
    ['last_activity_report', 'date', (r) => r.lastActivityReport],
    ['activity_support', 'boolean', (r) => r.activitySupport],
  ]),
  spec('arbetsformedlingen.programme_assignment', (d) => d.programmeAssignments, [
    ['id', 'uuid', (r) => r.id],
    ['person_id', 'uuid', (r) => r.personId],
    ['programme_code', 'text', (r) => r.programmeCode],
    ['start_date', 'date', (r) => r.startDate],
    ['end_date', 'date', (r) => r.endDate],
  ]),
];

/** The tables the seed owns, and the only ones a reset empties. */
export const SEEDED_TABLES: readonly string[] = TABLES.map((t) => t.table);

export interface SeedOptions {
  persons: number;
  seed?: number;
  referenceDate?: string;
  /** Empty the person index and the source tables first; without it, existing persons stop the seed. */
  reset?: boolean;
}

export interface SeedResult {
  persons: number;
  /** Rows written per table. */
  rows: Record<string, number>;
  /** Demo consents derived from the links (see writeDemoConsents). */
  consents: number;
  ms: number;
}

export async function hasPersons(dataSource: DataSource | EntityManager): Promise<boolean> {
  const rows = await dataSource.query<{ exists: boolean }[]>(
    'SELECT EXISTS (SELECT 1 FROM person) AS exists',
  );
  return rows[0]?.exists === true;
}

async function insertTable(
  m: EntityManager,
  t: TableSpec<unknown>,
  data: DemoData,
): Promise<number> {
  const rows = t.rows(data);
  const names = t.columns.map(([name]) => name).join(', ');
  const arrays = t.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${t.table} (${names}) SELECT * FROM unnest(${arrays})`;
  for (let from = 0; from < rows.length; from += BATCH_ROWS) {
    const batch = rows.slice(from, from + BATCH_ROWS);
    await m.query(
      sql,
      t.columns.map(([, , get]) => batch.map(get)),
    );
  }
  return rows.length;
}

/**
 * Runs `load` with the seeded tables' foreign keys and secondary indexes dropped, then puts
 * them back from their stored definitions. This is PostgreSQL's own bulk-load advice
 * ("Populating a Database"): per-row foreign-key triggers and index maintenance through a
 * million random-UUID inserts cost far more than one sorted index build and one join that
 * validates each constraint at the end. Definitions come from the catalogue, so whatever the
 * migrations define is what comes back; primary keys and unique constraints stay throughout.
 * Everything happens inside the caller's transaction: a failure leaves the schema as it was,
 * and re-adding a constraint checks every row, so integrity is checked all the same.
 */
async function withoutForeignKeysAndIndexes(
  m: EntityManager,
  load: () => Promise<void>,
): Promise<void> {
  const tables = `(SELECT to_regclass(t) FROM unnest($1::text[]) AS t)`;
  const foreignKeys = await m.query<{ tbl: string; name: string; definition: string }[]>(
    `SELECT c.conrelid::regclass::text AS tbl, quote_ident(c.conname) AS name,
            pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conrelid = ANY ${tables}
      ORDER BY 1, 2`,
    [SEEDED_TABLES],
  );
  const indexes = await m.query<{ name: string; definition: string }[]>(
    `SELECT x.indexrelid::regclass::text AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x
      WHERE x.indrelid = ANY ${tables}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY 1`,
    [SEEDED_TABLES],
  );
  for (const fk of foreignKeys) await m.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${fk.name}`);
  for (const { name } of indexes) await m.query(`DROP INDEX ${name}`);
  await load();
  for (const { definition } of indexes) await m.query(definition);
  for (const fk of foreignKeys)
    await m.query(`ALTER TABLE ${fk.tbl} ADD CONSTRAINT ${fk.name} ${fk.definition}`);
}

/**
 * Draws the next slice in small steps, yielding in between: PostgreSQL runs in another
 * process, so the statements of the previous slice execute while this one is drawn.
 */
async function nextSlice(stream: DemoDataStream): Promise<DemoData | null> {
  if (stream.remaining === 0) return null;
  for (let drawn = 0; drawn < SLICE_PERSONS && stream.remaining > 0; drawn += GENERATE_STEP) {
    stream.generate(Math.min(GENERATE_STEP, SLICE_PERSONS - drawn));
    await yieldToEventLoop();
  }
  return stream.take();
}

/**
 * Demo consents, derived from the links just written: about 85% of the persons who have an
 * active assistance case and are referred to or enrolled at a job centre agreed that every
 * organisation around them may share every scope, recorded by their district 30 days before
 * the reference date and valid for 18 months. The rest gave none, so the demo shows both
 * (a coach sees SFI and AF data for most of the caseload, FORBIDDEN for the others).
 * Chosen by a hash of the person id: deterministic for a seed, no extra random draws.
 */
async function writeDemoConsents(m: EntityManager, referenceDate: string): Promise<number> {
  const rows = await m.query<{ n: string }[]>(
    `WITH inserted AS (
       INSERT INTO consent (id, person_id, parties, scope, valid_from, valid_until, recorded_by_org, recorded_by_sub, recorded_at)
       SELECT md5('demo-consent:' || l.person_id::text)::uuid,
              l.person_id,
              array_agg(DISTINCT l.organisation_id ORDER BY l.organisation_id),
              ARRAY['EMPLOYMENT_SERVICE', 'JOB_CENTRE', 'REFERRAL_STATUS', 'SFI'],
              $1::date - 30,
              $1::date + 548,
              min(l.organisation_id) FILTER (WHERE l.relation = 'ASSISTANCE_CASE'),
              'demo-seed',
              ($1::date - 30)::timestamptz
         FROM person_link l
        WHERE l.active
        GROUP BY l.person_id
       HAVING bool_or(l.relation = 'ASSISTANCE_CASE')
          AND bool_or(l.relation IN ('REFERRAL', 'JOB_CENTRE_ENROLMENT'))
          AND ('x' || substr(md5(l.person_id::text), 1, 2))::bit(8)::int < 218
       RETURNING 1)
     SELECT count(*)::text AS n FROM inserted`,
    [referenceDate],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Generates `persons` synthetic persons and writes them. Refuses when the database already
 * holds persons (a demo set on top of real or other data would be a mess) unless `reset`.
 * Reference data must be loaded first: the rows point at its organisations.
 */
export async function seedDatabase(
  dataSource: DataSource,
  options: SeedOptions,
): Promise<SeedResult> {
  const started = performance.now();
  const stream = new DemoDataStream({
    persons: options.persons,
    seed: options.seed,
    referenceDate: options.referenceDate,
  });
  const rows: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t.table, 0]));
  let consents = 0;
  await dataSource.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const [{ districts }] = await m.query<{ districts: string }[]>(
      `SELECT count(*) AS districts FROM organisation WHERE kind = 'DISTRICT'`,
    );
    if (Number(districts) === 0)
      throw new Error('no organisations in the database: load the reference data before seeding');
    if (options.reset) {
      // CASCADE also empties any other table holding foreign keys to these (its rows would
      // point at deleted persons). Reference tables are only referenced, so they stay.
      await m.query(`TRUNCATE ${SEEDED_TABLES.join(', ')} CASCADE`);
    } else if (await hasPersons(m)) {
      throw new Error('the database already holds persons; seed with reset to replace them');
    }
    await withoutForeignKeysAndIndexes(m, async () => {
      let next = nextSlice(stream);
      for (;;) {
        const slice = await next;
        if (!slice) break;
        next = nextSlice(stream);
        // If an insert fails, the pending slice must not surface as an unhandled rejection.
        next.catch(() => undefined);
        for (const t of TABLES) rows[t.table] += await insertTable(m, t, slice);
      }
    });
    consents = await writeDemoConsents(m, stream.referenceDate);
    // Fresh statistics, so the first queries on the demo data get sensible plans instead of
    // waiting for autovacuum.
    await m.query(`ANALYZE ${SEEDED_TABLES.join(', ')}, consent`);
  });
  return { persons: stream.total, rows, consents, ms: Math.round(performance.now() - started) };
}
