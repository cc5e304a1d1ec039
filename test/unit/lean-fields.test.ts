/**
 * Lean field resolution (src/resolvers/middleware/lean-fields.ts): plain fields use
 * graphql-js's default resolver, but a field with middleware keeps it — the free-text rule
 * must never be bypassed by the optimisation.
 */
import { GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { buildHubSchema } from '../../src/schema';

const schema = buildHubSchema();

function field(type: string, name: string) {
  const t = schema.getType(type);
  if (!(t instanceof GraphQLObjectType)) throw new Error(`${type} is not an object type`);
  return t.getFields()[name];
}

test('plain fields resolve with the default resolver', () => {
  for (const [type, name] of [
    ['Person', 'id'],
    ['Person', 'protectedIdentity'],
    ['JobCentreEnrolment', 'coach'],
    ['SfiEnrolment', 'status'],
  ])
    expect(field(type, name).resolve).toBeUndefined();
});

test.each([
  ['JobPlan', 'goal'],
  ['JobPlan', 'decisionComment'],
  ['Deviation', 'note'],
  ['ReferralReturn', 'note'],
  ['Closure', 'note'],
])('%s.%s keeps the free-text middleware: an unmarked object is FORBIDDEN', async (type, name) => {
  const resolve = field(type, name).resolve;
  expect(resolve).toBeDefined();
  await expect(
    Promise.resolve().then(() =>
      resolve!({ [name]: 'anything' }, {}, {}, {} as GraphQLResolveInfo),
    ),
  ).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', fieldGroup: 'freeText' } });
});

test('a person field resolver is called directly and still asks the field rules', () => {
  const resolve = field('Person', 'givenName').resolve!;
  const asked: unknown[] = [];
  const ctx = {
    fields: {
      allow: (...args: unknown[]) => {
        asked.push(args);
        return { basis: 'relation' };
      },
    },
  };
  const person = { id: 'p1', givenName: 'Amina' };
  expect(resolve(person, {}, ctx, {} as GraphQLResolveInfo)).toBe('Amina');
  expect(asked).toEqual([[person, 'identity']]);
});
