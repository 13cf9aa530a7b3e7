import { useLayoutEffect, useRef } from 'preact/hooks';
import { sanitizedFragment } from '../lib/ext/sanitize.ts';

/** Shows captured HTML after DOMPurify, as DOM nodes: never innerHTML. */
export function SafeHtml({ html, class: cls }: { html: string; class?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    ref.current?.replaceChildren(sanitizedFragment(html, ref.current.ownerDocument));
  }, [html]);
  return <div ref={ref} class={cls} />;
}
