import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Thread } from '../lib/model/thread.ts';
import type { Subject } from '../lib/model/subject.ts';
import type { SubjectLookup } from '../lib/hub/subjects.ts';
import { chooseSubject, proposeSubject, typeSubject, type EditorState } from '../lib/curate/editor.ts';
import { proposalRef, rankSubjects, subjectOptions, subjectQueries, type MatchReason, type SubjectMatch, type SubjectOption } from '../lib/curate/subject-match.ts';

export type FindSubjects = (q: string, signal: AbortSignal) => Promise<SubjectLookup>;

interface Props {
  thread: Thread;
  state: EditorState;
  onChange: (s: EditorState) => void;
  /** The paired hub's subject autocomplete. */
  find: FindSubjects;
}

const REASON: Record<MatchReason, string> = {
  bgg: 'same BoardGameGeek id as the page',
  place: 'named in the forum trail',
  title: 'named in the title',
};

const optionLabel = (o: SubjectOption) => (o.kind === 'hub' ? `${o.subject.name} (${o.subject.hobby.replace(/-/g, ' ')})` : `Propose a new subject: “${o.name}”`);

/**
 * The subject field when a hub is paired: an ARIA 1.2 combobox (input + listbox). Focus stays in the
 * input, so the curate view's single-key shortcuts never fire while typing; the options are chosen with
 * the arrow keys and Enter, or the mouse. The list logic lives in lib/curate/subject-match.ts.
 */
export function SubjectPicker({ thread, state, onChange, find }: Props) {
  const [matched, setMatched] = useState<SubjectMatch[]>([]);
  const [found, setFound] = useState<Subject[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const typed = useRef(false);
  const lookup = useRef<AbortController | null>(null);

  // The page's candidates: asked once per thread, ranked by what the page says.
  useEffect(() => {
    const ctl = new AbortController();
    void Promise.all(subjectQueries(thread).map((q) => find(q, ctl.signal))).then((answers) => {
      if (ctl.signal.aborted) return;
      const failed = answers.find((a): a is { ok: false; reason: string } => !a.ok);
      if (failed && answers.every((a) => !a.ok)) setProblem(failed.reason);
      setMatched(rankSubjects(answers.flatMap((a) => (a.ok ? a.subjects : [])), thread));
    });
    return () => ctl.abort();
  }, [thread.url, thread.title]);

  // What is typed: looked up after a short pause, the previous lookup cancelled.
  useEffect(() => {
    if (!typed.current || !state.topic.trim()) return setFound([]);
    const t = setTimeout(() => {
      lookup.current?.abort();
      const ctl = new AbortController();
      lookup.current = ctl;
      void find(state.topic, ctl.signal).then((r) => {
        if (ctl.signal.aborted) return;
        setProblem(r.ok ? null : r.reason);
        setFound(r.ok ? r.subjects : []);
      });
    }, 200);
    return () => clearTimeout(t);
  }, [state.topic]);
  useEffect(() => () => lookup.current?.abort(), []);

  const chosenName = state.subject?.name ?? null;
  const query = state.subject && !typed.current ? '' : state.topic;
  const options = useMemo(() => subjectOptions(matched, found, chosenName && query === chosenName ? '' : query), [matched, found, query, chosenName]);
  const listId = 'subject-options';
  const optId = (i: number) => `subject-option-${i}`;

  const pick = (o: SubjectOption) => {
    typed.current = false;
    onChange(o.kind === 'hub' ? chooseSubject(state, o.subject) : proposeSubject(state, o.name));
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!options.length) return;
      if (!open) setOpen(true);
      const by = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a < 0 ? (by > 0 ? 0 : options.length - 1) : (a + by + options.length) % options.length));
    } else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.altKey && open && active >= 0 && options[active]) {
      e.preventDefault();
      e.stopPropagation();
      pick(options[active]!);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      setActive(-1);
    } else if (e.key === 'Tab') setOpen(false);
  };

  const expanded = open && options.length > 0;
  const proposal = state.subject?.proposed ? null : !state.subject && state.topic.trim() ? proposalRef(state.hobby, state.topic) : null;
  return (
    <div class="combo" data-testid="subject-picker">
      <label for="subject-input">Game or subject{state.kind === 'strategy' ? '' : ' (optional)'}</label>
      <input
        id="subject-input"
        data-testid="strategy-topic"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? optId(active) : undefined}
        aria-describedby="subject-status"
        autocomplete="off"
        value={state.topic}
        onInput={(e) => {
          typed.current = true;
          onChange(typeSubject(state, e.currentTarget.value));
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Subjects at the hub" class="combo__list" hidden={!expanded} data-testid="subject-options">
        {options.map((o, i) => (
          <li
            key={o.kind === 'hub' ? `${o.subject.hobby}/${o.subject.slug}` : 'propose'}
            id={optId(i)}
            role="option"
            aria-selected={i === active}
            class={i === active ? 'combo__option combo__option--active' : 'combo__option'}
            data-testid={o.kind === 'hub' ? 'subject-option' : 'subject-propose'}
            // The input keeps focus: the list is read through aria-activedescendant.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(o)}
          >
            {optionLabel(o)}
            {o.kind === 'hub' && o.reason && <span class="muted"> — {REASON[o.reason]}</span>}
          </li>
        ))}
      </ul>
      <p id="subject-status" class="hint" data-testid="subject-status" aria-live="polite">
        {state.subject && !state.subject.proposed && `Filed at the hub under ${state.subject.name} (${state.subject.hobby}/${state.subject.slug}).`}
        {state.subject?.proposed &&
          `Proposed as a new subject at ${state.subject.hobby}/${state.subject.slug}: the hub lists the entry under no subject until a moderator creates it, and searches find it meanwhile.`}
        {!state.subject && proposal && !proposal.ok && state.topic.trim() && proposal.reason}
        {!state.subject && (!proposal || proposal.ok) && (matched.length ? `${matched.length === 1 ? '1 subject at the hub fits' : `${matched.length} subjects at the hub fit`} this page: open the list with ↓.` : 'Type to look up the hub’s subjects, or propose a new one.')}
        {problem && ` ${problem}`}
      </p>
    </div>
  );
}
