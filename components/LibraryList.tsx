import { useState } from 'preact/hooks';
import { SOURCE_WORDS, filterLibrary, type LibraryFilter, type LibraryRow, type LibrarySource, type StateFilter } from '../lib/store/library.ts';

/** A stable ref callback: focus lands on the safe choice once, when the question appears (not on every re-render). */
const focusOnMount = (el: HTMLElement | null) => el?.focus();

export const ENTRY_STATE_WORDS: Record<string, string> = {
  draft: 'draft in progress',
  ready: 'kept for submit all',
  queued: 'queued',
  sending: 'sending',
  held: 'needs your attention',
  received: 'submitted',
  in_review: 'in review',
  accepted: 'accepted',
  needs_changes: 'needs changes',
  rejected: 'rejected',
  published: 'published',
  withdrawn: 'withdrawn',
};

const STATE_FILTERS: StateFilter[] = ['all', 'uncurated', 'draft', 'received', 'in_review', 'needs_changes', 'accepted', 'rejected', 'published', 'withdrawn', 'held'];

interface Props {
  rows: LibraryRow[];
  /** Where "Open" goes for a row (a link, so it can open in a new tab too). */
  openHref: (r: LibraryRow) => string;
  /** Opening in place (the side panel) instead of following the link. */
  onOpen?: (r: LibraryRow) => void;
  onDelete: (r: LibraryRow) => Promise<string>;
  initial?: LibraryFilter;
  compact?: boolean;
}

function when(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}

/** Every stored thread, searchable and filterable, each with its entries' states and a way to curate it. */
export function LibraryList({ rows, openHref, onOpen, onDelete, initial = {}, compact }: Props) {
  const [query, setQuery] = useState(initial.query ?? '');
  const [source, setSource] = useState<LibrarySource | 'all'>(initial.source ?? 'all');
  const [state, setState] = useState<StateFilter>(initial.state ?? 'all');
  const [asking, setAsking] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const shown = filterLibrary(rows, { query, source, state, jobId: initial.jobId ?? null });
  return (
    <section class={compact ? 'library library--compact' : 'library'} aria-label="Captured threads">
      <div class="library__filters" role="search">
        <label>
          Search titles and addresses
          <input type="search" data-testid="library-search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <label>
          Source
          <select data-testid="library-source" value={source} onChange={(e) => setSource(e.currentTarget.value as LibrarySource | 'all')}>
            <option value="all">all sources</option>
            {(Object.keys(SOURCE_WORDS) as LibrarySource[]).map((s) => (
              <option key={s} value={s}>
                {SOURCE_WORDS[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Entries
          <select data-testid="library-state" value={state} onChange={(e) => setState(e.currentTarget.value as StateFilter)}>
            {STATE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? 'any' : s === 'uncurated' ? 'not curated yet' : ENTRY_STATE_WORDS[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="muted" role="status" data-testid="library-count">
        {shown.length === rows.length ? `${rows.length} thread${rows.length === 1 ? '' : 's'}` : `${shown.length} of ${rows.length} threads`}
        {status && ` · ${status}`}
      </p>
      {rows.length === 0 ? (
        <p class="hint" data-testid="library-empty">
          Nothing captured yet. Capture a thread with the Gleaner button, import an archive, or start a bulk capture.
        </p>
      ) : (
        <ul class="library__list">
          {shown.map((r) => (
            <li key={r.id} class="library__row" data-testid="library-row" data-thread-id={r.id} data-source={r.source}>
              <a
                class="library__title"
                href={openHref(r)}
                data-testid="library-open"
                target={onOpen ? undefined : '_blank'}
                onClick={
                  onOpen
                    ? (e) => {
                        e.preventDefault();
                        onOpen(r);
                      }
                    : undefined
                }
              >
                {r.title}
              </a>
              <p class="muted library__meta">
                {SOURCE_WORDS[r.source]} · {r.platform} · {when(r.capturedAt)} · {r.posts} post{r.posts === 1 ? '' : 's'}
              </p>
              <p class="library__states" data-testid="library-states">
                {Object.keys(r.states).length === 0
                  ? 'not curated yet'
                  : Object.entries(r.states)
                      .map(([k, n]) => `${n} ${ENTRY_STATE_WORDS[k] ?? k}`)
                      .join(' · ')}
              </p>
              {asking === r.id ? (
                <div class="notice" role="alertdialog" aria-label={`Delete ${r.title}?`} data-testid="delete-confirm">
                  <p>
                    Delete the captured thread “{r.title}” from this device?{' '}
                    {r.entries > 0
                      ? `Its ${r.entries} entr${r.entries === 1 ? 'y stays' : 'ies stay'}: entries already made keep their own copy of the texts and sources, and stay on the dashboard and at the hub.`
                      : 'No entry was made from it.'}{' '}
                    {r.states.draft ? 'The draft in progress is deleted with it.' : ''}
                  </p>
                  <button
                    type="button"
                    data-testid="delete-yes"
                    onClick={() =>
                      void onDelete(r).then((m) => {
                        setAsking(null);
                        setStatus(m);
                      })
                    }
                  >
                    Delete the thread
                  </button>{' '}
                  <button type="button" data-testid="delete-no" onClick={() => setAsking(null)} ref={focusOnMount}>
                    Keep it
                  </button>
                </div>
              ) : (
                <button type="button" class="link" data-testid="library-delete" onClick={() => setAsking(r.id)}>
                  Delete…
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
