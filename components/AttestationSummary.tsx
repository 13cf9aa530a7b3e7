import type { Attestation } from '../lib/model/attestation.ts';

/** What the job's attestation rests on: the rules page as read, so the moderator sees what was recorded. */
export function AttestationSummary({ attestation, vouch }: { attestation: Attestation; vouch?: string | null }) {
  const page = attestation.rulesPage;
  return (
    <section aria-label="Attestation" data-testid="attestation-summary">
      <h3>Your attestation</h3>
      <p>
        {attestation.community}: {attestation.license}, as the community's terms grant ({attestation.role}).
      </p>
      {page ? (
        <p class="muted">
          Rules page <a href={page.url} target="_blank" rel="noopener noreferrer">{page.url}</a> read on {new Date(page.readAt).toLocaleString()}
          {page.truncated ? ' (its first part)' : ''}: “{page.excerpt}” · SHA-256 <code>{page.sha256.slice(0, 12)}…</code>
        </p>
      ) : (
        <p class="warn">This job was created before Gleaner read the community's rules page: the hub accepts no entry resting on it. Create the job again.</p>
      )}
      {vouch && (
        <p class="muted" data-testid="vouch-status">
          {vouch}
        </p>
      )}
    </section>
  );
}
