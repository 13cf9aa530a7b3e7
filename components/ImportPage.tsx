import { useState } from 'preact/hooks';
import type { FileImportProgress } from '../lib/import/file-import.ts';
import type { ConversationSummary } from '../lib/import/summary.ts';
import { cutOffMessage } from '../lib/extract/truncation.ts';

export type ImportPhase = 'idle' | 'reading' | 'done' | 'error' | 'cancelled';

export interface ImportPageProps {
  phase: ImportPhase;
  fileName: string | null;
  progress: FileImportProgress | null;
  /** Conversations matching the search, in import order. */
  rows: ConversationSummary[];
  /** All conversations found so far. */
  found: number;
  /** Conversations the file ended inside (whatever the search shows). */
  cutOff: ConversationSummary[];
  query: string;
  error: string | null;
  warnings: string[];
  status: string;
  onFile: (file: File) => void;
  onCancel: () => void;
  onQuery: (q: string) => void;
  onOpen: (index: number) => void;
}

/** Rows drawn at once: a big archive has tens of thousands of conversations; search narrows them. */
const SHOWN = 200;

const mb = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;
const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

function Progress({ p }: { p: FileImportProgress }) {
  return (
    <p data-testid="import-progress">
      <progress max={p.total || 1} value={p.bytes} /> Read {mb(p.bytes)} of {mb(p.total)} · {p.messages.toLocaleString('en')} messages ·{' '}
      {p.threads.toLocaleString('en')} conversations
    </p>
  );
}

export function ImportPage(props: ImportPageProps) {
  const { phase, progress, found } = props;
  const [over, setOver] = useState(false);
  // One-message conversations (a lone question, a join notice) are rarely worth curating in a big archive.
  const [hideSingles, setHideSingles] = useState(false);
  const rows = hideSingles ? props.rows.filter((r) => r.messages > 1) : props.rows;
  const singles = props.rows.length - props.rows.filter((r) => r.messages > 1).length;
  const pick = (files: FileList | null | undefined) => {
    const f = files?.[0];
    if (f) props.onFile(f);
  };
  return (
    <section>
      <h1>Import an archive</h1>
      <p class="hint">
        A Slack export ZIP, a DiscordChatExporter, Telegram, Matrix or Mattermost JSON file, a DiscordChatExporter or Telegram HTML export (a
        ZIP of all its parts when it was split), an IRC log, a WhatsApp .txt export or an mbox mail archive. It is read on this computer; nothing is sent anywhere until you submit an entry.
      </p>
      <div
        style={{ border: `2px dashed ${over ? '#2357a8' : '#b9bec6'}`, borderRadius: '8px', padding: '0.8rem', background: over ? '#eef3fb' : '#fff' }}
        data-testid="import-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          pick(e.dataTransfer?.files);
        }}
      >
        <label>
          Drop the file here, or choose it:{' '}
          <input type="file" data-testid="import-file" disabled={phase === 'reading'} onChange={(e) => pick(e.currentTarget.files)} />
        </label>
      </div>
      {phase === 'reading' && (
        <div>
          <p>Reading {props.fileName}…</p>
          {progress && <Progress p={progress} />}
          <button type="button" data-testid="import-cancel" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      )}
      {phase === 'cancelled' && (
        <p class="notice" data-testid="import-cancelled">
          Cancelled: nothing from {props.fileName} was imported.
        </p>
      )}
      {props.error && (
        <div class="errors" role="alert" data-testid="import-error">
          <p>{props.error}</p>
          {found > 0 && (
            <p data-testid="import-incomplete">
              The import is incomplete: the {found.toLocaleString('en')} conversation{found === 1 ? '' : 's'} below were read before this point;
              nothing after it was imported.
            </p>
          )}
        </div>
      )}
      {props.warnings.length > 0 && (
        <details class="notice" data-testid="import-warnings" open={props.warnings.length <= 5}>
          <summary>
            {props.warnings.length} warning{props.warnings.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {props.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      {props.cutOff.length > 0 && (
        <div class="notice" role="status" data-testid="import-cut-off">
          {props.cutOff.slice(0, 5).map((r) => (
            <p key={r.index}>
              <strong>{r.channel}</strong>: {cutOffMessage(r.messages)}
            </p>
          ))}
          {props.cutOff.length > 5 && <p>{(props.cutOff.length - 5).toLocaleString('en')} more conversations end where the file was cut.</p>}
        </div>
      )}
      {phase === 'done' && (
        <p class="ok" data-testid="import-done">
          {found.toLocaleString('en')} conversation{found === 1 ? '' : 's'} found in {props.fileName}
          {progress ? ` (${progress.messages.toLocaleString('en')} messages)` : ''}.
        </p>
      )}
      {found > 0 && (
        <div>
          <label>
            Search conversations (channel, people, words)
            <input type="search" data-testid="import-search" value={props.query} onInput={(e) => props.onQuery(e.currentTarget.value)} />
          </label>
          <label>
            <input type="checkbox" data-testid="hide-singles" checked={hideSingles} onChange={(e) => setHideSingles(e.currentTarget.checked)} /> Hide one-message
            conversations{singles ? ` (${singles.toLocaleString('en')})` : ''}
          </label>
          <p class="muted" role="status" data-testid="import-status">
            {props.status}
          </p>
          <table class="subs" data-testid="conversations">
            <thead>
              <tr>
                <th>Conversation</th>
                <th>From – to</th>
                <th>Participants</th>
                <th>Messages</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, SHOWN).map((r) => (
                <tr key={r.index} data-testid="conversation">
                  <td>
                    <span data-testid="conversation-channel">{r.channel}</span>
                    {r.truncated && (
                      <span class="muted" data-testid="conversation-cut-off" title={cutOffMessage(r.messages)}>
                        {' '}
                        (the file ends inside this conversation)
                      </span>
                    )}
                    {r.firstWords && (
                      <span class="conversation__first muted" data-testid="conversation-first">
                        {r.firstWords}
                      </span>
                    )}
                  </td>
                  <td class="muted">
                    {day(r.from)} – {day(r.to)}
                  </td>
                  <td data-testid="conversation-participants">
                    {r.participants.slice(0, 5).join(', ')}
                    {r.participants.length > 5 ? ` and ${r.participants.length - 5} more` : ''}
                  </td>
                  <td data-testid="conversation-messages">{r.messages}</td>
                  <td>
                    <button type="button" data-testid="open-conversation" onClick={() => props.onOpen(r.index)}>
                      Open in curate view
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > SHOWN && (
            <p class="hint">
              {(rows.length - SHOWN).toLocaleString('en')} more match; narrow the search to see them.
            </p>
          )}
          {rows.length === 0 && <p class="hint">{hideSingles && props.rows.length ? 'Only one-message conversations match; untick “Hide one-message conversations” to see them.' : 'No conversation matches this search.'}</p>}
        </div>
      )}
    </section>
  );
}
