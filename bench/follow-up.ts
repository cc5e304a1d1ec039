/**
 * Bench: followUp at 100,000 referrals on the PostgreSQL server.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx ts-node bench/follow-up.ts [referrals]
 *
 * Creates a throwaway database, writes the synthetic follow-up data set (persons, referrals,
 * plans, events; the job-guarantee checker runs as in the hub), then times followUp
 * end-to-end over HTTP for a few groupings and prints EXPLAIN ANALYZE of both statements.
 */
import { stockholmDate } from '../src/domain/working-days';
import { Role } from '../src/auth/roles';
import {
  interventionStatement,
  referralStatement,
} from '../src/services/follow-up/follow-up-query';
import { FollowUpService } from '../src/services/follow-up/follow-up-service';
import { generateFollowUpRows, insertFollowUpRows } from '../test/helpers/follow-up-data';
import { startTestHub } from '../test/helpers/test-hub';

const QUERY = `query ($from: LocalDate!, $to: LocalDate!, $groupBy: [FollowUpDimension!]!) {
  followUp(from: $from, to: $to, groupBy: $groupBy) { rows { month referralsSent { value }
    medianDaysToFirstVisit { value } planWithinJobGuarantee { value }
    returnsByReason { count { value } } closuresByReason { count { value } }
    interventions { participants { value } workOrStudiesWithin12Months { value } } } } }`;

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to a PostgreSQL server');
  const n = Number(process.argv[2] ?? 100_000);
  const t = await startTestHub();
  try {
    const ds = t.hub.dataSource;
    let started = Date.now();
    await insertFollowUpRows(ds, generateFollowUpRows({ referrals: n, seed: 8 }));
    await ds.query('ANALYZE');
    console.log(`data: ${n} referrals written in ${Date.now() - started} ms`);
    const token = await t.token({ role: 'ANALYST', org: 'arbetsmarknadsforvaltningen' });
    const analystViewer = {
      kind: 'authenticated' as const,
      sub: 'bench',
      role: Role.ANALYST,
      orgId: 'arbetsmarknadsforvaltningen',
      orgKind: 'CITY_ADMINISTRATION' as const,
      scopes: [],
      expiresAt: Date.now() / 1000 + 3600,
    };
    const cases: [string, string, string[]][] = [
      ['2025-01-01', '2026-12-31', ['DISTRICT']],
      ['2025-01-01', '2026-12-31', ['DISTRICT', 'TARGET_GROUP', 'MONTH']],
      ['2025-01-01', '2025-03-31', ['JOB_CENTRE', 'MONTH']],
    ];
    for (const [from, to, groupBy] of cases) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        started = performance.now();
        const res = await t.gql<{ followUp: { rows: unknown[] } }>(QUERY, {
          token,
          variables: { from, to, groupBy },
        });
        times.push(performance.now() - started);
        if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
        rows = res.body.data?.followUp.rows.length ?? 0;
      }
      times.sort((a, b) => a - b);
      // The same call without HTTP and GraphQL: the two SQL statements and the shaping.
      const service = new FollowUpService(ds);
      const serviceTimes: number[] = [];
      for (let i = 0; i < 5; i++) {
        started = performance.now();
        await service.followUp(analystViewer, { from, to, groupBy });
        serviceTimes.push(performance.now() - started);
      }
      serviceTimes.sort((a, b) => a - b);
      console.log(`  service only: ms median ${serviceTimes[2].toFixed(0)}`);
      console.log(
        `followUp ${from}..${to} by ${groupBy.join('+')}: ${rows} rows; ms min ${times[0].toFixed(0)} median ${times[2].toFixed(0)} max ${times[4].toFixed(0)}`,
      );
    }
    const q = {
      from: '2025-01-01',
      to: '2026-12-31',
      today: stockholmDate(new Date()),
      groupBy: ['DISTRICT', 'TARGET_GROUP', 'MONTH'] as const,
      scope: { kind: 'all' as const },
    };
    for (const [name, s] of [
      ['referral statement', referralStatement(q)],
      ['intervention statement', interventionStatement(q)],
    ] as const) {
      // As the service runs them: JIT off (see src/services/follow-up/follow-up-query.ts).
      const plan = await ds.transaction(async (m) => {
        await m.query('SET LOCAL jit = off');
        await m.query("SET LOCAL work_mem = '32MB'");
        return m.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
      });
      console.log(`\n--- EXPLAIN ANALYZE ${name} ---`);
      for (const line of plan) console.log(line['QUERY PLAN']);
    }
  } finally {
    await t.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
