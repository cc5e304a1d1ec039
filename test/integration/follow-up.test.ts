/**
 * followUp against an independent computation: a deterministic synthetic data set is
 * written to the hub's tables, the figures are recomputed with plain loops over the raw
 * rows, and compared with followUp for several windows and groupings (PGlite, or
 * PostgreSQL when DATABASE_URL is set). Also: suppression, who may call it, bad input.
 */
import { stockholmDate } from '../../src/domain/working-days';
import {
  expectedFigures,
  type Expected,
  type RawData,
  type RawPlan,
  type RawReferral,
} from '../helpers/follow-up-expected';
import { generateFollowUpRows, insertFollowUpRows } from '../helpers/follow-up-data';
import { startTestHub, type TestHub } from '../helpers/test-hub';

const COUNT = '{ value suppressed }';
const SHARE = `{ value suppressed numerator ${COUNT} denominator ${COUNT} }`;
const QUERY = `query ($from: LocalDate!, $to: LocalDate!, $groupBy: [FollowUpDimension!]!) {
  followUp(from: $from, to: $to, groupBy: $groupBy) {
    from to groupBy suppressed
    rows {
      district { id } jobCentre { id } targetGroup { code } month
      referralsSent ${COUNT} accepted ${COUNT} rejected ${COUNT} withdrawn ${COUNT}
      enrolled ${COUNT}
      medianDaysToFirstVisit { value suppressed count ${COUNT} }
      planWithinJobGuarantee ${SHARE}
      planDeadlinesMissed ${COUNT}
      returned ${COUNT} returnsByReason { code { code } count ${COUNT} }
      closedExcludingReturned ${COUNT} closuresByReason { code { code } count ${COUNT} }
      workClosuresByEmploymentType { code { code } count ${COUNT} }
      interventions { interventionType { code } participants ${COUNT} completed ${COUNT}
        workOrStudiesWithin6Months ${SHARE} workOrStudiesWithin12Months ${SHARE} }
    }
  }
}`;

interface Cell {
  value: number | null;
  suppressed: boolean;
}
interface Share {
  value: number | null;
  suppressed: boolean;
  numerator: Cell;
  denominator: Cell;
}
interface CodeCell {
  code: { code: string };
  count: Cell;
}
interface Row {
  district: { id: string } | null;
  jobCentre: { id: string } | null;
  targetGroup: { code: string } | null;
  month: string | null;
  referralsSent: Cell;
  accepted: Cell;
  rejected: Cell;
  withdrawn: Cell;
  enrolled: Cell;
  medianDaysToFirstVisit: { value: number | null; suppressed: boolean; count: Cell };
  planWithinJobGuarantee: Share;
  planDeadlinesMissed: Cell;
  returned: Cell;
  returnsByReason: CodeCell[];
  closedExcludingReturned: Cell;
  closuresByReason: CodeCell[];
  workClosuresByEmploymentType: CodeCell[];
  interventions: {
    interventionType: { code: string };
    participants: Cell;
    completed: Cell;
    workOrStudiesWithin6Months: Share;
    workOrStudiesWithin12Months: Share;
  }[];
}
interface FollowUpData {
  followUp: { suppressed: boolean; groupBy: string[]; rows: Row[] };
}

let t: TestHub;
let raw: RawData;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestHub();
  const ds = t.hub.dataSource;
  await insertFollowUpRows(ds, generateFollowUpRows({ referrals: 1500, seed: 8 }));
  raw = {
    referrals: await ds.query<RawReferral[]>(`SELECT * FROM referral`),
    plans: await ds.query<RawPlan[]>(
      `SELECT referral_id, kind, status, submitted_at, activities FROM job_plan`,
    ),
    acceptedIds: new Set(
      (
        await ds.query<
          {
            referral_id: string;
          }[]
        >(`SELECT referral_id FROM event WHERE type = 'REFERRAL_ACCEPTED'`)
      ).map((e) => e.referral_id),
    ),
  };
  const as = async (name: string, role: string, org: string) =>
    (tokens[name] = await t.token({ role, org }));
  await as('analyst', 'ANALYST', 'arbetsmarknadsforvaltningen');
  await as('admin', 'ADMIN', 'stadsledningskontoret');
  await as('stats', 'PARTNER_SYSTEM', 'statistiktjansten');
  await as('district', 'DISTRICT_CASEWORKER', 'rinkeby-kista');
  await as('coach', 'JOB_CENTRE_COACH', 'jobbtorg-innerstaden');
  await as('sfi', 'SFI_ADMINISTRATOR', 'sfi-kista');
  await as('af', 'EMPLOYMENT_SERVICE_OFFICER', 'af-kista');
  await as('dpo', 'DATA_PROTECTION_OFFICER', 'stadsledningskontoret');
  await as('districtSystem', 'PARTNER_SYSTEM', 'rinkeby-kista');
}, 120_000);

afterAll(() => t?.stop());

async function followUp(token: string | undefined, from: string, to: string, groupBy: unknown) {
  return t.gql<FollowUpData>(QUERY, { token, variables: { from, to, groupBy } });
}

