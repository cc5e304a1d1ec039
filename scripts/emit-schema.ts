/**
 * Writes schema.graphql (the schema the hub serves) and subgraph.graphql (its Federation 2
 * subgraph SDL, what a gateway composes) from the type-graphql classes, or with --check
 * fails when a committed file differs from what the code builds (CI runs the check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHubSchema, printHubSchema, printHubSubgraph } from '../src/schema';

const schema = buildHubSchema();
const files = [
  { name: 'schema.graphql', sdl: printHubSchema(schema) },
  { name: 'subgraph.graphql', sdl: printHubSubgraph(schema) + '\n' },
];
const check = process.argv.includes('--check');
let stale = 0;

for (const { name, sdl } of files) {
  const file = join(__dirname, '..', name);
  if (!check) {
    writeFileSync(file, sdl);
    console.log(`wrote ${file}`);
    continue;
  }
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing file: reported as stale below
  }
  if (committed === sdl) {
    console.log(`${name} is up to date`);
  } else {
    console.error(`${name} is stale: run \`npm run schema:emit\` and commit the result.`);
    stale++;
  }
}
if (stale) process.exit(1);
