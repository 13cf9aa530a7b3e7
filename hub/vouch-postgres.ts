import type pg from 'pg';
import { pgTransaction } from './pg-tx.ts';
import { ulid } from 'ulid';
import type { HubVouch } from '../lib/model/vouch.ts';
import { rowToVouch, type VouchRow, type VouchStore } from './vouch-store.ts';

/**
 * Same table as the SQLite module, created on first use under an advisory lock (hubs starting at once),
 * idempotently: the hub's migration list (store-postgres.ts) is left alone.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS vouches (
    id TEXT COLLATE "C" PRIMARY KEY, contributor_id TEXT NOT NULL REFERENCES contributors(id), community TEXT COLLATE "C" NOT NULL,
    vouched_by TEXT NOT NULL, vouched_at TEXT NOT NULL, note TEXT, ended_at TEXT);
  CREATE UNIQUE INDEX IF NOT EXISTS vouches_active ON vouches(contributor_id, community) WHERE ended_at IS NULL;`;

const SELECT = `SELECT c.name AS contributor, v.community, v.vouched_by, v.vouched_at, v.note FROM vouches v JOIN contributors c ON c.id = v.contributor_id`;

export class PostgresVouches implements VouchStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool): Promise<PostgresVouches> {
    await pgTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7312)');
      await c.query(SCHEMA);
    });
    return new PostgresVouches(pool);
  }

  async vouch(contributorName: string, community: string, by: string, note: string | null, now = new Date()): Promise<{ vouch: HubVouch; created: boolean } | 'no-account'> {
    const who = (await this.pool.query('SELECT id FROM contributors WHERE name = $1', [contributorName])).rows[0] as { id: string } | undefined;
    if (!who) return 'no-account';
    // The partial unique index settles two vouches at once: the second inserts nothing and reads the first.
    const ins = await this.pool.query(
      'INSERT INTO vouches (id, contributor_id, community, vouched_by, vouched_at, note) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (contributor_id, community) WHERE ended_at IS NULL DO NOTHING',
      [ulid(now.getTime()), who.id, community, by, now.toISOString(), note],
    );
    const row = (await this.pool.query(`${SELECT} WHERE v.contributor_id = $1 AND v.community = $2 AND v.ended_at IS NULL`, [who.id, community])).rows[0] as VouchRow;
    return { vouch: rowToVouch(row), created: ins.rowCount === 1 };
  }

  async unvouch(contributorName: string, community: string, now = new Date()): Promise<number> {
    const r = await this.pool.query(
      'UPDATE vouches SET ended_at = $1 WHERE ended_at IS NULL AND community = $2 AND contributor_id = (SELECT id FROM contributors WHERE name = $3)',
      [now.toISOString(), community, contributorName],
    );
    return r.rowCount ?? 0;
  }

  async communitiesOf(contributorId: string): Promise<string[]> {
    return (await this.pool.query('SELECT community FROM vouches WHERE contributor_id = $1 AND ended_at IS NULL ORDER BY community', [contributorId])).rows.map((r) => r.community as string);
  }

  async list(contributorId?: string): Promise<HubVouch[]> {
    const r = contributorId
      ? await this.pool.query(`${SELECT} WHERE v.ended_at IS NULL AND v.contributor_id = $1 ORDER BY v.community, c.name`, [contributorId])
      : await this.pool.query(`${SELECT} WHERE v.ended_at IS NULL ORDER BY v.community, c.name`);
    return (r.rows as VouchRow[]).map(rowToVouch);
  }
}
