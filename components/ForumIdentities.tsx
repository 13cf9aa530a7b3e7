import { useEffect, useState } from 'preact/hooks';
import type { IdentityProof } from '../lib/model/entry.ts';
import type { IdentityClaim } from '../lib/hub/identities.ts';

type Failure = { ok: false; reason: string };

interface Props {
  list: () => Promise<{ ok: true; identities: IdentityProof[] } | Failure>;
  claim: (forum: string, name: string) => Promise<{ ok: true; claim: IdentityClaim } | Failure>;
  verify: (claimId: string, url: string) => Promise<{ ok: true; proof: IdentityProof } | Failure>;
}

/**
 * "I am NAME on FORUM": the contributor asks the hub for a code, posts it on the forum, gives the post's
 * address, and the hub checks the page itself. Entries whose basis is "I wrote every post" need such a
 * proof for each post's author.
 */
export function ForumIdentities({ list, claim, verify }: Props) {
  const [proofs, setProofs] = useState<IdentityProof[] | null>(null);
  const [forum, setForum] = useState('');
  const [name, setName] = useState('');
  const [pending, setPending] = useState<IdentityClaim | null>(null);
  const [url, setUrl] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const refresh = (quiet = false) => void list().then((r) => (r.ok ? setProofs(r.identities) : quiet ? undefined : setError(r.reason)));
  // On opening, a hub not yet set up is no error to shout about: the list simply stays away.
  useEffect(() => refresh(true), []);

  const ask = async () => {
    setBusy(true);
    const r = await claim(forum.trim(), name.trim());
    setBusy(false);
    if (!r.ok) return setError(r.reason);
    setError('');
    setPending(r.claim);
  };
  const check = async () => {
    if (!pending) return;
    setBusy(true);
    const r = await verify(pending.claimId, url.trim());
    setBusy(false);
    if (!r.ok) return setError(r.reason);
    setError('');
    setPending(null);
    setUrl('');
    refresh();
  };

  return (
    <section class="options" aria-labelledby="identities-title">
      <h2 id="identities-title">Your forum identities</h2>
      <p class="hint">Entries on the basis "I wrote every post myself" need proof that you are each post's author on its forum. The hub checks it once per name and forum.</p>
      {proofs && proofs.length > 0 ? (
        <ul data-testid="identity-list">
          {proofs.map((p) => (
            <li key={`${p.forum} ${p.name}`} data-testid="identity-row">
              {p.name} on {p.forum}, proven {p.checkedAt.slice(0, 10)}
            </li>
          ))}
        </ul>
      ) : proofs ? (
        <p data-testid="identity-none">No identity proven yet.</p>
      ) : null}
      {pending ? (
        <fieldset>
          <legend>Post your code</legend>
          <p data-testid="identity-instructions">{pending.instructions}</p>
          <p>
            Code: <code data-testid="identity-code">{pending.code}</code>
          </p>
          <label>
            Address of your post or profile page with the code
            <input data-testid="identity-url" type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          </label>
          <button type="button" data-testid="identity-verify" disabled={busy || !url.trim()} onClick={() => void check()}>
            Check
          </button>{' '}
          <button type="button" onClick={() => (setPending(null), setError(''))}>
            Cancel
          </button>
        </fieldset>
      ) : (
        <fieldset>
          <legend>Prove an identity</legend>
          <label>
            Forum address
            <input data-testid="identity-forum" type="url" placeholder="https://forum.example.org" value={forum} onInput={(e) => setForum(e.currentTarget.value)} />
          </label>
          <label>
            Your name on that forum
            <input data-testid="identity-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="button" data-testid="identity-claim" disabled={busy || !forum.trim() || !name.trim()} onClick={() => void ask()}>
            Get a code
          </button>
        </fieldset>
      )}
      {error ? (
        <p role="alert" class="error" data-testid="identity-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