const keyOf = (r: Row) =>
  JSON.stringify([
    r.district?.id ?? null,
    r.jobCentre?.id ?? null,
    r.targetGroup?.code ?? null,
    r.month,
  ]);

const codes = (cells: CodeCell[]) =>
  Object.fromEntries(cells.map((c) => [c.code.code, c.count.value]));

function compareExact(rows: Row[], expected: Map<string, Expected>) {
  expect(rows.map(keyOf).sort()).toEqual([...expected.keys()].sort());
  for (const row of rows) {
    const e = expected.get(keyOf(row)) as Expected;
    expect({
      sent: row.referralsSent.value,
      accepted: row.accepted.value,
      rejected: row.rejected.value,
      withdrawn: row.withdrawn.value,
      enrolled: row.enrolled.value,
      median: row.medianDaysToFirstVisit.value,
      met: row.planWithinJobGuarantee.numerator.value,
      decided: row.planWithinJobGuarantee.denominator.value,
      missed: row.planDeadlinesMissed.value,
      returned: row.returned.value,
      closed: row.closedExcludingReturned.value,
      returnsByReason: codes(row.returnsByReason),
      closuresByReason: codes(row.closuresByReason),
      workByType: codes(row.workClosuresByEmploymentType),
      interventions: Object.fromEntries(
        row.interventions.map((i) => [
          i.interventionType.code,
          {
            participants: i.participants.value,
            completed: i.completed.value,
            f6: i.workOrStudiesWithin6Months.denominator.value,
            w6: i.workOrStudiesWithin6Months.numerator.value,
            f12: i.workOrStudiesWithin12Months.denominator.value,
            w12: i.workOrStudiesWithin12Months.numerator.value,
          },
        ]),
      ),
    }).toEqual(e);
    const share = row.planWithinJobGuarantee;
    expect(share.value).toBe(e.decided ? e.met / e.decided : null);
    expect(row.referralsSent.suppressed).toBe(false);
  }
}

describe('followUp figures equal an independent computation', () => {
  const today = () => stockholmDate(new Date());

  test('the data set exercises every figure', () => {
    const all = expectedFigures(raw, {
      from: '2024-01-01',
      to: '2027-01-01',
      today: today(),
      groupBy: [],
    });
    const e = [...all.values()][0];
    expect(e.sent).toBe(1500);
    for (const n of [e.rejected, e.withdrawn, e.met, e.decided - e.met, e.missed, e.returned])
      expect(n).toBeGreaterThan(10);
    expect(Object.keys(e.workByType).length).toBeGreaterThan(1);
    expect(Object.values(e.interventions).some((i) => i.w12 > 0 && i.f12 > i.w12)).toBe(true);
  });

  test.each([
    ['2025-01-01', '2026-12-31', ['DISTRICT']],
    ['2025-01-01', '2026-12-31', ['TARGET_GROUP', 'MONTH']],
    ['2025-03-15', '2025-08-20', ['MONTH', 'JOB_CENTRE']],
    ['2025-06-01', '2026-02-28', ['DISTRICT', 'JOB_CENTRE', 'TARGET_GROUP']],
  ])('district caseworker (own district, unsuppressed) %s..%s by %j', async (from, to, groupBy) => {
    const res = await followUp(tokens.district, from, to, groupBy);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.followUp.suppressed).toBe(false);
    compareExact(
      res.body.data?.followUp.rows ?? [],
      expectedFigures(raw, { from, to, today: today(), groupBy, district: 'rinkeby-kista' }),
    );
  });

  test.each([
    ['2025-01-01', '2026-12-31', ['DISTRICT', 'TARGET_GROUP']],
    ['2025-11-05', '2026-04-30', ['MONTH']],
  ])('job centre coach (own job centre) %s..%s by %j', async (from, to, groupBy) => {
    const res = await followUp(tokens.coach, from, to, groupBy);
    expect(res.body.errors).toBeUndefined();
    compareExact(
      res.body.data?.followUp.rows ?? [],
      expectedFigures(raw, {
        from,
        to,
        today: today(),
        groupBy,
        jobCentre: 'jobbtorg-innerstaden',
      }),
    );
  });
});

