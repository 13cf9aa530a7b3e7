import type { Thread } from '../lib/model/thread.ts';
import type { Entry } from '../lib/model/entry.ts';
import { GRANT_CHOICES, type ConsentBasisId } from '../lib/license/index.ts';
import { consentStatement } from '../lib/license/statements.ts';
import { attributionText } from '../lib/curate/attribution.ts';
import { previewSources, roleOf, textFor, toggleRole, type EditorState } from '../lib/curate/editor.ts';
import { PostCard } from './PostCard.tsx';

interface Props {
  thread: Thread;
  state: EditorState;
  onChange: (s: EditorState) => void;
  onSubmit: () => void;
  errors: string[];
  submitted: Entry | null;
  busy: boolean;
}

const BASIS_LABEL: Record<ConsentBasisId, string> = {
  self: 'I wrote every post used here',
  author_opt_in: 'Every author has agreed (opt-in recorded)',
  moderator_attestation: 'Moderator attestation for this community',
  open_license: 'The source is openly licensed',
};

export function CuratePanel({ thread, state, onChange, onSubmit, errors, submitted, busy }: Props) {
  const set = (patch: Partial<EditorState>) => onChange({ ...state, ...patch });
  const setText = (key: string, text: string) => onChange({ ...state, agreed: false, texts: { ...state.texts, [key]: text } });
  const sources = previewSources(state, thread);
  const statement = consentStatement(state.basis, state.grant);
  const chosen = state.kind === 'qa' ? !!state.questionId && state.answerIds.length > 0 : state.strategyIds.length > 0;

  return (
    <div class="curate">
      <header class="curate__head">
        <h1 data-testid="thread-title">{thread.title}</h1>
        <p class="muted">
          {thread.posts.length} posts · {thread.platform} ·{' '}
          <a href={thread.url} target="_blank" rel="noopener noreferrer">
            open source page
          </a>
        </p>
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
      </header>

      <section class="posts" aria-label="Posts">
        {thread.posts.map((p, i) => (
          <PostCard key={p.id} post={p} index={i} kind={state.kind} role={roleOf(state, p.id)} onRole={(r) => onChange(toggleRole(state, p.id, r))} />
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
          <label>
            Question (Markdown)
            <textarea data-testid="question-text" rows={5} value={textFor(state, thread, state.questionId)} onInput={(e) => setText(state.questionId!, e.currentTarget.value)} />
          </label>
        )}
        {state.kind === 'qa' &&
          state.answerIds.map((id, i) => (
            <label key={id}>
              Answer {i + 1} (Markdown)
              <textarea data-testid="answer-text" rows={6} value={textFor(state, thread, id)} onInput={(e) => setText(id, e.currentTarget.value)} />
            </label>
          ))}
        {state.kind === 'strategy' && (
          <>
            <label>
              Game or subject
              <input data-testid="strategy-topic" value={state.topic} onInput={(e) => set({ topic: e.currentTarget.value, agreed: false })} />
            </label>
            <label>
              Tags (comma separated)
              <input value={state.tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
            </label>
            {state.strategyIds.length > 0 && (
              <label>
                Strategy (Markdown)
                <textarea data-testid="strategy-text" rows={8} value={textFor(state, thread, 'strategy')} onInput={(e) => setText('strategy', e.currentTarget.value)} />
              </label>
            )}
          </>
        )}

        {sources.length > 0 && (
          <div class="attribution" data-testid="attribution">
            <h3>Attribution that travels with the entry</h3>
            <pre>{attributionText(sources, false)}</pre>
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
            “{submitted.title}” is in the outbox and will be sent to the hub. Follow it on the dashboard.
          </p>
        )}
        <button type="button" class="primary" data-testid="submit" disabled={!state.agreed || !chosen || busy} onClick={onSubmit}>
          Submit
        </button>
      </section>
    </div>
  );
}
