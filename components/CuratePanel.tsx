import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Thread } from '../lib/model/thread.ts';
import { LOW_CONFIDENCE } from '../lib/extract/checks.ts';
import type { Entry } from '../lib/model/entry.ts';
import { GRANT_CHOICES, effectiveLicense, type ConsentBasisId } from '../lib/license/index.ts';
import { consentStatement } from '../lib/license/statements.ts';
import { attributionText } from '../lib/curate/attribution.ts';
import {
  moveAnswer,
  previewSources,
  roleOf,
  suggestedAnswerIds,
  textFor,
  toggleAnswerRanked,
  toggleRole,
  toggleStripped,
  type EditorState,
} from '../lib/curate/editor.ts';
import { entryLanguage } from '../lib/curate/language.ts';
import { keepHandlesFor, piiVerdict } from '../lib/curate/privacy.ts';
import { hasStripped } from '../lib/curate/quotes.ts';
import { KEY_HELP, keyAction } from '../lib/curate/keys.ts';
import { PostCard } from './PostCard.tsx';
import { EditorField } from './EditorField.tsx';

interface Props {
  thread: Thread;
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
}

const BASIS_LABEL: Record<ConsentBasisId, string> = {
  self: 'I wrote every post used here',
  author_opt_in: 'Every author has agreed (opt-in recorded)',
  moderator_attestation: 'Moderator attestation for this community',
  open_license: 'The source is openly licensed',
};

function inField(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable);
}

