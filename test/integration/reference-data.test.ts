/** Loading the versioned reference files into the database (both databases). */
import type { DataSource } from 'typeorm';
import { loadReferenceData } from '../../src/reference/load-reference-data';
import {
  bundledReferenceFiles,
  parseCodeLists,
  parseOrganisations,
} from '../../src/reference/reference-files';
import { ReferenceService } from '../../src/services/reference/reference-service';
import { openTestDataSource } from '../helpers/database';

let ds: DataSource;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ ds, close } = await openTestDataSource({ migrate: true }));
});

afterAll(() => close());

test('first load writes everything; an unchanged file is not written again', async () => {
  const files = bundledReferenceFiles();
  expect(await loadReferenceData(ds, files)).toEqual({
    organisations: 'loaded',
    codeLists: 'loaded',
  });
  expect(await loadReferenceData(ds, files)).toEqual({
    organisations: 'unchanged',
    codeLists: 'unchanged',
  });

  const ref = await ReferenceService.fromDatabase(ds);
  expect(ref.organisations('DISTRICT')).toHaveLength(13);
  expect(ref.organisations('JOB_CENTRE')).toHaveLength(5);
  expect(ref.organisation('skarholmen')?.defaultJobCentreId).toBe('jobbtorg-sydvast');
  expect(
    ref
      .districtsServedBy('jobbtorg-innerstaden')
      .map((d) => d.id)
      .sort(),
  ).toEqual(['kungsholmen', 'norrmalm', 'ostermalm', 'sodermalm']);
  expect(ref.codeList('supportBarrier')[0]).toEqual({
    list: 'supportBarrier',
    code: '01',
    label: 'Arbetslös med ersättning från A-kassa/Alfa',
    active: true,
  });
});

test('a newer file retires dropped entries (kept for old records) and updates labels', async () => {
  const files = bundledReferenceFiles();
  const lists = structuredClone(files.codeLists.data);
  lists.version = 'test-next';
  lists.lists.returnReason.codes = lists.lists.returnReason.codes
    .filter((c) => c.code !== 'FLYTT')
    .map((c) => (c.code === 'OVRIGT' ? { ...c, label: 'Annat skäl' } : c));
  const orgs = structuredClone(files.organisations.data);
  orgs.version = 'test-next';
  orgs.organisations = orgs.organisations.filter((o) => o.id !== 'sfi-kista');

  const result = await loadReferenceData(ds, {
    organisations: parseOrganisations(orgs),
    codeLists: parseCodeLists(lists),
  });
  expect(result).toEqual({ organisations: 'loaded', codeLists: 'loaded' });

  const ref = await ReferenceService.fromDatabase(ds);
  expect(ref.codeList('returnReason').map((c) => c.code)).not.toContain('FLYTT');
  expect(ref.code('returnReason', 'FLYTT')).toMatchObject({ active: false, label: 'Flyttat' });
  expect(ref.code('returnReason', 'OVRIGT')?.label).toBe('Annat skäl');
  expect(ref.organisations('SFI_PROVIDER').map((o) => o.id)).not.toContain('sfi-kista');
  expect(ref.organisation('sfi-kista')?.active).toBe(false);

  // Back to the bundled files: the entry becomes active again.
  await loadReferenceData(ds, bundledReferenceFiles());
  const again = await ReferenceService.fromDatabase(ds);
  expect(again.code('returnReason', 'FLYTT')?.active).toBe(true);
  expect(again.organisation('sfi-kista')?.active).toBe(true);
});

test('concurrent loads (several instances starting) leave one consistent result', async () => {
  const lists = structuredClone(bundledReferenceFiles().codeLists.data);
  lists.version = 'concurrent';
  lists.lists.sfiGrade.codes = lists.lists.sfiGrade.codes.slice(0, 3);
  const files = {
    organisations: bundledReferenceFiles().organisations,
    codeLists: parseCodeLists(lists),
  };
  const results = await Promise.all([1, 2, 3].map(() => loadReferenceData(ds, files)));
  expect(results.filter((r) => r.codeLists === 'loaded')).toHaveLength(1);
  const ref = await ReferenceService.fromDatabase(ds);
  expect(ref.codeList('sfiGrade')).toHaveLength(3);
});
