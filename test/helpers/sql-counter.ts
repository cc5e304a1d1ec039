import type { Logger as TypeOrmLogger } from 'typeorm';

/** A TypeORM logger that records every statement while `recording` is on. */
export class SqlCounter implements TypeOrmLogger {
  statements: string[] = [];
  recording = false;

  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    this.statements = [];
    this.recording = true;
    try {
      const result = await fn();
      return { result, statements: [...this.statements] };
    } finally {
      this.recording = false;
    }
  }

  logQuery(query: string): void {
    if (this.recording) this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
