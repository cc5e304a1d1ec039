/**
 * Plain documents over graphql-ws: parsed and validated once per text, the same document
 * object for the same text, refusals recomputed every time and never kept, and the cache
 * bounded by the length of what it keeps.
 */
import { buildSchema, specifiedRules, type ValidationRule } from 'graphql';
import { PlainDocuments } from '../../src/services/documents/plain-documents';

const schema = buildSchema(`
  type Query { hello: String }
  type Subscription { ticks(every: Int!): Int }
`);

/** A validation rule that counts the documents it was run on. */
function counting(): { rule: ValidationRule; runs: () => number } {
  let n = 0;
  const rule: ValidationRule = () => {
    n++;
    return {};
  };
  return { rule, runs: () => n };
}

test('the same text is parsed and validated once and answered with the same document', () => {
  const c = counting();
  const docs = new PlainDocuments(schema, [...specifiedRules, c.rule], 1000);
  const text = 'subscription T($n: Int!) { ticks(every: $n) }';
  const first = docs.prepare(text);
  const second = docs.prepare(text);
  expect(first.errors).toEqual([]);
  expect(first.document).toBeDefined();
  expect(second.document).toBe(first.document);
  expect(c.runs()).toBe(1);
  // Another text is its own entry.
  const other = docs.prepare('subscription { ticks(every: 2) }');
  expect(other.document).not.toBe(first.document);
  expect(c.runs()).toBe(2);
});

test('refusals carry the same errors each time and are never kept', () => {
  const c = counting();
  const docs = new PlainDocuments(schema, [...specifiedRules, c.rule], 1000);
  const invalid = 'subscription { nope }';
  const a = docs.prepare(invalid);
  const b = docs.prepare(invalid);
  expect(a.document).toBeUndefined();
  expect(a.errors.map((e) => e.message)).toEqual([
    'Cannot query field "nope" on type "Subscription".',
  ]);
  expect(b.errors.map((e) => e.message)).toEqual(a.errors.map((e) => e.message));
  expect(c.runs()).toBe(2);
  const syntax = docs.prepare('subscription {');
  expect(syntax.document).toBeUndefined();
  expect(syntax.errors[0].message).toMatch(/^Syntax Error/);
  // The token limit applies as in parse.
  const small = new PlainDocuments(schema, specifiedRules, 3);
  expect(small.prepare('subscription { ticks(every: 1) }').errors[0].message).toMatch(
    /more that 3 tokens/,
  );
});

test('the cache keeps texts up to its size, the least recently used going first', () => {
  const c = counting();
  const text = (n: number) => `subscription { ticks(every: ${n}) }`; // 31 characters
  const docs = new PlainDocuments(schema, [c.rule], 100, 3 * text(1).length);
  for (const n of [1, 2, 3]) docs.prepare(text(n));
  expect(c.runs()).toBe(3);
  docs.prepare(text(1)); // kept, and now the most recent
  expect(c.runs()).toBe(3);
  docs.prepare(text(4)); // pushes out 2, the least recently used
  expect(c.runs()).toBe(4);
  docs.prepare(text(1));
  docs.prepare(text(3));
  expect(c.runs()).toBe(4);
  docs.prepare(text(2));
  expect(c.runs()).toBe(5);
});
