import type { HubEntryState } from '../lib/model/submission.ts';
import type { Entry } from '../lib/model/entry.ts';
import type { HubStore } from './store.ts';
import type { IndexSource } from './similar-index.ts';

/**
 * Where the hub keeps what it needs to find duplicates: each entry's MinHash signature of its question and
 * its lookup keys (source posts and LSH bands, lib/curate/similar.ts), the pairs a moderator said to keep
 * apart, and which entry was folded into which. Each backend creates its tables on first use, on the
 * store's own db handle, next to the hub's tables (SQLite keeps the index itself in a file of its own beside
 * the hub's, similar-sqlite.ts) (so this feature stays out of the stores' migration
 * lists, like the vouches).
 */
export interface IndexRow {
  entryId: string;
  signature: string;
  keys: { key: string; kind: 's' | 'b' }[];
}

/** An entry sharing keys with a lookup: which source keys, and how many band keys. */
export interface KeyHit {
  entryId: string;
  sourceKeys: string[];
  bands: number;
}

export interface CandidateRow {
  id: string;
  title: string;
  state: HubEntryState;
  contributorId: string;
  /** Hex signature; null for an entry not indexed yet. */
  signature: string | null;
}

export interface MergeWrite {
  into: string;
  intoRevision: number;
  from: string;
  fromRevision: number;
  record: Entry;
  by: string;
  /** History line of the entry that gained the sources. */
  intoComment: string;
  /** The comment the folded entry's contributor reads. */
  fromComment: string;
  sourcesAdded: number;
  now?: Date;
}

export interface SimilarStore {
  /** Replaces the signature and keys of each entry. */
  index(rows: IndexRow[]): Promise<void>;
  /**
   * The same from what the rows are computed of, where a backend computes them elsewhere (SQLite: on its
   * index's worker thread); resolves once they are written.
   */
  indexEntries?(entries: IndexSource[]): Promise<void>;
  /**
   * Entries with no signature yet that are still live (not rejected or withdrawn) and were received at or
   * before `receivedBy` (an ISO instant, compared with the stored one), by id after `afterId`.
   */
  unindexed(limit: number, afterId: string, receivedBy: string): Promise<{ id: string; record: Entry }[]>;
  /**
   * Live entries other than `excludeId` sharing any of these keys, aggregated by the database, those
   * sharing the most source keys then the most bands first, at most `limit`.
   */
  hits(keys: string[], excludeId: string | null, limit: number): Promise<KeyHit[]>;
  /** Title, state, owner and signature of these entries. */
  rows(ids: string[]): Promise<CandidateRow[]>;
  /** Ids a moderator chose to keep apart from `id` ("keep both"). */
  dismissedWith(id: string): Promise<Set<string>>;
  dismiss(a: string, b: string, by: string, now?: Date): Promise<void>;
  /**
   * Folds one entry into another in one transaction, a compare-and-set on both revisions: `into` gets the
   * new record (its old one kept as a revision) and a history line, `from` becomes rejected with a pointer
   * to `into`. 'conflict' when either moved on since it was read.
   */
  merge(m: MergeWrite): Promise<'ok' | 'missing' | 'conflict'>;
  /** An account's name, for the moderators' view of an entry. */
  contributorName(id: string): Promise<string>;
  /** The entry each of these was folded into, where one was. */
  mergedInto(ids: string[]): Promise<Map<string, string>>;
}

const cache = new WeakMap<HubStore, Promise<SimilarStore>>();

/** The duplicate-finding tables of a hub store, on the store's own database handle. */
export function similarStoreOf(store: HubStore): Promise<SimilarStore> {
  let v = cache.get(store);
  if (!v) {
    v =
      store.backend === 'sqlite'
        ? import('./similar-sqlite.ts').then(({ SqliteSimilar }) => {
            const s = store as unknown as { db: ConstructorParameters<typeof SqliteSimilar>[0]; onClose(fn: () => void): void };
            const sims = new SqliteSimilar(s.db);
            s.onClose(() => sims.close());
            return sims;
          })
        : import('./similar-postgres.ts').then(({ PostgresSimilar }) => PostgresSimilar.open((store as unknown as { pool: Parameters<typeof PostgresSimilar.open>[0] }).pool));
    cache.set(store, v);
  }
  return v;
}

/**
 * Entries read per lookup key at most: a band thousands of entries share (boilerplate wording) costs no
 * more than a rare one, and a real duplicate shares several bands, most of them rare.
 */
export const PER_KEY = 100;

/** States whose entries are looked for and flagged: a rejected (or merged) or withdrawn entry is no duplicate. */
export const DEAD_STATES: readonly HubEntryState[] = ['rejected', 'withdrawn'];
