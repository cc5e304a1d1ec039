/**
 * What every service that changes a person's data shares: who acts (an authenticated
 * viewer, or UNAUTHENTICATED), and an access-log row for each change, written by the
 * changing transaction itself with the request's id and stated purpose.
 */
import { dataSourceStatements, type Statements } from '../../db/pipelined-statements';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedViewer, Viewer } from '../../auth/viewer';
import { UnauthenticatedError } from '../../errors';
import { accessLogInsert, writeAccessLog, type AccessEntry, type FieldGroup } from './access-log';
import type { PersonDirectory } from '../persons/person-directory';
import type { ReferenceService } from '../reference/reference-service';

export interface Audit {
  requestId: string;
  purpose: string;
}

export abstract class AuditedWriter {
  /** The field group each change is logged under. */
  protected abstract readonly changes: FieldGroup;

  constructor(
    protected readonly ds: DataSource,
    protected readonly reference: ReferenceService,
    protected readonly persons: PersonDirectory,
    protected readonly now: () => Date = () => new Date(),
    /** Request id and purpose for the access log; set per request by `forRequest`. */
    protected readonly audit: Audit | null = null,
    /**
     * Where a write done in one statement goes: pipelined connections of their own on a
     * PostgreSQL server (src/db/pipelined-statements.ts), else the DataSource.
     */
    protected readonly writes: Statements = dataSourceStatements(ds),
  ) {}

  /** The same service, writing this request's id and purpose into the access log. */
  forRequest(requestId: string, purpose: string): this {
    const Service = this.constructor as new (
      ...args: ConstructorParameters<typeof AuditedWriter>
    ) => this;
    return new Service(
      this.ds,
      this.reference,
      this.persons,
      this.now,
      { requestId, purpose },
      this.writes,
    );
  }

  protected actor(viewer: Viewer): AuthenticatedViewer {
    if (viewer.kind !== 'authenticated') throw new UnauthenticatedError();
    return viewer;
  }

  /** Every change is in the access log, in the changing transaction. */
  protected async logWrite(
    m: EntityManager,
    v: AuthenticatedViewer,
    personId: string,
    operation: string,
  ): Promise<void> {
    await writeAccessLog(
      m,
      v,
      this.audit?.requestId ?? 'internal',
      this.audit?.purpose ?? 'case-handling',
      [this.writeEntry(personId, operation)],
    );
  }

  /**
   * logWrite's row as a part of the changing statement itself (a CTE): its INSERT, with
   * parameters numbered from `first`.
   */
  protected logWriteInsert(
    v: AuthenticatedViewer,
    personId: string,
    operation: string,
  ): (first: number) => { sql: string; params: unknown[] } {
    return (first) =>
      accessLogInsert(
        v,
        this.audit?.requestId ?? 'internal',
        this.audit?.purpose ?? 'case-handling',
        [this.writeEntry(personId, operation)],
        first,
      );
  }

  private writeEntry(personId: string, operation: string): AccessEntry {
    return { personId, action: 'WRITE', operation, fieldGroups: [this.changes] };
  }
}
