/**
 * Compiled execution (src/hub/compiled-execution.ts): a query runs compiled, once compiled
 * per document, with the same data and errors as graphql-js; mutations and requests with
 * invalid variables run on graphql-js itself.
 */
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  buildSchema,
  execute,
  GraphQLError,
  GraphQLObjectType,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLFieldResolver,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { compiledExecutor, compiledOperations } from '../../src/hub/compiled-execution';

class Denied extends GraphQLError {
  constructor() {
    super('Denied', { extensions: { code: 'FORBIDDEN', fieldGroup: 'sfi' } });
  }
}

let writes = 0;
const schema = buildSchema(`
  type Query { people(n: Int!): [Person!]! }
  type Person { id: ID! name: String secret: String nested: Nested! }
  type Nested { value: Int! }
  type Mutation { write: Int! }`);
type Person = { id: string };
const resolvers: Record<string, Record<string, GraphQLFieldResolver<Person, unknown>>> = {
  Query: {
    people: (_root, args) =>
      Array.from({ length: (args as { n: number }).n }, (_x, i) => ({ id: `p${i}` })),
  },
  Person: {
    name: (p) => Promise.resolve(`name of ${p.id}`),
    secret: (p) => {
      if (p.id === 'p1') throw new Denied();
      return 'ok';
    },
    nested: (p) => ({ value: Number(p.id.slice(1)) }),
  },
  Mutation: { write: () => ++writes },
};
for (const [type, fields] of Object.entries(resolvers))
  for (const [name, resolve] of Object.entries(fields))
    (schema.getType(type) as GraphQLObjectType).getFields()[name].resolve = resolve;

const run = compiledExecutor(schema);

function request(document: DocumentNode, variables?: Record<string, unknown>) {
  const operation = document.definitions[0];
  if (operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
  return run({
    document,
    operation,
    request: { variables },
    context: {},
  } as unknown as GatewayGraphQLRequestContext);
}

const asJson = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

test('a query runs compiled, compiled once, with graphql-js’s data and errors', async () => {
  const document = parse(
    'query People($n: Int!) { people(n: $n) { id name secret nested { value } } }',
  );
  const expected = await execute({ schema, document, variableValues: { n: 3 } });
  const first = await request(document, { n: 3 });
  expect(compiledOperations(document)).toBe(1);
  const second = await request(document, { n: 3 });
  expect(compiledOperations(document)).toBe(1);
  for (const actual of [first, second]) {
    expect(asJson(actual)).toEqual(asJson(expected));
    expect(actual.errors?.[0]).toMatchObject({
      path: ['people', 1, 'secret'],
      extensions: { code: 'FORBIDDEN', fieldGroup: 'sfi' },
    });
    expect(actual.errors?.[0].originalError).toBeInstanceOf(Denied);
  }
});

test('invalid variables get graphql-js’s own answer', async () => {
  const document = parse('query People($n: Int!) { people(n: $n) { id } }');
  for (const variables of [{}, { n: 'three' }]) {
    const expected = await execute({ schema, document, variableValues: variables });
    expect(asJson(await request(document, variables))).toEqual(asJson(expected));
  }
  expect(compiledOperations(document)).toBe(0);
});

test('a mutation runs on graphql-js, once', async () => {
  const document = parse('mutation { write }');
  const before = writes;
  expect(await request(document)).toEqual({ data: { write: before + 1 } });
  expect(compiledOperations(document)).toBe(0);
});

describe('_entities runs on graphql-js', () => {
  // One representation per item, each its own promise, as @apollo/subgraph resolves them.
  const entities = buildSchema(`
    type Query { _entities(n: Int!): [Thing]! }
    type Thing { id: ID! }`);
  (entities.getType('Query') as GraphQLObjectType).getFields()._entities.resolve = (
    _root,
    args: { n: number },
  ) =>
    Array.from({ length: args.n }, (_x, i) =>
      i === 0
        ? // The denied one settles last.
          new Promise((_resolve, reject) => setTimeout(() => reject(new Denied()), 5))
        : Promise.resolve({ id: `t${i}` }),
    );
  const document = parse('query E($n: Int!) { _entities(n: $n) { id } }');

  test('graphql-jit 0.8.9 appends a late-rejected item instead of writing it at its index', async () => {
    const compiled = compileQuery(entities, document, 'E');
    if (!isCompiledQuery(compiled)) throw new Error('did not compile');
    const result = (await compiled.query(undefined, {}, { n: 3 })) as {
      data: { _entities: unknown[] };
    };
    // The defect the executor works around: when this fails, graphql-jit has been fixed.
    expect(result.data._entities).toHaveLength(4);
  });

  test('so the executor leaves it to graphql-js: the list keeps its length and order', async () => {
    const operation = document.definitions[0];
    if (operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
    const result = await compiledExecutor(entities)({
      document,
      operation,
      request: { variables: { n: 3 } },
      context: {},
    } as unknown as GatewayGraphQLRequestContext);
    expect(compiledOperations(document)).toBe(0);
    expect(asJson(result.data)).toEqual({ _entities: [null, { id: 't1' }, { id: 't2' }] });
    expect(result.errors?.map((e) => e.path)).toEqual([['_entities', 0]]);
  });
});
