/**
 * Q&A / Strategy as a real tab widget: arrow keys, Home and End move between the tabs (and select
 * them), only the selected tab is in the tab order, and both tabs control the entry editor.
 */
export function KindTabs({ kind, onKind, controls }: { kind: 'qa' | 'strategy'; onKind: (k: 'qa' | 'strategy') => void; controls: string }) {
  const tabs: { k: 'qa' | 'strategy'; label: string; testId: string }[] = [
    { k: 'qa', label: 'Q&A', testId: 'kind-qa' },
    { k: 'strategy', label: 'Strategy', testId: 'kind-strategy' },
  ];
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.k === kind);
    const to = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i + tabs.length - 1) % tabs.length : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    onKind(tabs[to]!.k);
    (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`[data-testid="${tabs[to]!.testId}"]`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label="Kind of entry" onKeyDown={onKey}>
      {tabs.map((t) => (
        <button
          key={t.k}
          type="button"
          role="tab"
          id={`tab-${t.k}`}
          data-testid={t.testId}
          aria-selected={kind === t.k}
          aria-controls={controls}
          tabIndex={kind === t.k ? 0 : -1}
          onClick={() => onKind(t.k)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
