import type { HubVouch } from '../lib/model/vouch.ts';
import type { HubStore } from './store.ts';

/**
 * Which accounts a hub moderator (or the hub operator) registered as moderators of which communities.
 * Each backend keeps the records in its own `vouches` table, created by the module on first use, next to
 * the hub's own tables (so this feature's schema stays out of the stores' migration lists). A withdrawn
 * vouch is kept with the time it ended, for the record.
 */
export interface VouchStore {
  /** Records the vouch; 'no-account' when no account has that name. An active one is returned as it is. */
  vouch(contributorName: string, community: string, by: string, note: string | null, now?: Date): Promise<{ vouch: HubVouch; created: boolean } | 'no-account'>;
  /** Ends the active vouch; returns how many ended (0 or 1). */
  unvouch(contributorName: string, community: string, now?: Date): Promise<number>;
  /** The communities an account is an active, vouched moderator of. */
  communitiesOf(contributorId: string): Promise<string[]>;
  /** Active vouches, by community then account; only one account's with `contributorId`. */
  list(contributorId?: string): Promise<HubVouch[]>;
}

export type VouchRow = { contributor: string; community: string; vouched_by: string; vouched_at: string; note: string | null };
export const rowToVouch = (r: VouchRow): HubVouch => ({ contributor: r.contributor, community: r.community, vouchedBy: r.vouched_by, vouchedAt: r.vouched_at, note: r.note });

const cache = new WeakMap<HubStore, Promise<VouchStore>>();

/** The vouch records of a hub store, on the store's own database handle. */
export function vouchesOf(store: HubStore): Promise<VouchStore> {
  let v = cache.get(store);
  if (!v) {
    v =
      store.backend === 'sqlite'
        ? import('./vouch-sqlite.ts').then(async ({ SqliteVouches }) => new SqliteVouches((store as unknown as { db: ConstructorParameters<typeof SqliteVouches>[0] }).db))
        : import('./vouch-postgres.ts').then(({ PostgresVouches }) => PostgresVouches.open((store as unknown as { pool: Parameters<typeof PostgresVouches.open>[0] }).pool));
    cache.set(store, v);
  }
  return v;
}
