/**
 * The person page's statement (src/services/persons/person-directory.ts): a page of the
 * viewer's scope alone (a caseload) goes to the server as a named statement with its page
 * size in the text; a filtered page stays unnamed. Both answer the same rows as before.
 */
import { randomUUID } from 'node:crypto';
import type { PersonScope } from '../../src/auth/policy';
import { NameBudget, preparedName } from '../../src/db/prepared';
import { PersonDirectory } from '../../src/services/persons/person-directory';
import { useReferenceDatabase } from '../helpers/database';
import { insertPersons } from '../helpers/person-fixture';

const reference = useReferenceDatabase();

const coach: PersonScope = {
  kind: 'linked',
  organisationId: 'jobbtorg-jarva',
  relations: ['REFERRAL', 'JOB_CENTRE_ENROLMENT'],
};

/** The statements a page sends, with their parameters, and its answer. */
async function statementsOf<T>(page: () => Promise<T>) {
  const sent: { sql: string; params: unknown[] }[] = [];
  const query = reference.ds.query.bind(reference.ds);
  const spy = jest.spyOn(reference.ds, 'query').mockImplementation((sql, params) => {
    sent.push({ sql, params: Array.isArray(params) ? params : [] });
    return query(sql, params);
  });
  try {
    return { sent, answer: await page() };
  } finally {
    spy.mockRestore();
  }
}

test('a page of the scope alone is named, its size in the text; a filtered page is not', async () => {
  const persons = await insertPersons(
    reference.ds,
    [1, 2, 3].map(() => ({
      homeDistrictId: 'rinkeby-kista',
      enrolment: { jobCentreId: 'jobbtorg-jarva' },
    })),
  );
  const ids = persons.map((p) => p.id).sort();
  const directory = new PersonDirectory(reference.ds);
  const first = await statementsOf(() =>
    directory.page(coach, { jobCentreId: 'jobbtorg-jarva' }, 2, null, { consents: true }),
  );
  expect(first.answer.persons.map((p) => p.id)).toEqual(ids.slice(0, 2));
  expect(first.answer.hasNextPage).toBe(true);
  const plain = first.sent;
  expect(plain).toHaveLength(1);
  expect(preparedName(plain[0].sql)).toMatch(/^hub_\d+$/);
  expect(plain[0].sql).toContain('LIMIT 3)');
  expect(plain[0].params).not.toContain(3);

  const next = await statementsOf(() => directory.page(coach, {}, 2, ids[1], { count: true }));
  expect(next.answer.persons.map((p) => p.id)).toEqual(ids.slice(2));
  expect(next.answer.totalCount).toBe(3);
  expect(preparedName(next.sent[0].sql)).toMatch(/^hub_\d+$/);
  expect(preparedName(next.sent[0].sql)).not.toBe(preparedName(plain[0].sql));

  const filtered = await statementsOf(() =>
    directory.page(coach, { hasActiveAssistanceCase: false }, 2, null),
  );
  expect(filtered.answer.persons.map((p) => p.id)).toEqual(ids.slice(0, 2));
  expect(filtered.sent[0].sql).toContain('NOT EXISTS (SELECT 1 FROM person_link l WHERE');
  expect(preparedName(filtered.sent[0].sql)).toBeUndefined();
});

test('a name budget names its first texts only, and keeps their names', () => {
  const budget = new NameBudget(2);
  const texts = [1, 2, 3].map((i) => `SELECT ${i} AS n /* name budget test ${randomUUID()} */`);
  for (const t of texts) expect(budget.prepared(t)).toBe(t);
  expect(preparedName(texts[0])).toMatch(/^hub_\d+$/);
  expect(preparedName(texts[1])).toMatch(/^hub_\d+$/);
  expect(preparedName(texts[2])).toBeUndefined();
  const name = preparedName(texts[0]);
  budget.prepared(texts[0]);
  expect(preparedName(texts[0])).toBe(name);
});
