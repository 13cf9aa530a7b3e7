import type { Entry } from '../lib/model/entry.ts';
import type { EntryResult, HubEntryState, HubEntryStatus } from '../lib/model/submission.ts';

/** An account exists under this name with another role than asked for. */
export class RoleMismatch extends Error {
  constructor(name: string, existing: string, wanted: string) {
    super(`"${name}" is a ${existing}, not a ${wanted}: ${wanted === 'moderator' ? 'a moderator account needs its own name' : 'add --moderator'}. Names are unique and a role is never changed by the way.`);
  }
}

export interface Contributor {
  id: string;
  name: string;
  role: 'contributor' | 'moderator';
}

/**
 * A claimed key whose request never finished (the hub was killed between claiming it and storing the
 * batch) is abandoned after this long: the next retry takes it over instead of getting 409 for ever.
 */
export const IN_FLIGHT_TTL_MS = 60_000;

/**
 * How long a finished request's answer is kept for replay under its Idempotency-Key. A retry after
 * that is treated as a new request; the entries in it are still recognised by id ("duplicate"), so
 * nothing is stored twice either way.
 */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60_000;

export type IdempotencyHit =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

export type SubmitOutcome = Exclude<IdempotencyHit, { kind: 'new' }> | { kind: 'stored'; body: { submissionId: string; results: EntryResult[] } };

/** What the store knows about an entry: the public status plus its owner, revision and change number. */
export type StoredStatus = HubEntryStatus & { contributorId: string; revision: number; changeSeq: number };

export interface EntryPage {
  entries: StoredStatus[];
  nextCursor: string | null;
  /** Highest change number covered by this page (or the caller's current one): the next `since=`. */
  nextSince: number;
}

export interface QueueItem {
  status: StoredStatus;
  record: Entry;
  contributorName: string;
}

export interface SetStateOptions {
  expectRevision?: number;
  expectState?: readonly HubEntryState[];
  release?: string;
  now?: Date;
}

/**
 * What a submitter learns about an entry id another contributor holds: no more than that it cannot be
 * stored under it, the same whoever holds it, so ids cannot be probed for their owners.
 */
export const TAKEN_ID = 'This entry id is already in use and cannot be stored again; give the entry a new id.';

export type BatchItem = Entry | { invalid: string; entryId: string };

/**
 * The hub's storage contract. Callers always `await`: PostgreSQL answers asynchronously, while the
 * SQLite store answers synchronously (better-sqlite3 is synchronous, which keeps each transaction free
 * of event-loop gaps), so results are typed `Awaitable`.
 */
export type Awaitable<T> = T | Promise<T>;

export interface HubStore {
  readonly backend: 'sqlite' | 'postgres';
  close(): Awaitable<void>;

  /**
   * A new token for the account called `name`, created with `role` if new (names are unique). An existing
   * account of another role is refused with a RoleMismatch error: a role is never changed by the way.
   */
  addContributor(name: string, role?: Contributor['role']): Awaitable<{ contributor: Contributor; token: string }>;
  contributorByToken(token: string): Awaitable<Contributor | null>;
  /** Revokes every token of the one account called `name` (or with that id); returns how many tokens stopped working. */
  revokeContributor(nameOrId: string, now?: Date): Awaitable<number>;
  /**
   * A one-time pairing code for `name` (created at redemption if new) that carries `role`; only its hash
   * is stored. Refused (RoleMismatch) when `name` exists with another role.
   */
  createPairCode(name: string, role: Contributor['role'], ttlMs: number, now?: Date): Awaitable<{ code: string; expiresAt: string }>;
  /** Exchanges a valid, unused, unexpired code for a fresh token, exactly once, only for the role the code was made for. */
  redeemPairCode(code: string, now?: Date): Awaitable<{ contributor: Contributor; token: string } | null>;

