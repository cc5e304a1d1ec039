/**
 * The caseload query as each of the three servers is asked for it. The hub and the floor
 * get the same GraphQL document; the peer's schema names the field differently
 * (`caseload`, `rowId`), so aliases give the same response shape:
 * `{ data: { persons: { edges: [ { node: { id, givenName, … } } ] } } }`.
 */
import type { RequestVariant } from './lib/load';

export const PAGE_SIZE = 50;

export const HUB_QUERY = `query Caseload($jobCentreId: ID!) {
  persons(filter: { jobCentreId: $jobCentreId }, first: ${PAGE_SIZE}) {
    edges {
      node {
        id
        givenName
        familyName
        protectedIdentity
        financialAid { active supportBarrier { code label } }
        jobCentre { coach status firstVisitAt currentPlan { kind status validTo } }
        sfi { course { code } status }
        employmentService { registered category { label } programme { label } fetchedAt stale }
      }
    }
  }
}`;

/** PostGraphile: the per-source fields are JSON columns computed by bench_peer.caseload. */
export const PEER_QUERY = `query Caseload($jobCentreId: String!) {
  persons: caseload(jobCentreId: $jobCentreId, pageSize: ${PAGE_SIZE}) {
    edges {
      node {
        id: rowId
        givenName
        familyName
        protectedIdentity
        financialAid
        jobCentre
        sfi
        employmentService
      }
    }
  }
}`;

export function caseloadBody(server: 'hub' | 'peer' | 'floor', jobCentreId: string): string {
  return JSON.stringify({
    operationName: 'Caseload',
    query: server === 'peer' ? PEER_QUERY : HUB_QUERY,
    variables: { jobCentreId },
  });
}

/** The caseload requests a load generator rotates through: one per job centre, as its coach. */
export function caseloadRequests(
  server: 'hub' | 'peer' | 'floor',
  tokens: ReadonlyMap<string, string>,
): RequestVariant[] {
  return [...tokens].map(([jobCentreId, token]) => ({
    headers: { authorization: `Bearer ${token}` },
    body: caseloadBody(server, jobCentreId),
  }));
}

interface Body {
  data?: {
    persons?: { edges?: { node: { employmentService?: { fetchedAt?: string } | null } }[] };
  };
  errors?: { path?: unknown[]; extensions?: Record<string, unknown> }[];
}

/** The response's data without the per-request timestamp (fetchedAt), for comparison. */
export function comparableData(body: Body): string {
  const edges = body.data?.persons?.edges ?? [];
  return JSON.stringify(
    edges.map((e) => {
      const es = e.node.employmentService;
      return es ? { ...e.node, employmentService: { ...es, fetchedAt: undefined } } : e.node;
    }),
  );
}

/** The errors as a sorted list of path + code + field group (their order is not defined). */
export function comparableErrors(body: Body): string[] {
  return (body.errors ?? [])
    .map((e) =>
      JSON.stringify([
        e.path,
        e.extensions?.code,
        e.extensions?.fieldGroup,
        e.extensions?.requires,
      ]),
    )
    .sort();
}
