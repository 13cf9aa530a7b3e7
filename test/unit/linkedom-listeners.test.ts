import { afterEach, describe, expect, it, vi } from 'vitest';
import { DOMParser as MainParser } from 'linkedom';
import { DOMParser as WorkerParser } from 'linkedom/worker';

/**
 * patches/linkedom+0.18.15.patch (applied by `patch-package` on install): linkedom made a WeakMap entry
 * for every node it built, to hold its event listeners. Once a large document's entries had died, V8
 * grew that table so badly that the next, larger document took 10-25x longer to parse (the scaling bench:
 * XenForo 4,000 -> 8,000 posts went from x1.9 to x12.8-25 in one process). Listener maps are now made on
 * a node's first addEventListener. Both copies of linkedom the product loads are checked: the main one
 * (HTML everywhere) and the worker build (XML in the CLI, hub and tests).
 */
describe.each([
  ['linkedom', MainParser],
  ['linkedom/worker', WorkerParser],
] as const)('%s with the listener patch', (_name, Parser) => {
  afterEach(() => vi.restoreAllMocks());

  it('builds nodes without a WeakMap entry each', () => {
    const set = vi.spyOn(WeakMap.prototype, 'set');
    const doc = new Parser().parseFromString(`<html><body>${'<div><p>x</p><span>y</span></div>'.repeat(2000)}</body></html>`, 'text/html');
    expect(doc.querySelectorAll('p').length).toBe(2000);
    // 8,000+ nodes: unpatched, as many WeakMap entries; a handful is the parser's own bookkeeping.
    expect(set.mock.calls.length).toBeLessThan(100);
  });

  it('still delivers, bubbles and removes listeners', () => {
    const doc = new Parser().parseFromString('<html><body><div id="a"><p id="b">x</p></div></body></html>', 'text/html');
    const a = doc.getElementById('a')!;
    const b = doc.getElementById('b')!;
    const seen: string[] = [];
    const onA = (e: Event) => seen.push(`a:${(e.target as Element).id}`);
    a.addEventListener('ping', onA);
    b.addEventListener('ping', () => seen.push('b'), { once: true });
    b.dispatchEvent(new doc.defaultView.Event('ping', { bubbles: true }));
    b.dispatchEvent(new doc.defaultView.Event('ping', { bubbles: true }));
    a.removeEventListener('ping', onA);
    b.removeEventListener('ping', onA); // never added: nothing to remove, no error
    b.dispatchEvent(new doc.defaultView.Event('ping', { bubbles: true }));
    expect(seen).toEqual(['b', 'a:b', 'a:b']);
  });
});