export function CuratePanel({ thread, state, onChange, onSubmit, onNextEntry, errors, submitted, busy, usedPostIds, tabUrl }: Props) {
  const [cursor, setCursor] = useState(0);
  // Keys read and move the cursor through a ref: presses faster than a render must each count once.
  const cursorRef = useRef(0);
  cursorRef.current = Math.min(cursorRef.current, Math.max(0, thread.posts.length - 1));
  const set = (patch: Partial<EditorState>) => onChange({ ...state, ...patch });
  const setText = (key: string, text: string) => onChange({ ...state, agreed: false, texts: { ...state.texts, [key]: text } });
  const sources = previewSources(state, thread);
  const statement = consentStatement(state.basis, state.grant);
  const chosen = state.kind === 'qa' ? !!state.questionId && state.answerIds.length > 0 : state.strategyIds.length > 0;
  const keep = useMemo(() => keepHandlesFor(sources), [sources.map((s) => s.postId).join(',')]);
  const suggested = useMemo(() => suggestedAnswerIds(thread, state.questionId), [thread, state.questionId]);
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
  const pii = piiVerdict(labelled, keep, false);
  const warnOpen = pii.warn.length > 0 && !state.keepPii;
  const verdict = sources.length
    ? effectiveLicense(
        sources.map((s) => ({ license: s.license, evidence: s.licenseEvidence, who: { postId: s.postId, author: s.author.name, url: s.url } })),
        state.grant,
        state.basis,
      )
    : null;
  const lang = labelled.length ? entryLanguage(labelled.map((l) => l.text).join('\n\n'), { manual: state.language, pageLang: thread.language }) : null;
  const allowed = state.agreed && chosen && !busy && pii.block.length === 0 && !warnOpen;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = keyAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inField: inField(e.target) });
      if (!action) return;
      e.preventDefault();
      const move = (delta: number) => {
        const i = Math.max(0, Math.min(thread.posts.length - 1, cursorRef.current + delta));
        cursorRef.current = i;
        setCursor(i);
        document.querySelectorAll('[data-testid="post"]')[i]?.scrollIntoView({ block: 'nearest' });
      };
      const post = thread.posts[cursorRef.current];
      if (action === 'next-post') move(1);
      else if (action === 'prev-post') move(-1);
      else if (action === 'submit') {
        if (allowed) onSubmit();
      } else if (action === 'next-entry') onNextEntry();
      else if (post) {
        if (action === 'question') onChange(toggleRole({ ...state, kind: 'qa' }, post.id, 'question'));
        else if (action === 'answer') onChange(toggleAnswerRanked({ ...state, kind: 'qa' }, thread, post.id));
        else if (action === 'use') onChange(toggleRole({ ...state, kind: 'strategy' }, post.id, 'use'));
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

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
        <div class="tabs" role="tablist">
          <button role="tab" aria-selected={state.kind === 'qa'} onClick={() => set({ kind: 'qa', agreed: false })}>
            Q&amp;A
          </button>
          <button role="tab" aria-selected={state.kind === 'strategy'} data-testid="kind-strategy" onClick={() => set({ kind: 'strategy', agreed: false })}>
            Strategy
          </button>
        </div>
        <p class="hint">
          {state.kind === 'qa' ? 'Mark the post that asks, then the posts that answer it.' : 'Mark the posts the strategy is written from.'}
        </p>
        <p class="hint keys" data-testid="key-help">
          Keys:{' '}
          {KEY_HELP.map(([k, what], i) => (
            <span key={k}>
              {i > 0 && ' · '}
              <kbd>{k}</kbd> {what}
            </span>
          ))}
        </p>
      </header>

      <section class="posts" aria-label="Posts">
        {thread.posts.map((p, i) => (
          <PostCard
            key={p.id}
            post={p}
            index={i}
            kind={state.kind}
            role={roleOf(state, p.id)}
            current={i === cursor}
            used={used.has(p.id)}
            suggested={suggested.has(p.id)}
            onFocus={() => ((cursorRef.current = i), setCursor(i))}
            onRole={(r) => onChange(r === 'answer' ? toggleAnswerRanked(state, thread, p.id) : toggleRole(state, p.id, r))}
          />
        ))}
      </section>

      <section class="editor" aria-label="Entry">
        <h2>Entry</h2>
        <label>
          Title
          <input data-testid="entry-title" value={state.title} onInput={(e) => set({ title: e.currentTarget.value, agreed: false })} />
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
          <label>
            Game or subject{state.kind === 'strategy' ? '' : ' (optional)'}
            <input data-testid="strategy-topic" value={state.topic} onInput={(e) => set({ topic: e.currentTarget.value, agreed: false })} />
          </label>
          <label>
            Hobby
            <input data-testid="hobby" value={state.hobby} placeholder="e.g. board games" onInput={(e) => set({ hobby: e.currentTarget.value })} />
          </label>
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
              onInput={(e) => set({ language: e.currentTarget.value, agreed: false })}
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
                  <input type="checkbox" data-testid="keep-pii" checked={state.keepPii} onChange={(e) => set({ keepPii: e.currentTarget.checked, agreed: false })} />
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

        <fieldset class="consent">
          <legend>Licence and consent</legend>
          <label>
            Licence you grant
            <select data-testid="grant" value={state.grant} onChange={(e) => set({ grant: e.currentTarget.value, agreed: false })}>
              {GRANT_CHOICES.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
          <label>
            Basis
            <select data-testid="basis" value={state.basis} onChange={(e) => set({ basis: e.currentTarget.value as ConsentBasisId, agreed: false })}>
              {(Object.keys(BASIS_LABEL) as ConsentBasisId[]).map((b) => (
                <option key={b} value={b}>
                  {BASIS_LABEL[b]}
                </option>
              ))}
            </select>
          </label>
          <label class="consent__agree">
            <input type="checkbox" data-testid="consent" checked={state.agreed} onChange={(e) => set({ agreed: e.currentTarget.checked })} />
            <span data-testid="consent-statement">{statement.text}</span>
          </label>
        </fieldset>

        {errors.length > 0 && (
          <ul class="errors" role="alert" data-testid="errors">
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
        {submitted && (
          <p class="ok" role="status" data-testid="submitted">
            “{submitted.title}” is in the outbox{state.hold ? ', kept for “submit all” on the dashboard' : ' and will be sent to the hub'}. Follow it on the dashboard. The posts it used are marked; pick others for the next entry.
          </p>
        )}
        <label class="consent__agree">
          <input type="checkbox" data-testid="hold" checked={!!state.hold} onChange={(e) => onChange({ ...state, hold: e.currentTarget.checked })} />
          <span>Keep it for “submit all” on the dashboard (for reviewing many entries before sending them together)</span>
        </label>
        <div class="actions">
          <button type="button" class="primary" data-testid="submit" disabled={!allowed} title="Ctrl+Enter" onClick={onSubmit}>
            {state.hold ? 'Keep for submit all' : 'Submit'}
          </button>{' '}
          <button type="button" data-testid="next-entry" title="n" onClick={onNextEntry}>
            Start the next entry
          </button>
        </div>
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
