import type pg from 'pg';
import { CONSENT_MIGRATIONS, ConsentStore, type SqlRunner } from './consent-store.ts';

/** `?` placeholders (the consent store's SQL is written once) as PostgreSQL's `$1, $2, …`. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

function over(q: pg.Pool | pg.PoolClient, pool: pg.Pool | null): SqlRunner {
  const self: SqlRunner = {
    all: async (sql, params = []) => (await q.query(numbered(sql), params)).rows,
    run: async (sql, params = []) => (await q.query(numbered(sql), params)).rowCount ?? 0,
    tx: async (fn) => {
      if (!pool) return fn(self); // already inside one
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn(over(c, null));
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    },
  };
  return self;
}

/**
 * The consent store in the hub's PostgreSQL schema, beside the main tables; its version is kept in
 * `consent_schema`, and an advisory lock (another number than the main store's) serialises hubs starting at once.
 */
export function postgresConsentStore(pool: pg.Pool): ConsentStore {
  const migrate = async (db: SqlRunner) => {
    await db.tx(async (t) => {
      await t.run('SELECT pg_advisory_xact_lock(7312)');
      await t.run('CREATE TABLE IF NOT EXISTS consent_schema (version INTEGER NOT NULL)');
      const [row] = await t.all('SELECT version FROM consent_schema');
      if (!row) await t.run('INSERT INTO consent_schema (version) VALUES (0)');
      for (let v = Number(row?.version ?? 0); v < CONSENT_MIGRATIONS.length; v++) {
        await t.run(CONSENT_MIGRATIONS[v]!);
        await t.run('UPDATE consent_schema SET version = ?', [v + 1]);
      }
    });
  };
  return new ConsentStore(over(pool, pool), migrate);
}
