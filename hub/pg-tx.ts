import type pg from 'pg';

/**
 * One PostgreSQL transaction on a pooled connection: committed when `fn` returns, rolled back when it
 * throws (the error passes on), the connection returned either way. Every PostgreSQL module of the hub
 * (the store, vouches, consent, duplicates, the knowledge base) runs its writes through it.
 */
export function pgTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, fn, () => true);
}

/**
 * As pgTransaction, for writes that find out inside the transaction whether they can stand: `fn`
 * returning null rolls everything back (and gives null), anything else commits.
 */
export function pgTransactionOrNull<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T | null>): Promise<T | null> {
  return inTransaction(pool, fn, (out) => out !== null);
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, keep: (out: T) => boolean): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query(keep(out) ? 'COMMIT' : 'ROLLBACK');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}