  /** Claims an idempotency key before work starts, so a concurrent duplicate sees "in flight". */
  claimKey(contributorId: string, key: string, requestSha256: string): Awaitable<IdempotencyHit>;
  releaseKey(contributorId: string, key: string): Awaitable<void>;
  /** Forgets idempotency keys claimed before `before`; returns how many. */
  pruneKeys(before: Date): Awaitable<number>;
  /**
   * Claim and store in one go, where a store can do both in one transaction (SQLite: concurrent
   * submissions also share one commit). Same outcomes as claimKey then receiveBatch.
   */
  submitBatch?(contributor: Contributor, key: string, requestSha256: string, items: BatchItem[], status: number): Promise<SubmitOutcome>;
  /** Stores a batch and its idempotent response atomically: all of it or none of it (key freed). */
  receiveBatch(contributor: Contributor, key: string, items: BatchItem[], status: number): Awaitable<{ submissionId: string; results: EntryResult[] }>;

  entryStatus(id: string): Awaitable<StoredStatus | null>;
  entryRecord(id: string): Awaitable<Entry | null>;
  /** A contributor's entries: by id with `cursor`, or (with `since`) those changed after a change number. */
  listMine(contributorId: string, page: { cursor?: string | null; since?: number | null; limit: number }): Awaitable<EntryPage>;
  /** Cheap fingerprint of a contributor's entries for the list ETag: changes whenever any of them does. */
  mineVersion(contributorId: string): Awaitable<{ changeSeq: number; count: number }>;

  /**
   * Moves an entry to `state` with a comment, bumping its revision: a compare-and-set. With
   * `expectRevision` and/or `expectState`, does nothing and returns 'conflict' when the entry is no
   * longer at that revision or in one of those states.
   */
  setState(id: string, state: HubEntryState, comment: string | null, opts?: SetStateOptions): Awaitable<'ok' | 'missing' | 'conflict'>;
  /**
   * Publishing, in one transaction: every entry accepted at that moment becomes published in the
   * release `release`, or, when null, the name derived from the whole published set (`releaseName`: a
   * hash of every published and newly published entry's id and content hash, computed a row at a time). An entry withdrawn or rejected
   * before the claim is not in it; one a moderator or contributor tries to move after the claim finds it
   * published. No record comes back: the release is written from `publishedPage`, and the claim's
   * fingerprint (the same hash) tells whether what was read is what was claimed.
   */
  publishAccepted(release: string | null, now?: Date): Awaitable<PublishClaim>;
  /** Published entries' records with ids after `afterId`, in id order (byte order), at most `limit`: a release's input, a page at a time. */
  publishedPage(afterId: string | null, limit: number): Awaitable<Entry[]>;
  /** The day (YYYY-MM-DD) the newest published entry was last accepted, from the review history; 1970-01-01 when none. */
  newestAcceptedDay(): Awaitable<string>;
  /** Replaces the record with a revision (state back to received), keeping the old version on file. */
  reviseEntry(id: string, entry: Entry, expectRevision: number, now?: Date): Awaitable<'ok' | 'missing' | 'conflict'>;
  /** Entries in the given states, oldest first, with records, for the moderation queue. */
  queue(states: HubEntryState[], limit: number, afterId?: string | null): Awaitable<QueueItem[]>;
  /** Records of the entries in a state, sorted by id: the publishing input. */
  recordsInState(state: HubEntryState): Awaitable<Entry[]>;
}

/** What `publishAccepted` claimed. */
export interface PublishClaim {
  release: string;
  /** Entries in the release (every published entry, those just published included). */
  entries: number;
  /** How many entries moved from accepted to published. */
  newlyPublished: number;
  /** EntrySetFingerprint of the release's entries (ids and content hashes). */
  fingerprint: string;
}

/** Chooses the backend: a `postgres://` URL selects PostgreSQL, anything else is a SQLite file. */
export async function openHubStore(target: string): Promise<HubStore> {
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { PostgresHubStore } = await import('./store-postgres.ts');
    return PostgresHubStore.open(target);
  }
  const { SqliteHubStore } = await import('./store-sqlite.ts');
  return new SqliteHubStore(target);
}
