import type pg from 'pg';

/**
 * One PostgreSQL transaction on a pooled connection: committed when `fn` returns, rolled back when it
 * throws (the error passes on), the connection returned either way. Every PostgreSQL module of the hub
 * (the store, vouches, consent, duplicates, the knowledge base) runs its writes through it.
 */
export async function pgTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/**
 * As pgTransaction, for writes that find out inside the transaction whether they can stand: `fn`
 * returning null rolls everything back (and gives null), anything else commits.
 */
export async function pgTransactionOrNull<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T | null>): Promise<T | null> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query(out === null ? 'ROLLBACK' : 'COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}
