import { useLayoutEffect, useRef } from 'preact/hooks';
import { sanitizedFragment } from '../lib/ext/sanitize.ts';
import { markdownToHtml, markFindings } from '../lib/curate/markdown.ts';
import type { Finding } from '../lib/privacy/index.ts';

/**
 * The live preview of a passage: Markdown rendered by marked, then sanitized exactly as captured HTML is
 * (DOMPurify into a fragment, appended as nodes, never innerHTML), with personal data highlighted.
 */
export function PreviewMarkdown({ markdown, findings, testId }: { markdown: string; findings: Finding[]; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const frag = sanitizedFragment(markdownToHtml(markdown, findings), el.ownerDocument);
    markFindings(frag, el.ownerDocument);
    el.replaceChildren(frag);
  }, [markdown, findings]);
  return <div ref={ref} class="preview" data-testid={testId} aria-label="Preview" />;
}