describe('small cells for callers who may not see individuals', () => {
  test.each(['analyst', 'admin', 'stats'])(
    '%s: city-wide, counts of 1–4 withheld, others exact',
    async (who) => {
      const [from, to, groupBy] = [
        '2025-01-01',
        '2026-06-30',
        ['DISTRICT', 'TARGET_GROUP', 'MONTH'],
      ];
      const res = await followUp(tokens[who], from, to, groupBy);
      expect(res.body.errors).toBeUndefined();
      const fu = res.body.data?.followUp;
      expect(fu?.suppressed).toBe(true);
      const expected = expectedFigures(raw, {
        from,
        to,
        today: stockholmDate(new Date()),
        groupBy,
      });
      expect((fu?.rows ?? []).map(keyOf).sort()).toEqual([...expected.keys()].sort());
      let withheld = 0;
      for (const row of fu?.rows ?? []) {
        const e = expected.get(keyOf(row)) as Expected;
        for (const [cell, n] of [
          [row.referralsSent, e.sent],
          [row.accepted, e.accepted],
          [row.rejected, e.rejected],
          [row.enrolled, e.enrolled],
          [row.returned, e.returned],
          [row.closedExcludingReturned, e.closed],
          [row.planDeadlinesMissed, e.missed],
        ] as [Cell, number][]) {
          if (n >= 1 && n <= 4) {
            expect(cell).toEqual({ value: null, suppressed: true });
            withheld++;
          } else expect(cell).toEqual({ value: n, suppressed: false });
        }
        // Nothing shown anywhere in the row is a count of 1–4.
        const shown: number[] = [];
        const walk = (v: unknown): void => {
          if (v && typeof v === 'object') {
            const o = v as Record<string, unknown>;
            if ('suppressed' in o && 'value' in o && !('numerator' in o) && !('count' in o)) {
              if (typeof o.value === 'number' && Number.isInteger(o.value)) shown.push(o.value);
            }
            Object.values(o).forEach(walk);
          }
        };
        walk({ ...row, medianDaysToFirstVisit: row.medianDaysToFirstVisit.count });
        expect(shown.filter((n) => n >= 1 && n <= 4)).toEqual([]);
        // Shares over a withheld count are withheld.
        const s = row.planWithinJobGuarantee;
        if (s.numerator.suppressed || s.denominator.suppressed)
          expect(s).toMatchObject({ value: null, suppressed: true });
        if (row.medianDaysToFirstVisit.count.suppressed)
          expect(row.medianDaysToFirstVisit.value).toBeNull();
        // A breakdown never has exactly one withheld cell next to a shown total.
        if (!row.returned.suppressed)
          expect(row.returnsByReason.filter((c) => c.count.suppressed).length).not.toBe(1);
        if (!row.closedExcludingReturned.suppressed)
          expect(row.closuresByReason.filter((c) => c.count.suppressed).length).not.toBe(1);
      }
      expect(withheld).toBeGreaterThan(20);
    },
  );

  test('windows must be whole months for suppressed callers (against differencing)', async () => {
    let res = await followUp(tokens.analyst, '2025-01-02', '2025-01-31', ['DISTRICT']);
    expect(res.body.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'from',
    });
    res = await followUp(tokens.analyst, '2025-01-01', '2025-01-30', ['DISTRICT']);
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    res = await followUp(tokens.district, '2025-01-02', '2025-01-30', ['DISTRICT']);
    expect(res.body.errors).toBeUndefined();
  });
});

describe('who may call followUp', () => {
  test.each(['sfi', 'af', 'dpo', 'districtSystem'])('%s → FORBIDDEN', async (who) => {
    const res = await followUp(tokens[who], '2025-01-01', '2025-12-31', ['DISTRICT']);
    expect(res.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(res.body.data?.followUp ?? null).toBeNull();
  });

  test('without a token → UNAUTHENTICATED', async () => {
    const res = await followUp(undefined, '2025-01-01', '2025-12-31', ['DISTRICT']);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a district caseworker sees only their own district', async () => {
    const res = await followUp(tokens.district, '2025-01-01', '2026-12-31', ['DISTRICT']);
    expect(res.body.data?.followUp.rows.map((r) => r.district?.id)).toEqual(['rinkeby-kista']);
  });

  test('a coach sees only referrals to their job centre', async () => {
    const res = await followUp(tokens.coach, '2025-01-01', '2026-12-31', ['JOB_CENTRE']);
    expect(res.body.data?.followUp.rows.map((r) => r.jobCentre?.id)).toEqual([
      'jobbtorg-innerstaden',
    ]);
  });
});

describe('bad input', () => {
  test.each([
    ['2025-02-01', '2025-01-31', ['DISTRICT'], 'from'],
    ['2025-01-01', '2025-01-31', [], 'groupBy'],
    ['2000-01-01', '2025-12-31', ['DISTRICT'], 'to'],
  ])('%s..%s %j → BAD_USER_INPUT on %s', async (from, to, groupBy, field) => {
    const res = await followUp(tokens.district, from, to, groupBy);
    expect(res.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.body.data?.followUp ?? null).toBeNull();
  });

  test('an unknown dimension or a malformed date is refused', async () => {
    let res = await followUp(tokens.district, '2025-01-01', '2025-01-31', ['PERSON']);
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    res = await followUp(tokens.district, '2025-02-30', '2025-03-31', ['DISTRICT']);
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('followUp writes no access-log rows (aggregates, not a person’s data)', async () => {
    const before = await t.hub.dataSource.query<
      {
        n: number;
      }[]
    >(`SELECT count(*)::int AS n FROM access_log`);
    await followUp(tokens.district, '2025-01-01', '2025-12-31', ['DISTRICT']);
    const after = await t.hub.dataSource.query<
      {
        n: number;
      }[]
    >(`SELECT count(*)::int AS n FROM access_log`);
    expect(after[0].n).toBe(before[0].n);
  });
});
