import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Threads this long are drawn as a virtual list; shorter ones are drawn whole (cheap, and every post stays findable with the browser's search). */
export const VIRTUAL_FROM = 200;
/** Pixels drawn beyond each edge of the view, so a flick of the wheel or a j press rarely meets a gap. */
const OVERSCAN_PX = 800;
/** Posts drawn before anything has been measured (the side panel's first paint). */
const FIRST_RANGE = 24;

export interface Slot {
  kind: 'post' | 'gap';
  /** First post index of a gap, or the post's index. */
  from: number;
  /** One past the last post of a gap. */
  to: number;
  /** A gap's height in pixels (measured posts at their height, the others at the measured mean). */
  height: number;
}

/**
 * What to draw: the posts in [start, end), the cursor's post wherever it is (roving focus must always find
 * its post, or focus would fall to the page when the person scrolls away from it), and a gap of the right
 * height for every run of posts in between, so the scroll bar and the scroll position stay true.
 */
export function slots(count: number, start: number, end: number, cursor: number, heights: ArrayLike<number>, mean: number): Slot[] {
  const shown = new Set<number>();
  for (let i = Math.max(0, start); i < Math.min(count, end); i++) shown.add(i);
  if (cursor >= 0 && cursor < count) shown.add(cursor);
  const order = [...shown].sort((a, b) => a - b);
  const out: Slot[] = [];
  const gap = (from: number, to: number) => {
    if (to <= from) return;
    let h = 0;
    for (let i = from; i < to; i++) h += heights[i] || mean;
    out.push({ kind: 'gap', from, to, height: h });
  };
  let at = 0;
  for (const i of order) {
    gap(at, i);
    out.push({ kind: 'post', from: i, to: i + 1, height: heights[i] || mean });
    at = i + 1;
  }
  gap(at, count);
  return out;
}

/** The posts whose boxes meet [top, bottom] (pixels from the top of the list), with their heights as known. */
export function rangeAt(count: number, top: number, bottom: number, heights: ArrayLike<number>, mean: number): [number, number] {
  let y = 0;
  let start = count;
  let i = 0;
  for (; i < count; i++) {
    const h = heights[i] || mean;
    if (y + h > top) {
      start = i;
      break;
    }
    y += h;
  }
  // Beyond the end (the list just shrank under a scrolled view): the last post, never nothing at all.
  if (start === count && count > 0) start = count - 1;
  let end = start;
  for (; end < count && y < bottom; end++) y += heights[end] || mean;
  return [start, Math.max(end, Math.min(count, start + 1))];
}

/**
 * A virtual list over the posts in `list`: posts are measured once drawn, the range follows scrolling of
 * the page or of the list's own scroll box (the wide layout), and `reset` forgets heights (fold all).
 */
export function useVirtualPosts(list: { current: HTMLElement | null }, count: number, cursor: number, reset: unknown) {
  const on = count >= VIRTUAL_FROM;
  const heights = useRef<Float64Array>(new Float64Array(count));
  const measured = useRef({ sum: 0, n: 0 });
  if (heights.current.length !== count) ((heights.current = new Float64Array(count)), (measured.current = { sum: 0, n: 0 }));
  const [range, setRange] = useState<[number, number]>([0, FIRST_RANGE]);
  const mean = () => (measured.current.n ? measured.current.sum / measured.current.n : 120);

  const lastReset = useRef(reset);
  if (lastReset.current !== reset) {
    lastReset.current = reset;
    heights.current.fill(0);
    measured.current = { sum: 0, n: 0 };
  }

  const recompute = () => {
    const el = list.current;
    if (!el || !on) return;
    const box = el.closest<HTMLElement>('.posts');
    const scrolls = !!box && /(auto|scroll)/.test(getComputedStyle(box).overflowY) && box.scrollHeight > box.clientHeight;
    const viewTop = scrolls ? box!.getBoundingClientRect().top : 0;
    const viewBottom = scrolls ? box!.getBoundingClientRect().bottom : window.innerHeight;
    const listTop = el.getBoundingClientRect().top;
    const next = rangeAt(count, viewTop - listTop - OVERSCAN_PX, viewBottom - listTop + OVERSCAN_PX, heights.current, mean());
    setRange((r) => (r[0] === next[0] && r[1] === next[1] ? r : next));
  };
  const recomputeRef = useRef(recompute);
  recomputeRef.current = recompute;

  // Measure what is drawn: gaps above and below are then exact for every post the person has passed.
  useLayoutEffect(() => {
    const el = list.current;
    if (!el || !on) return;
    let changed = false;
    const drawn = el.querySelectorAll<HTMLElement>(':scope > [data-index]');
    // Posts in the list keep only a bottom margin (style.css), so margins never collapse and add up exactly.
    const margin = drawn[0] ? parseFloat(getComputedStyle(drawn[0]).marginBottom) || 0 : 0;
    for (const a of drawn) {
      const i = Number(a.dataset.index);
      const h = a.offsetHeight + margin;
      const old = heights.current[i]!;
      if (h && h !== old) {
        measured.current = old ? { sum: measured.current.sum - old + h, n: measured.current.n } : { sum: measured.current.sum + h, n: measured.current.n + 1 };
        heights.current[i] = h;
        changed = true;
      }
    }
    // New heights move the edges of the view in post terms: draw what now falls inside it.
    if (changed) requestAnimationFrame(() => recomputeRef.current());
  });

  useEffect(() => {
    if (!on) return;
    let frame = 0;
    const onScroll = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => ((frame = 0), recomputeRef.current()));
    };
    // Capture: scroll events of the list's own box do not bubble to the document.
    document.addEventListener('scroll', onScroll, { capture: true, passive: true });
    window.addEventListener('resize', onScroll, { passive: true });
    onScroll();
    return () => {
      cancelAnimationFrame(frame);
      document.removeEventListener('scroll', onScroll, { capture: true });
      window.removeEventListener('resize', onScroll);
    };
  }, [on, count]);

  if (!on) return null;
  return slots(count, range[0], range[1], cursor, heights.current, mean());
}
