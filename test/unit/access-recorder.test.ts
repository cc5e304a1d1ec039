/**
 * What an operation's access-log rows say it read: per person the field groups in the
 * table's order and the grounds (`group=basis`) sorted and distinct, whatever order and
 * however often the fields recorded them.
 */
import { AccessRecorder, type FieldGroup } from '../../src/services/access-log/access-log';
import { PERSON_FIELD_GROUPS } from '../../src/auth/policy-table';
import type { Viewer } from '../../src/auth/viewer';

const viewer = {
  kind: 'authenticated',
  sub: 'coach@jobbtorg-jarva',
  role: 'JOB_CENTRE_COACH',
  orgId: 'jobbtorg-jarva',
} as unknown as Viewer;

const recorder = () => new AccessRecorder(viewer, 'req-1', 'case-handling');

/** A small deterministic generator, so a failure names its seed and repeats. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

test('field groups in the table order, grounds sorted and without repeats', () => {
  const r = recorder();
  r.read('p1', 'sfi', 'consent:c2');
  r.read('p1', 'identity', 'referral');
  r.read('p1', 'identity', 'referral');
  r.read('p1', 'jobCentre');
  r.read('p1', 'employmentService', 'consent:c1');
  r.read('p1', 'identity', 'referral');
  r.read('p2', 'identity');
  const [p1, p2] = r.drain('Caseload');
  expect(p1).toEqual({
    personId: 'p1',
    action: 'READ',
    operation: 'Caseload',
    fieldGroups: ['employmentService', 'identity', 'jobCentre', 'sfi'],
    bases: ['employmentService=consent:c1', 'identity=referral', 'sfi=consent:c2'],
    via: 'root',
  });
  expect(p2).toMatchObject({ personId: 'p2', fieldGroups: ['identity'], bases: [] });
});

test('the same grounds as a sort of the distinct values, in any recording order', () => {
  const groups = PERSON_FIELD_GROUPS as readonly FieldGroup[];
  const bases = ['consent:a', 'consent:b', 'referral', 'legal-basis:SoL 4:1', 'consent:Ä'];
  for (let seed = 1; seed <= 200; seed++) {
    const next = random(seed);
    const r = recorder();
    const expected = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const group = groups[Math.floor(next() * groups.length)];
      const basis = next() < 0.2 ? undefined : bases[Math.floor(next() * bases.length)];
      r.read('p', group, basis);
      if (basis) expected.add(`${group}=${basis}`);
    }
    const [entry] = r.drain('Q');
    expect({ seed, bases: entry.bases }).toEqual({ seed, bases: [...expected].sort() });
  }
});

test('drain hands over the reads once; a subscription event after it starts afresh', () => {
  const r = recorder();
  r.read('p1', 'sfi', 'consent:c1');
  const first = r.drain('onEvent');
  expect(first).toHaveLength(1);
  expect(r.drain('onEvent')).toEqual([]);
  r.read('p1', 'jobCentre');
  const [again] = r.drain('onEvent');
  expect(again).toMatchObject({ fieldGroups: ['jobCentre'], bases: [] });
  // What was handed over before is not changed by what came after.
  expect(first[0].bases).toEqual(['sfi=consent:c1']);
});

test('reads through a gateway are marked as such', () => {
  const r = recorder();
  r.via = 'entities';
  r.read('p1', 'identity');
  expect(r.drain('_entities')[0].via).toBe('entities');
});
