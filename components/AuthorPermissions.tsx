import { useEffect, useState } from 'preact/hooks';
import type { Author, Thread } from '../lib/model/thread.ts';
import type { HubConsentGrant, Source } from '../lib/model/entry.ts';
import type { HubGrantInfo } from '../lib/model/hub-consent.ts';
import { distinctAuthors, hubGrantLicenseProblem, sameAuthor } from '../lib/license/permissions.ts';

/** What the paired hub holds for one author: the grants found there, or why they could not be looked up. */
export type HubGrantLookup = { ok: true; hub: string; grants: HubGrantInfo[] } | { ok: false; reason: string };

export interface ChosenHubGrant {
  author: Author;
  grant: HubConsentGrant;
}

interface Props {
  thread: Thread;
  sources: Source[];
  marked: string[];
  onChange: (permissionPostIds: string[]) => void;
  /** The entry's licence: a hub grant stands only under the licence its author chose. */
  license?: string;
  hubGrants?: ChosenHubGrant[];
  onHubGrants?: (grants: ChosenHubGrant[]) => void;
  /** Looks an author up on the paired hub; absent when no hub is set up. */
  lookup?: (author: Author, postUrl: string) => Promise<HubGrantLookup>;
}

const excerpt = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 90 ? `${t.slice(0, 89)}…` : t;
};

const day = (iso: string) => iso.slice(0, 10);
const authorKey = (a: Author) => `${a.url ?? ''}|${a.name}`;

/**
 * Basis author_opt_in: per author of the entry's sources, the post of theirs in the captured thread
 * in which they grant permission, or a grant they made on the paired hub. Only their own posts and
 * grants are offered: nobody grants for someone else.
 */
export function AuthorPermissions({ thread, sources, marked, onChange, license, hubGrants = [], onHubGrants, lookup }: Props) {
  const authors = distinctAuthors(sources.map((s) => s.author));
  const [found, setFound] = useState<Record<string, HubGrantLookup>>({});
  const wanted = authors.map(authorKey).join('\n');
  useEffect(() => {
    if (!lookup) return;
    let live = true;
    for (const a of authors) {
      const key = authorKey(a);
      if (found[key]) continue;
      const postUrl = sources.find((s) => sameAuthor(s.author, a))?.url;
      if (!postUrl) continue;
      void lookup(a, postUrl).then((r) => live && setFound((f) => ({ ...f, [key]: r })));
    }
    return () => {
      live = false;
    };
  }, [wanted, !!lookup]);

  if (!authors.length) return <p class="hint">Mark the posts the entry uses; each of their authors then needs a permission.</p>;
  const chosenFor = (a: Author) => hubGrants.find((g) => sameAuthor(g.author, a));
  const lacking = authors.filter((a) => !chosenFor(a) && !marked.some((id) => thread.posts.some((p) => p.id === id && sameAuthor(p.author, a))));
  const useGrant = (a: Author, g: HubConsentGrant | null) => onHubGrants?.([...hubGrants.filter((x) => !sameAuthor(x.author, a)), ...(g ? [{ author: a, grant: g }] : [])]);
  return (
    <div class="permissions" data-testid="permissions">
      <p class="hint">For each author, mark the post in this thread in which they grant permission to use their posts{lookup ? ', or use a grant they made on the hub' : ''}.</p>
      {authors.map((a, i) => {
        const theirs = thread.posts.filter((p) => sameAuthor(p.author, a) && p.text.trim());
        const chosen = marked.find((id) => theirs.some((p) => p.id === id)) ?? '';
        const choose = (id: string) => onChange([...marked.filter((m) => !theirs.some((p) => p.id === m)), ...(id ? [id] : [])]);
        const inUse = chosenFor(a);
        const lookedUp = found[authorKey(a)];
        return (
          <div key={authorKey(a)} class="permission">
            <label>
              This post grants permission for {a.name}
              <select data-testid={`permission-${i}`} value={chosen} onChange={(e) => choose(e.currentTarget.value)}>
                <option value="">No post marked</option>
                {theirs.map((p) => (
                  <option key={p.id} value={p.id}>
                    {excerpt(p.text)}
                  </option>
                ))}
              </select>
            </label>
            <HubGrantLine author={a} index={i} license={license} inUse={inUse?.grant ?? null} lookedUp={lookedUp} onUse={(g) => useGrant(a, g)} />
          </div>
        );
      })}
      {lacking.length > 0 && (
        <p class="warn" data-testid="permission-missing">
          No permission recorded for {lacking.map((a) => a.name).join(', ')}. Mark the post in which each grants it{lookup ? ', use a grant they made on the hub' : ''}, remove their posts from the entry, or choose another basis.
        </p>
      )}
    </div>
  );
}

function HubGrantLine({ author, index, license, inUse, lookedUp, onUse }: { author: Author; index: number; license?: string; inUse: HubConsentGrant | null; lookedUp?: HubGrantLookup; onUse: (g: HubConsentGrant | null) => void }) {
  if (inUse) {
    const wrong = license ? hubGrantLicenseProblem(author, inUse.license, license) : null;
    return (
      <p class={wrong ? 'warn' : 'ok'} data-testid={`hub-grant-used-${index}`}>
        {wrong ?? `Using ${author.name}'s grant on the hub under ${inUse.license}, made on ${day(inUse.grantedAt)}.`}{' '}
        <button type="button" class="link" data-testid={`hub-grant-drop-${index}`} onClick={() => onUse(null)}>
          Stop using it
        </button>
      </p>
    );
  }
  if (!lookedUp) return null;
  if (!lookedUp.ok) return <p class="muted" data-testid={`hub-grant-unknown-${index}`}>{lookedUp.reason}</p>;
  if (!lookedUp.grants.length) return null;
  const fitting = license ? lookedUp.grants.find((g) => g.license === license) : lookedUp.grants[0];
  if (!fitting) {
    // The author chose another licence: say so, and what would let the grant stand.
    const g = lookedUp.grants[0]!;
    return (
      <p class="warn" data-testid={`hub-grant-mismatch-${index}`}>
        {hubGrantLicenseProblem(author, g.license, license!)} (granted on {day(g.grantedAt)})
      </p>
    );
  }
  return (
    <p class="hint" data-testid={`hub-grant-${index}`}>
      Granted on the hub under {fitting.license} on {day(fitting.grantedAt)} —{' '}
      <button type="button" class="link" data-testid={`hub-grant-use-${index}`} onClick={() => onUse({ hub: lookedUp.hub, grantId: fitting.grantId, license: fitting.license, grantedAt: fitting.grantedAt })}>
        use this grant
      </button>
    </p>
  );
}
