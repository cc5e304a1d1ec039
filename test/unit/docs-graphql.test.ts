/**
 * Every ```graphql block in the README and docs/ must parse and validate against the
 * schema, so a guide never shows an operation that no longer works.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { buildHubSchema } from '../../src/schema';

const root = join(__dirname, '..', '..');
const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const blocks = files.flatMap((file) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map(
    (m, i) => [`${file} #${i + 1}`, m[1]] as const,
  ),
);
const schema = buildHubSchema();

test('the guides hold GraphQL examples', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(8);
});

test.each(blocks)('%s is valid against the schema', (_name, source) => {
  expect(validate(schema, parse(source)).map((e) => e.message)).toEqual([]);
});
