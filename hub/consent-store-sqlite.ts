import { remembered } from '../lib/remembered.ts';
import type Database from 'better-sqlite3';
import { CONSENT_MIGRATIONS, ConsentStore, type SqlRunner } from './consent-store.ts';

/**
 * The consent store in the hub's SQLite file, beside the main tables. Its schema version is kept in its
 * own table (`consent_schema`), since `user_version` belongs to the main store's migrations.
 */
export function sqliteConsentStore(db: Database.Database): ConsentStore {
  // Statements compiled once and reused: every submission reads the removal requests, and preparing that
  // statement each time cost more than running it (~2 % of the hub's time under `npm run bench -- hub-load`).
  // The SQL is the store's own fixed text; the bound only guards against a caller that varies it.
  const prepared = remembered((sql: string) => db.prepare(sql), 200);
  const runner: SqlRunner = {
    all: async (sql, params = []) => prepared(sql).all(...params) as Record<string, unknown>[],
    run: async (sql, params = []) => prepared(sql).run(...params).changes,
    // Synchronous from BEGIN IMMEDIATE to COMMIT (better-sqlite3), like the main store's transactions.
    batch: async (steps) => db.transaction(() => steps.map(([sql, params]) => prepared(sql).run(...params).changes)).immediate(),
  };
  const migrate = async () => {
    db.transaction(() => {
      db.exec('CREATE TABLE IF NOT EXISTS consent_schema (version INTEGER NOT NULL)');
      const row = db.prepare('SELECT version FROM consent_schema').get() as { version: number } | undefined;
      if (!row) db.prepare('INSERT INTO consent_schema (version) VALUES (0)').run();
      for (let v = row?.version ?? 0; v < CONSENT_MIGRATIONS.length; v++) {
        db.exec(CONSENT_MIGRATIONS[v]!);
        db.prepare('UPDATE consent_schema SET version = ?').run(v + 1);
      }
    }).immediate();
  };
  return new ConsentStore(runner, migrate);
}
