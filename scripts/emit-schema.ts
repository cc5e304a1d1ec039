/**
 * Writes schema.graphql from the type-graphql schema, or with --check fails when the
 * committed file differs from what the code builds (CI runs the check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printHubSchema } from '../src/schema';

const file = join(__dirname, '..', 'schema.graphql');
const sdl = printHubSchema();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    // missing file: reported as stale below
  }
  if (committed !== sdl) {
    console.error('schema.graphql is stale: run `npm run schema:emit` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date');
} else {
  writeFileSync(file, sdl);
  console.log(`wrote ${file}`);
}
