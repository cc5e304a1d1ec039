/**
 * Writes supergraph.graphql from the hub's subgraph.graphql and the appointment booking
 * subgraph, or with --check fails when they no longer compose or the committed file is
 * stale (CI runs the check):
 *   npm run supergraph:compose [-- --hub-sdl path/to/hub.graphql]
 *   npm run supergraph:check
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  composeRepositorySupergraph,
  CompositionError,
  HUB_SUBGRAPH_FILE,
  hubSubgraphSdl,
  SUPERGRAPH_FILE,
} from '../src/gateway/supergraph';

function main(): void {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      'hub-sdl': { type: 'string', default: HUB_SUBGRAPH_FILE },
    },
  });
  let supergraph: string;
  try {
    supergraph = composeRepositorySupergraph(hubSubgraphSdl(values['hub-sdl']));
  } catch (err) {
    if (err instanceof CompositionError) {
      console.error(err.message);
      process.exit(1);
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`${values['hub-sdl']} is missing: run \`npm run schema:emit\` first.`);
      process.exit(1);
    }
    throw err;
  }
  if (values.check) {
    let committed = '';
    try {
      committed = readFileSync(SUPERGRAPH_FILE, 'utf8');
    } catch {
      // missing file: reported as stale below
    }
    if (committed !== supergraph) {
      console.error(
        'supergraph.graphql is stale: run `npm run supergraph:compose` and commit the result.',
      );
      process.exit(1);
    }
    console.log('supergraph.graphql composes and is up to date');
  } else {
    writeFileSync(SUPERGRAPH_FILE, supergraph);
    console.log(`wrote ${SUPERGRAPH_FILE}`);
  }
}

main();
