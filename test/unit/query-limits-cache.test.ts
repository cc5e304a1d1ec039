/**
 * The query-limit analysis kept per parsed document (src/security/query-limits.ts): asking
 * again with the same document object gives the same answers as a fresh analysis, for the
 * rule checks (depth, aliases) and for the cost, whose page sizes may come from variables.
 */
import { buildSchema, parse } from 'graphql';
import { limitErrors, type QueryLimits } from '../../src/security/query-limits';

const schema = buildSchema(`
  type Query { items(first: Int): ItemConnection! item: Item }
  type ItemConnection { edges: [Edge!]! }
  type Edge { node: Item! }
  type Item { id: ID! name: String child: Item }
`);

const limits: QueryLimits = {
  maxDepth: 4,
  maxAliases: 2,
  maxDirectives: 5,
  maxTokens: 1000,
  maxCost: 100,
};

const codes = (
  document: ReturnType<typeof parse>,
  variables?: Record<string, unknown>,
  operationName?: string,
) =>
  limitErrors(schema, document, variables, operationName, limits).map((e) => [
    e.extensions.code,
    e.message,
  ]);

test('a too-deep document is rejected every time it is asked, not only the first', () => {
  const deep = parse('{ item { child { child { child { child { id } } } } } }');
  const first = codes(deep);
  expect(first).toHaveLength(1);
  expect(first[0][0]).toBe('QUERY_TOO_COMPLEX');
  expect(codes(deep)).toEqual(first);
  expect(codes(deep, { unrelated: 1 })).toEqual(first);
});

test('too many aliases are rejected every time', () => {
  const aliases = parse('{ a: item { id } b: item { id } c: item { id } }');
  expect(codes(aliases)[0]?.[0]).toBe('QUERY_TOO_COMPLEX');
  expect(codes(aliases)[0]?.[0]).toBe('QUERY_TOO_COMPLEX');
});

test('the cost follows the page size in the variables, in any order of asking', () => {
  const page = parse(
    'query Page($n: Int, $name: String) { items(first: $n) { edges { node { id name } } } }',
  );
  expect(codes(page, { n: 5 })).toEqual([]);
  const tooMany = codes(page, { n: 50 });
  expect(tooMany).toHaveLength(1);
  expect(tooMany[0][1]).toMatch(/^Query cost \d+ exceeds the limit of 100/);
  expect(codes(page, { n: 5, name: 'other' })).toEqual([]);
  expect(codes(page, { n: 50, name: 'other' })).toEqual(tooMany);
  // No $n, or null: the connection's default page size (20): cost 81, within the limit.
  expect(codes(page, {})).toEqual([]);
  expect(codes(page, { n: null })).toEqual([]);
  expect(codes(page, { n: 50 })).toEqual(tooMany);
});

test('asked again, a document gets what a fresh analysis of the same text gets', () => {
  const text =
    'query Page($n: Int, $m: Int, $deep: Boolean!) { items(first: $n) { edges { node { id child @include(if: $deep) { id name } } } } other: items(first: $m) { edges { node { id } } } }';
  const kept = parse(text);
  const cases: Record<string, unknown>[] = [
    { n: 5, deep: false },
    { n: 5, m: 30, deep: true },
    { n: 20, deep: true },
    {},
    { n: 5, deep: 'yes' },
    { n: null, m: null, deep: false },
    { n: 5, deep: false },
    { n: 20, deep: true },
  ];
  for (const vars of [...cases, ...cases.reverse()])
    expect(codes(kept, vars)).toEqual(codes(parse(text), vars));
});

test('the cost follows @include variables', () => {
  const doc = parse(
    'query Q($big: Boolean!) { items(first: 10) { edges { node { id } } } more: items(first: 30) @include(if: $big) { edges { node { id } } } }',
  );
  expect(codes(doc, { big: false })).toEqual([]);
  expect(codes(doc, { big: true })[0]?.[0]).toBe('QUERY_TOO_COMPLEX');
  expect(codes(doc, { big: false })).toEqual([]);
});

test('variables that do not coerce give no cost error, before and after a cost was kept', () => {
  const page = parse('query Page($n: Int) { items(first: $n) { edges { node { id name } } } }');
  expect(codes(page, { n: 'many' })).toEqual([]);
  expect(codes(page, { n: 50 })[0]?.[0]).toBe('QUERY_TOO_COMPLEX');
  expect(codes(page, { n: 'many' })).toEqual([]);
});

test('each operation of a document is costed by its own name', () => {
  const doc = parse(
    'query Small { items(first: 2) { edges { node { id } } } } query Big { items(first: 90) { edges { node { id } } } }',
  );
  expect(codes(doc, {}, 'Small')).toEqual([]);
  expect(codes(doc, {}, 'Big')[0]?.[0]).toBe('QUERY_TOO_COMPLEX');
  expect(codes(doc, {}, 'Small')).toEqual([]);
});

test('an operation whose cost no variable changes answers as a fresh analysis, bad variables before or after good ones', () => {
  // $name changes nothing of the cost: items(first: 50) is over the limit, item is within it.
  const big = 'query Big($name: String) { items(first: 50) { edges { node { id name } } } }';
  const small = 'query Small($name: String) { item { id name } }';
  const bad = { name: { not: 'a string' } };
  for (const text of [big, small]) {
    const kept = parse(text);
    for (const vars of [bad, { name: 'a' }, {}, bad, { name: 'b' }, bad])
      expect(codes(kept, vars)).toEqual(codes(parse(text), vars));
  }
  // What a fresh analysis gives: over the limit with good variables; nothing with bad ones
  // (no cost can be known; execution reports them).
  expect(codes(parse(big), { name: 'a' })[0]?.[0]).toBe('QUERY_TOO_COMPLEX');
  expect(codes(parse(big), bad)).toEqual([]);
  expect(codes(parse(small), { name: 'a' })).toEqual([]);
});
