import { useState } from 'preact/hooks';
import type { NewJob } from '../lib/bulk/create.ts';

export type SourceKind = 'listing' | 'sitemap' | 'urls';

/** The form that defines a bulk job: where the threads come from, the attestation, and the pace. */
export function BulkForm({ busy, error, onCount }: { busy: boolean; error: string; onCount: (job: NewJob) => void }) {
  const [kind, setKind] = useState<SourceKind>('listing');
  const [url, setUrl] = useState('');
  const [urls, setUrls] = useState('');
  const [community, setCommunity] = useState('');
  const [license, setLicense] = useState('');
  const [termsUrl, setTermsUrl] = useState('');
  const [role, setRole] = useState('moderator');
  const [seconds, setSeconds] = useState('2');
  const [notify, setNotify] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    onCount({
      source: kind === 'urls' ? { kind, text: urls } : { kind, url: url.trim() },
      attestation: { community, license, termsUrl, role },
      intervalMs: Math.round(Number(seconds) * 1000),
      notify,
    });
  };
  const field = (label: string, value: string, set: (v: string) => void, name: string, type: 'text' | 'url' | 'number' = 'text') => (
    <label class="field">
      <span>{label}</span>
      <input name={name} type={type as 'text'} value={value} onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </label>
  );
  return (
    <form onSubmit={submit} aria-label="New bulk capture" noValidate>
      <h2>Where the threads are</h2>
      <fieldset>
        {(['listing', 'sitemap', 'urls'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />{' '}
            {k === 'listing' ? 'A board, category or forum page' : k === 'sitemap' ? 'A sitemap (sitemap.xml)' : 'A list of thread addresses'}
          </label>
        ))}
      </fieldset>
      {kind === 'urls' ? (
        <label class="field">
          <span>Thread addresses, one per line</span>
          <textarea name="urls" rows={6} value={urls} onInput={(e) => setUrls((e.target as HTMLTextAreaElement).value)} />
        </label>
      ) : (
        field(kind === 'sitemap' ? 'Sitemap address' : 'Board or category address', url, setUrl, 'url', 'url')
      )}
      <h2>Your attestation</h2>
      <p class="muted">
        Recorded once for this job and carried by every thread it captures. Each entry made from them is still reviewed one by one. Gleaner reads the terms page
        when you count the threads and keeps its text, a hash of it and the passage about licensing with the attestation, so anyone can check what it said. The
        hub accepts entries resting on your attestation once one of its moderators has vouched for you as a moderator of this forum.
      </p>
      {field('Community', community, setCommunity, 'community')}
      {field("Licence the community's terms grant (e.g. CC-BY-SA-4.0)", license, setLicense, 'license')}
      {field("Link to the community's terms", termsUrl, setTermsUrl, 'termsUrl', 'url')}
      {field('Your role in the community', role, setRole, 'role')}
      <h2>Pace</h2>
      {field('Seconds between two requests to the site (2 is polite)', seconds, setSeconds, 'seconds', 'number')}
      <label>
        <input type="checkbox" name="notify" checked={notify} onChange={(e) => setNotify((e.target as HTMLInputElement).checked)} /> Notify me when a long job ends
        (asks your browser for the notifications permission)
      </label>
      {error && (
        <p class="warn" role="alert">
          {error}
        </p>
      )}
      <p>
        <button type="submit" name="count" disabled={busy}>
          Count threads
        </button>
      </p>
    </form>
  );
}
