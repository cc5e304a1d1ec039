/**
 * Brings the database's reference tables up to the bundled files. Runs at every start;
 * does nothing when the stored checksums match. Entries a newer file drops are marked
 * inactive, never deleted, so stored records keep resolving their labels.
 * An advisory lock makes concurrent starts of several instances safe.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { CodeEntryRow, OrganisationRow, ReferenceDataVersionRow } from '../entities';
import type { CodeListsFile, OrganisationsFile, ReferenceFile } from './reference-files';

const LOCK_KEY = 7_301_001; // arbitrary, unique to reference loading

export interface LoadResult {
  organisations: 'loaded' | 'unchanged';
  codeLists: 'loaded' | 'unchanged';
}

async function isCurrent(m: EntityManager, file: ReferenceFile<unknown>): Promise<boolean> {
  const row = await m.findOneBy(ReferenceDataVersionRow, { name: file.name });
  return row?.checksum === file.checksum;
}

async function markLoaded(
  m: EntityManager,
  file: ReferenceFile<{ version: string }>,
): Promise<void> {
  await m.upsert(
    ReferenceDataVersionRow,
    { name: file.name, version: file.data.version, checksum: file.checksum, loadedAt: new Date() },
    ['name'],
  );
}

async function loadOrganisations(
  m: EntityManager,
  file: ReferenceFile<OrganisationsFile>,
): Promise<void> {
  const version = file.data.version;
  const rows = file.data.organisations.map((o) => ({
    id: o.id,
    kind: o.kind,
    name: o.name,
    shortName: o.shortName,
    location: o.location ?? null,
    defaultJobCentreId: o.defaultJobCentreId ?? null,
    active: true,
    referenceVersion: version,
  }));
  await m.upsert(OrganisationRow, rows, ['id']);
  await m
    .createQueryBuilder()
    .update(OrganisationRow)
    .set({ active: false })
    .where('NOT (id = ANY(:ids))', { ids: rows.map((r) => r.id) })
    .execute();
  await markLoaded(m, file);
}

async function loadCodeLists(m: EntityManager, file: ReferenceFile<CodeListsFile>): Promise<void> {
  const version = file.data.version;
  const rows = Object.entries(file.data.lists).flatMap(([list, { codes }]) =>
    codes.map((c, i) => ({
      list,
      code: c.code,
      label: c.label,
      sortOrder: i,
      active: true,
      referenceVersion: version,
    })),
  );
  await m.upsert(CodeEntryRow, rows, ['list', 'code']);
  await m
    .createQueryBuilder()
    .update(CodeEntryRow)
    .set({ active: false })
    .where("NOT (list || '/' || code = ANY(:keys))", {
      keys: rows.map((r) => `${r.list}/${r.code}`),
    })
    .execute();
  await markLoaded(m, file);
}

export async function loadReferenceData(
  dataSource: DataSource,
  files: {
    organisations: ReferenceFile<OrganisationsFile>;
    codeLists: ReferenceFile<CodeListsFile>;
  },
): Promise<LoadResult> {
  return dataSource.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const result: LoadResult = { organisations: 'unchanged', codeLists: 'unchanged' };
    if (!(await isCurrent(m, files.organisations))) {
      await loadOrganisations(m, files.organisations);
      result.organisations = 'loaded';
    }
    if (!(await isCurrent(m, files.codeLists))) {
      await loadCodeLists(m, files.codeLists);
      result.codeLists = 'loaded';
    }
    return result;
  });
}
