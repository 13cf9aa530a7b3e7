import type pg from 'pg';
import { pgTransaction } from './pg-tx.ts';
import { CONSENT_MIGRATIONS, ConsentStore, type SqlRunner } from './consent-store.ts';

/** `?` placeholders (the consent store's SQL is written once) as PostgreSQL's `$1, $2, …`. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};


function runner(pool: pg.Pool): SqlRunner {
  return {
    all: async (sql, params = []) => (await pool.query(numbered(sql), params)).rows,
    run: async (sql, params = []) => (await pool.query(numbered(sql), params)).rowCount ?? 0,
    batch: (steps) =>
      pgTransaction(pool, async (c) => {
        const out: number[] = [];
        for (const [sql, params] of steps) out.push((await c.query(numbered(sql), params)).rowCount ?? 0);
        return out;
      }),
  };
}

/**
 * The consent store in the hub's PostgreSQL schema, beside the main tables; its version is kept in
 * `consent_schema`, and an advisory lock (another number than the main store's) serialises hubs starting at once.
 */
export function postgresConsentStore(pool: pg.Pool): ConsentStore {
  const migrate = () =>
    pgTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7312)');
      await c.query('CREATE TABLE IF NOT EXISTS consent_schema (version INTEGER NOT NULL)');
      const row = (await c.query('SELECT version FROM consent_schema')).rows[0];
      if (!row) await c.query('INSERT INTO consent_schema (version) VALUES (0)');
      for (let v = Number(row?.version ?? 0); v < CONSENT_MIGRATIONS.length; v++) {
        await c.query(CONSENT_MIGRATIONS[v]!);
        await c.query('UPDATE consent_schema SET version = $1', [v + 1]);
      }
    });
  return new ConsentStore(runner(pool), migrate);
}
