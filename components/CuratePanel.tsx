import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { FieldFrame, type FieldProps } from './FieldFrame.tsx';
import type { Thread } from '../lib/model/thread.ts';
import { LOW_CONFIDENCE } from '../lib/extract/checks.ts';
import { cutOffNotice } from '../lib/extract/truncation.ts';
import type { Entry } from '../lib/model/entry.ts';
import { GRANT_CHOICES, effectiveLicense, type ConsentBasisId } from '../lib/license/index.ts';
import { consentStatement } from '../lib/license/statements.ts';
import { attributionText } from '../lib/curate/attribution.ts';
import { AuthorPermissions, type HubGrantLookup } from './AuthorPermissions.tsx';
import type { Author } from '../lib/model/thread.ts';
import type { Attestation } from '../lib/model/attestation.ts';
import { attestationVouchNote } from '../lib/curate/attestation-notes.ts';
import {
  NO_BASIS_REASON,
  missingForSubmit,
  moveAnswer,
  previewSources,
  settleConsent,
  roleOf,
  suggestedAnswerIds,
  textFor,
  toggleAnswerRanked,
  toggleRole,
  toggleStripped,
  typeHobby,
  type EditorState,
} from '../lib/curate/editor.ts';
import { SubjectPicker, type FindSubjects } from './SubjectPicker.tsx';
import { hasStripped } from '../lib/curate/quotes.ts';
import { domainSuggestions } from '../lib/curate/domain.ts';
import { KEY_HELP, keyAction, keyTarget, moveCursor, wrongTabMessage } from '../lib/curate/keys.ts';
import { PostCard } from './PostCard.tsx';
import { useVirtualPosts } from './useVirtualPosts.ts';
import { useHeavy } from './useHeavy.ts';
import { KindTabs } from './KindTabs.tsx';
import { SummaryBar } from './SummaryBar.tsx';
// "A similar entry exists" from the paired hub (lib/hub/similar.ts).
import { SimilarNotice } from './SimilarNotice.tsx';
import { similarRequest, type SimilarLookup } from '../lib/hub/similar.ts';
import type { HubSimilarRequest } from '../lib/model/similar.ts';

interface Props {
  thread: Thread;
  /** The bulk job's attestation covering the thread (null: none); undefined while not looked up. */
  attestation?: Attestation | null;
  state: EditorState;
  onChange: (s: EditorState) => void;
  onSubmit: () => void;
  onNextEntry: () => void;
  errors: string[];
  submitted: Entry | null;
  busy: boolean;
  /** Posts already used by entries submitted from this thread. */
  usedPostIds: string[];
  /** The address of this view opened in a tab, or null when it already is one. */
  tabUrl: string | null;
  /** Single-letter shortcuts on (the options can switch them off). */
  singleKeys?: boolean;
  /** The dashboard's address; the confirmation after a submit links to the entry there. */
  dashboardUrl?: string;
  /** Revising an entry a reviewer sent back: their comment is shown beside the fields. */
  review?: { comment: string | null; state: string } | null;
  /** The submit button's words when they differ (e.g. "Send the revision"). */
  submitLabel?: string;
  /** Looks an author's grants up on the paired hub (basis author_opt_in); absent when no hub is set up. */
  findHubGrants?: (author: Author, postUrl: string) => Promise<HubGrantLookup>;
  /** Below the editor: e.g. the next thread to curate in a bulk job. */
  footer?: preact.ComponentChildren;
  /** Asks the paired hub for similar entries; absent when no hub is paired. */
  findSimilar?: (r: HubSimilarRequest) => Promise<SimilarLookup>;
  /** The entry being revised, which is not its own duplicate. */
  revisingId?: string | null;
  /** The paired hub's subject lookup: with it the subject field is a picker over the hub's subjects. */
  findSubjects?: FindSubjects | null;
}

const BASIS_LABEL: Record<ConsentBasisId, string> = {
  self: 'I wrote every post used here',
  author_opt_in: 'Each author gave permission (their post or hub grant, below)',
  moderator_attestation: 'Moderator attestation for this community',
  open_license: 'The source is openly licensed',
};

