import { useMemo } from 'preact/hooks';
import { BLOCKING, findingsIn, piiLabel, redactAll, redactFinding } from '../lib/curate/privacy.ts';
import { PreviewMarkdown } from './PreviewMarkdown.tsx';
import { FieldFrame, type FieldProps } from './FieldFrame.tsx';

interface Props extends FieldProps {
  keepHandles: string[];
}

const context = (text: string, start: number, end: number) => {
  const a = Math.max(0, start - 20);
  const b = Math.min(text.length, end + 20);
  return { before: `${a > 0 ? '…' : ''}${text.slice(a, start)}`, value: text.slice(start, end), after: `${text.slice(end, b)}${b < text.length ? '…' : ''}` };
};

/** One passage: Markdown textarea, its personal-data findings with redaction, and a sanitized live preview. */
export function EditorField({ keepHandles, children, ...field }: Props) {
  const { value, onInput, testId } = field;
  const findings = useMemo(() => findingsIn(value, keepHandles), [value, keepHandles.join('\n')]);
  const checks = (
    <>
      {findings.length > 0 && (
        <div class="pii" data-testid="pii-findings">
          <p>
            <strong>Personal data found: </strong>
            {findings.length} item{findings.length === 1 ? '' : 's'}.{' '}
            <button type="button" data-testid="redact-all" onClick={() => onInput(redactAll(value, keepHandles))}>
              Redact all
            </button>
          </p>
          <ul>
            {findings.map((f) => {
              const c = context(value, f.start, f.end);
              return (
                <li key={`${f.start}-${f.type}`} class={BLOCKING.includes(f.type) ? 'pii--block' : 'pii--warn'} data-testid="pii-finding" data-pii={f.type}>
                  {piiLabel(f.type)}: <span class="muted">{c.before}</span>
                  <mark class="pii">{c.value}</mark>
                  <span class="muted">{c.after}</span>{' '}
                  <button type="button" data-testid="redact-one" onClick={() => onInput(redactFinding(value, f))}>
                    Redact → &lt;{f.type}&gt;
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <PreviewMarkdown markdown={value} findings={findings} testId={`${testId}-preview`} />
    </>
  );
  return (
    <FieldFrame {...field} after={checks}>
      {children}
    </FieldFrame>
  );
}
