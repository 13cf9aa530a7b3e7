export interface FieldProps {
  label: string;
  value: string;
  onInput: (text: string) => void;
  testId: string;
  rows?: number;
  /** Shown when the posts behind this passage had quotes or a signature. */
  stripped?: { restored: boolean; onToggle: () => void } | null;
  /** Up/down ranking controls for answers. */
  children?: preact.ComponentChildren;
}

/**
 * One passage's label, textarea and quote toggle: all a field needs before the personal-data checks
 * and the preview have loaded, and the frame the full field adds them to (`after`).
 */
export function FieldFrame({ label, value, onInput, testId, rows = 6, stripped, children, after }: FieldProps & { after?: preact.ComponentChildren }) {
  return (
    <div class="field" data-testid={`${testId}-field`}>
      <div class="field__head">
        <label for={testId}>{label}</label>
        {children}
      </div>
      <textarea id={testId} data-testid={testId} rows={rows} value={value} onInput={(e) => onInput(e.currentTarget.value)} />
      {stripped && (
        <p class="hint">
          {stripped.restored ? 'Quoted text and signature are included.' : 'Quoted text and signature were left out.'}{' '}
          <button type="button" class="link" data-testid="toggle-quotes" onClick={stripped.onToggle}>
            {stripped.restored ? 'Strip them again' : 'Restore them'}
          </button>
        </p>
      )}
      {after}
    </div>
  );
}