function inField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable);
}

/** Stands in for the full field (personal data, preview) for the moment its code is loading. */
const PlainField = (props: FieldProps & { keepHandles?: string[] }) => <FieldFrame {...props} />;

/** Fragment links scroll but do not always move focus: the skip links move it, so typing continues there. */
const skipTo = (id: string) => (e: MouseEvent) => {
  const el = document.getElementById(id);
  if (!el) return;
  e.preventDefault();
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'start' });
};

/** Anything chosen or typed that "start the next entry" would throw away. */
function hasWork(s: EditorState): boolean {
  return !!s.questionId || s.answerIds.length > 0 || s.strategyIds.length > 0 || Object.keys(s.texts).length > 0;
}

/**
 * The curate view. The parent remounts it (a `key`) for every new capture or opened thread, so the
 * cursor, folds and undo never carry over from another thread.
 */
export function CuratePanel(props: Props) {
  const { thread, state, onSubmit, errors, submitted, busy, usedPostIds, tabUrl, singleKeys = true, dashboardUrl = '/dashboard.html', review, submitLabel, footer, findSubjects } = props;
  const [cursor, setCursor] = useState(0);
  // Keys read and move the cursor through a ref: presses faster than a render must each count once.
  const cursorRef = useRef(0);
  cursorRef.current = Math.min(cursorRef.current, Math.max(0, thread.posts.length - 1));
  const [announce, setAnnounce] = useState('');
  const [blocked, setBlocked] = useState<string[]>([]);
  const [undo, setUndo] = useState<EditorState | null>(null);
  const [folded, setFolded] = useState<Record<string, boolean>>({});
  const [foldAll, setFoldAll] = useState(false);
  const postsRef = useRef<HTMLElement>(null);
  const submitRef = useRef<HTMLDivElement>(null);
  // Every change goes through the consent rule: agreement stays unless the statement's words change.
  const onChange = (next: EditorState) => {
    setBlocked([]);
    props.onChange(settleConsent(state, next));
  };
  const set = (patch: Partial<EditorState>) => onChange({ ...state, ...patch });
  const setText = (key: string, text: string) => onChange({ ...state, texts: { ...state.texts, [key]: text } });
  const onNextEntry = () => {
    // Starting over throws the half-built entry away: keep it for Undo.
    if (hasWork(state)) {
      setUndo(state);
      setAnnounce('Started the next entry. The previous choice can be brought back with Undo.');
    }
    props.onNextEntry();
  };
  const sources = previewSources(state, thread);
  const statement = consentStatement(state.basis, state.grant);
  const chosen = state.kind === 'qa' ? !!state.questionId && state.answerIds.length > 0 : state.strategyIds.length > 0;
  // Language and personal-data checks load after the first paint; until then a plain field takes the text.
  const heavy = useHeavy();
  const EditorField = heavy?.EditorField ?? PlainField;
  const keep = useMemo(() => (heavy ? heavy.keepHandlesFor(sources) : []), [heavy, sources.map((s) => s.postId).join(',')]);
  const suggested = useMemo(() => suggestedAnswerIds(thread, state.questionId), [thread, state.questionId]);
  const suggestions = useMemo(() => domainSuggestions(thread), [thread]);
  const trail = thread.breadcrumbs ?? [];
  const used = new Set(usedPostIds);

  const labelled =
    state.kind === 'qa'
      ? [
          ...(state.questionId ? [{ label: 'The question', text: textFor(state, thread, state.questionId) }] : []),
          ...state.answerIds.map((id, i) => ({ label: `Answer ${i + 1}`, text: textFor(state, thread, id) })),
        ]
      : state.strategyIds.length
        ? [{ label: 'The strategy', text: textFor(state, thread, 'strategy') }]
        : [];
  const pii = heavy ? heavy.piiVerdict(labelled, keep, false) : { block: [] as string[], warn: [] as string[] };
  const warnOpen = pii.warn.length > 0 && !state.keepPii;
  const verdict = sources.length
    ? effectiveLicense(
        sources.map((s) => ({ license: s.license, evidence: s.licenseEvidence, who: { postId: s.postId, author: s.author.name, url: s.url } })),
        state.grant,
        state.basis,
      )
    : null;
  const lang = heavy && labelled.length ? heavy.entryLanguage(labelled.map((l) => l.text).join('\n\n'), { manual: state.language, pageLang: thread.language }) : null;
  const missing = missingForSubmit(state, { busy, loading: !heavy, piiBlocking: pii.block.length, piiUndecided: warnOpen, thread, attestation: props.attestation });
  const allowed = missing.length === 0 && chosen;

  // Big threads: a virtual list draws only the posts on screen (and the cursor's), with gaps of the right
  // height for the rest. Post cards are memoised, so a key press re-renders the two posts that changed.
  const listRef = useRef<HTMLDivElement>(null);
  const slotsNow = useVirtualPosts(listRef, thread.posts.length, cursor, foldAll);
  const pendingFocus = useRef<number | null>(null);
  useEffect(() => {
    if (pendingFocus.current === null) return;
    const i = pendingFocus.current;
    pendingFocus.current = null;
    const el = postEl(i);
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'nearest' });
  });
  // Post cards hold callbacks that read the latest state here, so a memoised card never acts on an old state.
  const live = useRef({ focus: (_i: number) => {}, fold: (_id: string) => {}, role: (_id: string, _r: 'question' | 'answer' | 'use') => {} });
  live.current = {
    focus: (i) => {
      if (cursorRef.current !== i) ((cursorRef.current = i), setCursor(i));
    },
    fold: (id) => setFolded({ ...folded, [id]: !(folded[id] ?? foldAll) }),
    role: (id, r) => onChange(r === 'answer' ? toggleAnswerRanked(state, thread, id) : toggleRole(state, id, r)),
  };

  const postEl = (i: number) => postsRef.current?.querySelector<HTMLElement>(`[data-testid="post"][data-index="${i}"]`) ?? null;
  const focusPost = (i: number) => {
    cursorRef.current = i;
    setCursor(i);
    const el = postEl(i);
    if (!el) pendingFocus.current = i; // not rendered yet: focused once the window has grown to it
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'nearest' });
    const p = thread.posts[i];
    if (p) setAnnounce(`Post ${i + 1} of ${thread.posts.length}, by ${p.author.name}${roleOf(state, p.id) ? `, marked as ${roleOf(state, p.id)}` : ''}.`);
  };
  const trySubmit = () => {
    if (allowed) return onSubmit();
    // Never a silent no-op: say what is missing, where the submit button is.
    setBlocked(missing);
    setAnnounce(`Not submitted yet: ${missing.join(' ')}`);
  };
  const goToSubmit = () => {
    submitRef.current?.scrollIntoView({ block: 'center' });
    submitRef.current?.querySelector<HTMLElement>('[data-testid="consent"]')?.focus({ preventScroll: true });
    if (missing.length) setBlocked(missing);
  };

  // A fresh view puts focus on the first post, so the keys work at once; never taken from elsewhere.
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) postEl(cursorRef.current)?.focus({ preventScroll: true });
  }, []);

  // Ctrl+Enter works from anywhere on the page, fields included. The listener reads the latest render's
  // submit through a ref: effects run after paint, so a listener re-added per render would lag behind a
  // fast "tick consent, Ctrl+Enter".
  const submitNow = useRef(trySubmit);
  submitNow.current = trySubmit;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (keyAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inField: true, inList: false, singleKeys: false }) !== 'submit') return;
      e.preventDefault();
      submitNow.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // Single keys: only on the list of posts (focus inside it), acting on the focused post.
  const onListKey = (e: KeyboardEvent) => {
    const action = keyAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inField: inField(e.target), inList: true, singleKeys });
    if (!action || action === 'submit') return;
    e.preventDefault();
    const host = (e.target as HTMLElement | null)?.closest?.('[data-testid="post"]');
    const focused = host ? Number(host.getAttribute('data-index')) : null;
    const at = keyTarget(focused, cursorRef.current, thread.posts.length);
    if (at === null) return;
    if (action === 'next-post' || action === 'prev-post') return focusPost(moveCursor(at, action === 'next-post' ? 1 : -1, thread.posts.length));
    if (action === 'next-entry') return onNextEntry();
    if (action === 'consent') return goToSubmit();
    const wrong = wrongTabMessage(action, state.kind);
    if (wrong) return setAnnounce(wrong);
    const post = thread.posts[at]!;
    cursorRef.current = at;
    setCursor(at);
    const next = action === 'question' ? toggleRole(state, post.id, 'question') : action === 'answer' ? toggleAnswerRanked(state, thread, post.id) : toggleRole(state, post.id, 'use');
    onChange(next);
    const role = roleOf(next, post.id);
    setAnnounce(`Post ${at + 1} by ${post.author.name}: ${role ? `marked as ${role === 'use' ? 'used in the strategy' : role}` : 'unmarked'}.`);
  };

  const card = (i: number) => {
    const p = thread.posts[i]!;
    return (
      <PostCard
        key={p.id}
        post={p}
        index={i}
        kind={state.kind}
        role={roleOf(state, p.id)}
        current={i === cursor}
        used={used.has(p.id)}
        suggested={suggested.has(p.id)}
        onFocus={() => live.current.focus(i)}
        collapsed={folded[p.id] ?? foldAll}
        onToggleCollapsed={() => live.current.fold(p.id)}
        onRole={(r) => live.current.role(p.id, r)}
      />
    );
  };

  const strippedFor = (ids: string[]) => {
    const posts = ids.map((id) => thread.posts.find((p) => p.id === id)).filter((p) => p && hasStripped(p));
    if (!posts.length) return null;
    const restored = posts.every((p) => state.restored.includes(p!.id));
    return {
      restored,
      onToggle: () => onChange(posts.reduce((s, p) => (s.restored.includes(p!.id) === restored ? toggleStripped(s, p!.id) : s), state)),
    };
  };

  return (
    <div class="curate">
      <header class="curate__head">
        <h1 data-testid="thread-title">{thread.title}</h1>
        <p class="muted">
          {thread.posts.length} posts · {thread.platform} ·{' '}
          <a href={thread.url} target="_blank" rel="noopener noreferrer">
            open source page
          </a>
          {tabUrl && (
            <>
              {' '}
              ·{' '}
              <a href={tabUrl} target="_blank" data-testid="open-in-tab">
                Open in a tab
              </a>
            </>
          )}
        </p>
        <ConfidenceNotice thread={thread} />
        {cutOffNotice(thread) && (
          <div class="notice" role="status" data-testid="cut-off">
            <p>{cutOffNotice(thread)}</p>
          </div>
        )}
        <KindTabs kind={state.kind} onKind={(kind) => set({ kind })} controls="entry-editor" />
        <p class="hint">
          {state.kind === 'qa' ? 'Mark the post that asks, then the posts that answer it.' : 'Mark the posts the strategy is written from.'}
        </p>
        <p class="hint keys" data-testid="key-help">
          {singleKeys ? 'Keys, with focus in the list of posts:' : 'Single-key shortcuts are off (options); Ctrl+Enter still submits.'}{' '}
          {KEY_HELP.filter(([k]) => singleKeys || k === 'Ctrl+Enter').map(([k, what], i) => (
            <span key={k}>
              {i > 0 && ' · '}
              <kbd>{k}</kbd> {what}
            </span>
          ))}
        </p>
      </header>
      <nav class="skip" aria-label="Skip links">
        <a href="#entry-editor" data-testid="skip-editor" onClick={skipTo('entry-editor')}>
          Skip to the entry
        </a>{' '}
        <a href="#entry-consent" data-testid="skip-consent" onClick={skipTo('entry-consent')}>
          Skip to consent
        </a>
      </nav>
      <SummaryBar
        kind={state.kind}
        hasQuestion={!!state.questionId}
        answers={state.answerIds.length}
        strategyPosts={state.strategyIds.length}
        licence={verdict ? (verdict.ok ? verdict.license : 'licence conflict') : null}
        missing={missing}
        onReview={goToSubmit}
        submitted={submitted}
        submittedHeld={!!state.hold}
        dashboardUrl={dashboardUrl}
        announce={announce}
      />
      {undo && (
        <p class="notice" data-testid="undo-next">
          A new entry was started.{' '}
          <button
            type="button"
            data-testid="undo"
            onClick={() => {
              props.onChange(undo);
              setUndo(null);
              setAnnounce('The previous entry is back.');
            }}
          >
            Undo
          </button>{' '}
          <button type="button" class="link" onClick={() => setUndo(null)}>
            Dismiss
          </button>
        </p>
      )}

      <section class="posts" aria-label="Posts" ref={postsRef} onKeyDown={onListKey}>
        <p class="posts__tools">
          <button
            type="button"
            class="link"
            data-testid="fold-all"
            onClick={() => {
              setFoldAll(!foldAll);
              setFolded({});
            }}
          >
            {foldAll ? 'Show every post in full' : 'Fold every post to one line'}
          </button>
        </p>
        <div class="posts__list" ref={listRef}>
          {slotsNow
            ? slotsNow.map((s) => (s.kind === 'gap' ? <div key={`gap${s.from}`} class="posts__gap" aria-hidden="true" style={{ height: `${s.height}px` }} /> : card(s.from)))
            : thread.posts.map((_p, i) => card(i))}
        </div>
      </section>

      <section class="editor" aria-label="Entry" id="entry-editor" tabIndex={-1} role="tabpanel" aria-labelledby={`tab-${state.kind}`}>
        <h2>Entry</h2>
        {review && (
          <div class="review" role="note" data-testid="review-comment">
            <h3>The reviewer asks for changes</h3>
            <p>{review.comment ?? 'No comment was given.'}</p>
            <p class="hint">Edit the entry below and send the revision; the hub keeps the earlier version and shows both in the history.</p>
          </div>
        )}
        <label>
          Title
          <input data-testid="entry-title" value={state.title} onInput={(e) => set({ title: e.currentTarget.value })} />
        </label>
        {!chosen && <p class="hint">Nothing chosen yet.</p>}
        {state.kind === 'qa' && state.questionId && (
          <EditorField
            label="Question (Markdown)"
            testId="question-text"
            rows={5}
            value={textFor(state, thread, state.questionId)}
            onInput={(t) => setText(state.questionId!, t)}
            keepHandles={keep}
            stripped={strippedFor([state.questionId])}
          />
        )}
        {state.kind === 'qa' &&
          state.answerIds.map((id, i) => (
            <EditorField
              key={id}
              label={`Answer ${i + 1} (Markdown)`}
              testId="answer-text"
              value={textFor(state, thread, id)}
              onInput={(t) => setText(id, t)}
              keepHandles={keep}
              stripped={strippedFor([id])}
            >
              <span class="rank">
                <button type="button" data-testid="answer-up" aria-label={`Move answer ${i + 1} up`} disabled={i === 0} onClick={() => onChange(moveAnswer(state, id, -1))}>
                  ↑
                </button>
                <button
                  type="button"
                  data-testid="answer-down"
                  aria-label={`Move answer ${i + 1} down`}
                  disabled={i === state.answerIds.length - 1}
                  onClick={() => onChange(moveAnswer(state, id, 1))}
                >
                  ↓
                </button>
              </span>
            </EditorField>
          ))}
        {state.kind === 'strategy' &&
          // One passage per post used: whatever the edits, each paragraph keeps the post it came from.
          state.strategyIds.map((id, i) => (
            <EditorField
              key={id}
              label={`Strategy, part ${i + 1} — from ${thread.posts.find((p) => p.id === id)?.author.name ?? id} (Markdown)`}
              testId="strategy-text"
              rows={5}
              value={textFor(state, thread, id)}
              onInput={(t) => setText(id, t)}
              keepHandles={keep}
              stripped={strippedFor([id])}
            />
          ))}

        <fieldset class="meta">
          <legend>About the entry</legend>
          {trail.length > 0 && (
            <p class="hint" data-testid="page-trail">
              Where the page sits: {trail.map((c) => c.name).join(' › ')}
            </p>
          )}
          {findSubjects ? (
            <SubjectPicker thread={thread} state={state} onChange={onChange} find={findSubjects} />
          ) : (
            <>
              <label>
                Game or subject{state.kind === 'strategy' ? '' : ' (optional)'}
                <input data-testid="strategy-topic" list="subject-suggestions" value={state.topic} onInput={(e) => set({ topic: e.currentTarget.value })} />
              </label>
              <datalist id="subject-suggestions" data-testid="subject-suggestions">
                {suggestions.subjects.map((n) => (
                  <option key={n} value={n} />
                ))}
              </datalist>
            </>
          )}
          <label>
            Hobby
            <input data-testid="hobby" list="hobby-suggestions" value={state.hobby} placeholder="e.g. board games" onInput={(e) => onChange(typeHobby(state, e.currentTarget.value))} />
          </label>
          <datalist id="hobby-suggestions">
            {suggestions.hobbies.map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <label>
            External ids
            <input data-testid="external-ids" value={state.externalIds} placeholder="bgg=342942" onInput={(e) => set({ externalIds: e.currentTarget.value })} />
          </label>
          {state.kind === 'strategy' && (
            <label>
              Tags (comma separated)
              <input value={state.tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
            </label>
          )}
          <label>
            Language
            <input
              data-testid="language"
              value={state.language}
              placeholder={lang?.ok ? `${lang.language} (${lang.source === 'page' ? 'from the page' : 'detected'})` : 'e.g. en'}
              onInput={(e) => set({ language: e.currentTarget.value })}
            />
          </label>
          {lang && (
            <p class={lang.ok ? 'hint' : 'warn'} data-testid="language-status">
              {lang.ok ? `Language: ${lang.language} (${lang.source === 'manual' ? 'set by you' : lang.source === 'page' ? "the page's declared language" : 'detected from the text'}).` : lang.reason}
            </p>
          )}
        </fieldset>

        {(pii.block.length > 0 || pii.warn.length > 0) && (
          <div class="pii-summary" data-testid="pii-summary">
            {pii.block.length > 0 && (
              <ul class="errors">
                {pii.block.map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            )}
            {pii.warn.length > 0 && (
              <>
                <ul class="warn">
                  {pii.warn.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
                <label class="consent__agree">
                  <input type="checkbox" data-testid="keep-pii" checked={state.keepPii} onChange={(e) => set({ keepPii: e.currentTarget.checked })} />
                  <span>Keep the remaining personal data: it is meant to be public. The entry records how many items stayed.</span>
                </label>
              </>
            )}
          </div>
        )}

        {sources.length > 0 && (
          <div class="attribution" data-testid="attribution">
            <h3>Attribution that travels with the entry</h3>
            <pre>{attributionText(sources, false)}</pre>
            <h3>Licence of each source</h3>
            <ul class="licences" data-testid="source-licences">
              {sources.map((s) => (
                <li key={s.postId}>
                  {s.author.name}: <strong>{s.license ?? 'no open licence'}</strong>
                  {s.licenseEvidence && <span class="muted"> — {s.licenseEvidence.how}</span>}
                </li>
              ))}
            </ul>
            {verdict && (
              <div class={verdict.ok ? 'licence-ok' : 'warn'} data-testid="effective-licence">
                {verdict.ok ? (
                  <>
                    <p>
                      The entry will be published under <strong>{verdict.license}</strong>.
                    </p>
                    <ul>
                      {verdict.notes.map((n) => (
                        <li key={n}>{n}</li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <p>
                    {verdict.reason} {verdict.fix}
                  </p>
                )}
              </div>
            )}
          </div>
        )}

        {props.findSimilar && (
          <SimilarNotice
            lookup={props.findSimilar}
            request={
              chosen
                ? similarRequest(sources, state.kind === 'qa' ? textFor(state, thread, state.questionId!) : `${state.topic}\n${textFor(state, thread, 'strategy').slice(0, 1000)}`, props.revisingId ?? null)
                : null
            }
          />
        )}
        <div ref={submitRef}>
        <fieldset class="consent" id="entry-consent" tabIndex={-1}>
          <legend>Licence and consent</legend>
          <label>
            Licence you grant
            <select data-testid="grant" value={state.grant} onChange={(e) => set({ grant: e.currentTarget.value })}>
              {GRANT_CHOICES.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
          <label>
            Basis
            <select data-testid="basis" value={state.basis ?? ''} onChange={(e) => set({ basis: (e.currentTarget.value || null) as ConsentBasisId | null })}>
              <option value="" disabled>
                Choose a basis…
              </option>
              {(Object.keys(BASIS_LABEL) as ConsentBasisId[]).map((b) => (
                <option key={b} value={b}>
                  {BASIS_LABEL[b]}
                </option>
              ))}
            </select>
          </label>
          {!state.basis && (
            <p class="warn" data-testid="basis-missing">
              {NO_BASIS_REASON}
            </p>
          )}
          {state.basis === 'moderator_attestation' && (
            <p class="muted" data-testid="attestation-note">
              {attestationVouchNote(thread, props.attestation)}
            </p>
          )}
          {state.basis === 'author_opt_in' && (
            <AuthorPermissions
              thread={thread}
              sources={sources}
              marked={state.permissionPostIds ?? []}
              onChange={(permissionPostIds) => set({ permissionPostIds })}
              license={state.grant}
              hubGrants={state.hubGrants ?? []}
              onHubGrants={(hubGrants) => set({ hubGrants })}
              lookup={props.findHubGrants}
            />
          )}
          {statement && (
            <label class="consent__agree">
              <input type="checkbox" data-testid="consent" checked={state.agreed} onChange={(e) => set({ agreed: e.currentTarget.checked })} />
              <span data-testid="consent-statement">{statement.text}</span>
            </label>
          )}
          {state.consentCleared && !state.agreed && (
            <p class="warn" role="alert" data-testid="consent-cleared">
              {state.consentCleared}
            </p>
          )}
        </fieldset>

        {errors.length > 0 && (
          <ul class="errors" role="alert" data-testid="errors">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        <label class="consent__agree">
          <input type="checkbox" data-testid="hold" checked={!!state.hold} onChange={(e) => onChange({ ...state, hold: e.currentTarget.checked })} />
          <span>Keep it for “submit all” on the dashboard (for reviewing many entries before sending them together)</span>
        </label>
        <div class="actions">
          <button type="button" class="primary" data-testid="submit" disabled={!allowed} aria-describedby={allowed ? undefined : 'submit-missing'} title="Ctrl+Enter" onClick={onSubmit}>
            {submitLabel ?? (state.hold ? 'Keep for submit all' : 'Submit')}
          </button>{' '}
          <button type="button" data-testid="next-entry" title="n" onClick={onNextEntry}>
            Start the next entry
          </button>
        </div>
        {!allowed && (
          <div id="submit-missing" class={blocked.length ? 'warn' : 'hint'} role={blocked.length ? 'alert' : undefined} data-testid="submit-missing">
            <p>{blocked.length ? 'Not submitted yet. Still to do:' : 'Before you can submit:'}</p>
            <ul>
              {missing.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
        </div>
        {footer}
      </section>
    </div>
  );
}

/**
 * What Gleaner doubts about this reading, in its own words, when the checks run on every capture
 * (lib/extract/checks.ts) put the score below the line: a doubtful reading is shown as doubtful.
 */
function ConfidenceNotice({ thread }: { thread: Thread }) {
  const c = thread.confidence;
  if (!c || c.score >= LOW_CONFIDENCE || !c.reasons.length) return null;
  return (
    <div class="notice" role="status" data-testid="low-confidence">
      {c.reasons.map((r) => (
        <p key={r.code}>{r.message}</p>
      ))}
      {thread.reader === 'generic' && <p class="hint">This page was read by Gleaner's general reader, not one made for its forum software.</p>}
    </div>
  );
}
