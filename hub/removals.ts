import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from '../lib/model/entry.ts';
import type { HubEntryState } from '../lib/model/submission.ts';
import type { HubStore } from './store.ts';
import type { ConsentStore, RemovalReason, RemovalRequestRow } from './consent-store.ts';
import { proofCovers } from './identity.ts';

/**
 * Removals: an entry an author asked out of, or one a moderator removed after a report, moves to
 * `withdrawn` with a comment saying why (so the contributor's dashboard shows it at its next poll), is
 * left out of every later release (only `published` entries are released), and is named with its
 * reason in each release's removal list, so those holding an older release know what to delete.
 */

/** States an entry can leave the dataset from: everything not already final outside it. */
const REMOVABLE: HubEntryState[] = ['received', 'in_review', 'accepted', 'needs_changes', 'published'];

export const REMOVAL_COMMENTS: Record<RemovalReason, string> = {
  author_request: 'Removed: an author whose posts this entry quotes asked on the hub that their posts be left out. The entry leaves the next release.',
  copyright: 'Removed after a copyright report, upheld by a moderator. The entry leaves the next release.',
  privacy: 'Removed after a privacy report, upheld by a moderator. The entry leaves the next release.',
  wrong_attribution: 'Removed after a report of wrong attribution, upheld by a moderator. The entry leaves the next release.',
};

/** Entries (not yet final) whose sources include a post by the identity. */
export async function entriesQuoting(store: HubStore, who: { forum: string; name: string; profileUrl: string | null }): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const state of REMOVABLE) for (const e of await store.recordsInState(state)) if (e.sources.some((s) => proofCovers(who, s))) out.push(e);
  return out;
}

async function withdraw(store: HubStore, id: string, comment: string): Promise<void> {
  // A compare-and-set on the state read: a publish or a review landing meanwhile is read again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const s = await store.entryStatus(id);
    if (!s || !REMOVABLE.includes(s.state)) return;
    if ((await store.setState(id, 'withdrawn', comment, { expectRevision: s.revision, expectState: [s.state] })) !== 'conflict') return;
  }
}

/** An author's removal request: records it with the entries it takes out, then withdraws them. */
export async function removeForAuthor(store: HubStore, consent: ConsentStore, request: RemovalRequestRow): Promise<string[]> {
  const ids = (await entriesQuoting(store, request)).map((e) => e.id);
  await consent.addRemovalRequest(request, ids);
  for (const id of ids) await withdraw(store, id, REMOVAL_COMMENTS.author_request);
  return ids;
}

/** A report a moderator upheld: the entry is withdrawn (the removal itself is recorded with the decision). */
export async function removeReported(store: HubStore, entryId: string, reason: RemovalReason, comment: string | null): Promise<void> {
  await withdraw(store, entryId, comment ? `${REMOVAL_COMMENTS[reason]} ${comment}` : REMOVAL_COMMENTS[reason]);
}

/**
 * The release's removal list: every entry removed so far, by id, with the reason category and the day,
 * and nothing about who asked. Written as `removals.json` into the release folder and summarised in
 * the card there.
 */
export async function writeRemovalList(consent: ConsentStore, out: string, release: string): Promise<number> {
  const removed = await removalList(consent);
  writeFileSync(join(out, 'removals.json'), removalsJson(release, removed));
  const card = join(out, 'README.md');
  if (existsSync(card)) writeFileSync(card, withRemovals(readFileSync(card, 'utf8'), removed));
  return removed.length;
}

type Removed = { id: string; reason: string; date: string };
const removalList = async (consent: ConsentStore): Promise<Removed[]> => (await consent.entryRemovals()).map((r) => ({ id: r.entryId, reason: r.reason, date: r.at.slice(0, 10) }));
const removalsJson = (release: string, removed: Removed[]) => JSON.stringify({ release, removed }, null, 2) + '\n';

function withRemovals(readme: string, removed: Removed[]): string {
  const byReason = new Map<string, number>();
  for (const r of removed) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
  const rows = [...byReason.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `| ${k} | ${n} |`);
  return `${readme.trimEnd()}

## Removals
Entries taken out of the dataset, at an author's request on the hub (\`author_request\`) or after a
report a moderator upheld (\`copyright\`, \`privacy\`, \`wrong_attribution\`). \`removals.json\` lists
their ids with the reason and the day; delete them from any earlier release you hold.

${removed.length ? ['| reason | entries |', '|---|---|', ...rows].join('\n') : 'None so far.'}
`;
}
