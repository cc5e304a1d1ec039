/**
 * Composition of the supergraph: the hub's subgraph SDL (`subgraph.graphql`, emitted by
 * `npm run schema:emit`) and the appointment booking subgraph's, composed with
 * `@theguild/federation-composition` (MIT, pure JavaScript, no binary to download). The
 * output is sorted, so the same subgraphs always give the same file and a diff of
 * `supergraph.graphql` shows a real change.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices, sortSDL } from '@theguild/federation-composition';
import { parse, print } from 'graphql';
import { buildAppointmentsSchema } from '../appointments/schema';
import { AppointmentStore } from '../appointments/store';

/** The nearest directory with a package.json: the repository root from src/ and dist/src/. */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return join(__dirname, '..', '..');
  }
}

/** Where subgraph.graphql and supergraph.graphql live. */
export const REPO_ROOT = repositoryRoot(__dirname);
export const HUB_SUBGRAPH_FILE = join(REPO_ROOT, 'subgraph.graphql');
export const SUPERGRAPH_FILE = join(REPO_ROOT, 'supergraph.graphql');

/** Subgraph names in the supergraph (join__Graph) and the gateway's transport entries. */
export const HUB = 'hub';
export const APPOINTMENTS = 'appointments';

/**
 * The URLs written into supergraph.graphql: the local defaults. The gateway replaces them
 * with HUB_URL and APPOINTMENTS_URL at start, so one composed file serves every deployment.
 */
export const DEFAULT_SUBGRAPH_URLS: Record<string, string> = {
  [HUB]: 'http://127.0.0.1:4000/graphql',
  [APPOINTMENTS]: 'http://127.0.0.1:4010/graphql',
};

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`The supergraph does not compose:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CompositionError';
  }
}

const HEADER =
  '# The supergraph: the hub (subgraph.graphql) and the appointment booking subgraph\n' +
  '# (src/appointments), composed by `npm run supergraph:compose`. Do not edit; CI checks\n' +
  '# that it is up to date (`npm run supergraph:check`).\n\n';

/** Composes the subgraphs into a supergraph SDL, sorted; throws CompositionError. */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
  );
  if (result.errors) {
    throw new CompositionError(
      result.errors.map((e) => {
        const code = (e.extensions as { code?: unknown } | undefined)?.code;
        return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
      }),
    );
  }
  return `${HEADER}${print(sortSDL(result.supergraphDocumentNode))}\n`;
}

/** The appointment subgraph's SDL, printed as @apollo/subgraph prints it for `_service { sdl }`. */
export function appointmentsSubgraphSdl(): string {
  return printSubgraphSchema(buildAppointmentsSchema(new AppointmentStore()));
}

/** The hub's subgraph SDL as committed (`npm run schema:emit` writes it). */
export function hubSubgraphSdl(file = HUB_SUBGRAPH_FILE): string {
  return readFileSync(file, 'utf8');
}

/** The repository's supergraph: the hub and the appointments, at the default URLs. */
export function composeRepositorySupergraph(hubSdl = hubSubgraphSdl()): string {
  return composeSupergraph([
    { name: HUB, url: DEFAULT_SUBGRAPH_URLS[HUB], sdl: hubSdl },
    {
      name: APPOINTMENTS,
      url: DEFAULT_SUBGRAPH_URLS[APPOINTMENTS],
      sdl: appointmentsSubgraphSdl(),
    },
  ]);
}
