/**
 * The registered documents in the hub's store: registering a client's version, listing,
 * removing, and looking one up by id. The command line (`npm run documents`) writes; the
 * hub reads (through the registry's cache).
 */
import type { DataSource } from 'typeorm';
import { PersistedDocumentRow } from '../../entities';
import type { ManifestDocument } from './manifest';

export interface RegisterResult {
  /** Documents now registered for this client and version. */
  documents: number;
  /** Of those, documents no client had registered before. */
  newToHub: number;
  /** Documents the version had before this registration and no longer has. */
  dropped: number;
}

export interface VersionSummary {
  client: string;
  version: string;
  documents: number;
  registeredAt: Date;
}

/** Client and version names: what a pipeline would use (letters, digits, `.`, `_`, `-`, `+`). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;

export class DocumentStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Makes `documents` exactly the set of this client's version, in one transaction: running
   * the same registration twice changes nothing, and a version registered again with another
   * manifest is replaced.
   */
  register(
    client: string,
    version: string,
    documents: ManifestDocument[],
  ): Promise<RegisterResult> {
    return this.ds.transaction(async (m) => {
      const ids = documents.map((d) => d.id.canonical);
      const known = await m
        .createQueryBuilder(PersistedDocumentRow, 'd')
        .select('DISTINCT d.document_id', 'id')
        .where('d.document_id IN (:...ids)', { ids })
        .getRawMany<{ id: string }>();
      const before = await m.find(PersistedDocumentRow, {
        select: { documentId: true },
        where: { client, version },
      });
      await m.delete(PersistedDocumentRow, { client, version });
      // In slices: one INSERT per 500 rows keeps the statement's parameters bounded.
      for (let i = 0; i < documents.length; i += 500) {
        await m.insert(
          PersistedDocumentRow,
          documents.slice(i, i + 500).map((d) => ({
            client,
            version,
            documentId: d.id.canonical,
            body: d.text,
            operationNames: d.operations.join(','),
          })),
        );
      }
      const now = new Set(ids);
      return {
        documents: documents.length,
        newToHub: documents.length - known.length,
        dropped: before.filter((row) => !now.has(row.documentId)).length,
      };
    });
  }

  async list(client?: string): Promise<VersionSummary[]> {
    const q = this.ds
      .createQueryBuilder(PersistedDocumentRow, 'd')
      .select('d.client', 'client')
      .addSelect('d.version', 'version')
      .addSelect('count(*)::int', 'documents')
      .addSelect('max(d.registered_at)', 'registeredAt')
      .groupBy('d.client')
      .addGroupBy('d.version')
      .orderBy('d.client')
      .addOrderBy('max(d.registered_at)', 'DESC');
    if (client) q.where('d.client = :client', { client });
    const rows = await q.getRawMany<{
      client: string;
      version: string;
      documents: number;
      registeredAt: Date | string;
    }>();
    return rows.map((r) => ({ ...r, registeredAt: new Date(r.registeredAt) }));
  }

  /** Removes a client's version, or every version of the client; the rows removed. */
  async remove(client: string, version?: string): Promise<number> {
    const result = await this.ds.manager.delete(
      PersistedDocumentRow,
      version === undefined ? { client } : { client, version },
    );
    return result.affected ?? 0;
  }

  /** The text registered under a canonical id (by any client and version), if any. */
  async find(canonicalId: string): Promise<string | undefined> {
    const row = await this.ds.manager.findOne(PersistedDocumentRow, {
      select: { body: true },
      where: { documentId: canonicalId },
    });
    return row?.body;
  }
}
