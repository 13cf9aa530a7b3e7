import type Database from 'better-sqlite3';
import { ulid } from 'ulid';
import type { HubVouch } from '../lib/model/vouch.ts';
import { rowToVouch, type VouchRow, type VouchStore } from './vouch-store.ts';

/** Created on first use, idempotently: the hub's migration list (store-sqlite.ts) is left alone. */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS vouches (
    id TEXT PRIMARY KEY, contributor_id TEXT NOT NULL REFERENCES contributors(id), community TEXT NOT NULL,
    vouched_by TEXT NOT NULL, vouched_at TEXT NOT NULL, note TEXT, ended_at TEXT);
  CREATE UNIQUE INDEX IF NOT EXISTS vouches_active ON vouches(contributor_id, community) WHERE ended_at IS NULL;`;

const SELECT = `SELECT c.name AS contributor, v.community, v.vouched_by, v.vouched_at, v.note FROM vouches v JOIN contributors c ON c.id = v.contributor_id`;

export class SqliteVouches implements VouchStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  async vouch(contributorName: string, community: string, by: string, note: string | null, now = new Date()): Promise<{ vouch: HubVouch; created: boolean } | 'no-account'> {
    return this.db.transaction(() => {
      const who = this.db.prepare('SELECT id FROM contributors WHERE name = ?').get(contributorName) as { id: string } | undefined;
      if (!who) return 'no-account' as const;
      const active = this.db.prepare(`${SELECT} WHERE v.contributor_id = ? AND v.community = ? AND v.ended_at IS NULL`).get(who.id, community) as VouchRow | undefined;
      if (active) return { vouch: rowToVouch(active), created: false };
      this.db.prepare('INSERT INTO vouches (id, contributor_id, community, vouched_by, vouched_at, note) VALUES (?, ?, ?, ?, ?, ?)').run(ulid(now.getTime()), who.id, community, by, now.toISOString(), note);
      return { vouch: { contributor: contributorName, community, vouchedBy: by, vouchedAt: now.toISOString(), note }, created: true };
    }).immediate();
  }

  async unvouch(contributorName: string, community: string, now = new Date()): Promise<number> {
    return this.db
      .prepare('UPDATE vouches SET ended_at = ? WHERE ended_at IS NULL AND community = ? AND contributor_id = (SELECT id FROM contributors WHERE name = ?)')
      .run(now.toISOString(), community, contributorName).changes;
  }

  async communitiesOf(contributorId: string): Promise<string[]> {
    return (this.db.prepare('SELECT community FROM vouches WHERE contributor_id = ? AND ended_at IS NULL ORDER BY community').all(contributorId) as { community: string }[]).map((r) => r.community);
  }

  async list(contributorId?: string): Promise<HubVouch[]> {
    const rows = contributorId
      ? this.db.prepare(`${SELECT} WHERE v.ended_at IS NULL AND v.contributor_id = ? ORDER BY v.community, c.name`).all(contributorId)
      : this.db.prepare(`${SELECT} WHERE v.ended_at IS NULL ORDER BY v.community, c.name`).all();
    return (rows as VouchRow[]).map(rowToVouch);
  }
}
