/**
 * One walk over a page that records which classes, ids and tags it holds, and where.
 *
 * Why: every detector must prove a page is NOT its engine before the next one runs, and under linkedom
 * (CLI, bulk import, tests) each `querySelector` that finds nothing walks the whole document, 10–20 ms
 * on a 200-post page. linkedom also compiles the selector anew on every call and every `matches`, up to
 * half a millisecond for a selector list, which per post dominated long threads. With the index, a
 * detector or adapter looks up the few elements that carry the class, id, tag or attribute its selector
 * needs (`inside` finds them within one post by document position) and tests only those, where it
 * matters with the selector written as code next to the selector it stands for. Same answers: the
 * fidelity suite and a comparison of every corpus page's full output before and after showed no change.
 *
 * The index is only trusted while `extractThread` runs (`withPageSignals`): a live page changes between
 * captures (Discourse loads more posts as the reader scrolls), so nothing is cached across calls.
 * Outside that window every helper here falls back to plain `querySelector`.
 *
 * The walk uses the standard DOM; a DOM may offer a faster scan of its own (`useElementScan`), as
 * linkedom.ts does for linkedom's node list.
 */

export interface PageSignals {
  byClass: Map<string, Element[]>;
  byId: Map<string, Element[]>;
  byTag: Map<string, Element[]>;
  /**
   * Attribute names' elements, each name's list made at its first lookup: from the names the DOM's own
   * scan noted (`attributes`), else by reading every element's attributes once (`indexAttributes`).
   * `role` is filled by the walk itself: every page's licence check asks for it (footers). So is `rel`,
   * which holds only the elements HTML gives it a meaning on (a, area, link, form): the licence check and
   * the next-page links both ask, and each scanned every link of the page.
   */
  byAttr: Map<string, Element[]>;
  /** The first position this index gave; positions below it were given by older indexes. */
  start: number;
  /** The next position to give: every element numbered by this index is in [start, next). */
  next: number;
  /** Whether `byAttr` holds every attribute name of the page (see `candidates`). */
  allAttributes: boolean;
  /**
   * Every attribute of the page as the DOM's own scan read it, in document order: its name and value, in
   * two lists of one entry per attribute (each element's are up to its `tape.attributesEnd`). An attribute name's elements are found here at its
   * first lookup (a page asks for about ten names, of the thousands of attributes the scan reads), and the
   * generic reader reads each element's attributes from here rather than from the DOM again. Null when
   * the standard walk built the index.
   */
  attributes: { names: string[]; values: string[] } | null;
  /**
   * The page as the DOM's own scan met it, for the generic reader's walk (generic/walk.ts), which would
   * otherwise walk the DOM a second time: `items` holds, in document order, each element as it opens,
   * each text node, and null where an element ends (template contents left out); `texts` holds the text
   * nodes' values, one for each in `items`, in the same order (read as the scan met each node). Per element, by
   * position from `start`: where it opens in `items` (`at`), where it ends (`end`), the end of its
   * attributes in `attributes` (`attributesEnd`), and its local name (`tags`). Null when the standard walk built the index.
   */
  tape: { items: (Element | Text | null)[]; texts: string[]; at: number[]; end: number[]; attributesEnd: number[]; tags: string[] } | null;
  /** Positions kept aside, where the DOM would not hold a property written on its nodes. */
  aside: Map<Element, number> | null;
  /**
   * The elements that have any attribute, in document order: what an attribute lookup scans when the
   * standard walk built the index (a DOM's own scan notes every attribute on the tape instead, and leaves
   * this empty).
   */
  withAttributes: Element[];
  /** Each distinct class attribute value's number, in the order the walk met them. */
  classIds: Map<string, number>;
  /** By a class value's number, the byClass lists its elements belong to. */
  classLists: Element[][][];
  /**
   * Each element's class value's number (`classIds`), by the element's position from `start`; -1 for an
   * element without a class. The generic reader judges each distinct value once by it, not by its string.
   */
  classOf: number[];
  /** Elements whose HTML an adapter stored as a post's body (`cleanHtml`), for reading the page around the posts. */
  postBodies: Set<Element>;
  /**
   * Each element's last descendant's position, by the element's position from `start`: a list, where a
   * property written on each element cost a store the DOM's many node shapes make slow.
   */
  last: number[];
  /** The texts of the inline scripts, once a detector asked (`inlineScriptTexts`). */
  scriptTexts?: string[];
  /**
   * The last answer of `textAroundPosts`, for the root and the number of post bodies it was read with:
   * the checks and the time zone both ask for the same text once the posts are read.
   */
  around?: { root: Element; bodies: number; text: string };
}

import { sel } from './select.ts';
import { readAttributes } from './dom.ts';

const activeIndexes = new WeakMap<Document, PageSignals>();

const matchers = new Map<string, (el: Element) => boolean>();

/**
 * `selector` as code (select.ts, compiled once per process), for the candidates a lookup without a
 * test of its own checks: linkedom's `matches` compiles the selector anew for every candidate, which on
 * a page of 80 comments made one detector cost more than reading the thread's texts. A selector
 * beyond select.ts's grammar is matched by the DOM.
 */
function matcherOf(selector: string): (el: Element) => boolean {
  let m = matchers.get(selector);
  if (!m) {
    try {
      m = sel(selector).test;
    } catch {
      m = (el: Element) => el.matches(selector);
    }
    matchers.set(selector, m);
  }
  return m;
}

/*
 * Each element's position in document order is written on the element itself, under a symbol no page
 * script can see (an injected script runs in its own world): a Map keyed by 20,000 elements cost as
 * much as the walk that fills it. Positions keep counting up across indexes, so one given by an older
 * index (a node the page gained since, a page read twice) falls below the current index's range and
 * counts as unknown.
 */
const ORDER = Symbol('gleaner.order');
let positions = 0;
type Numbered = Element & { [ORDER]?: number };

/** Position of `el` in the index's document order, or undefined when the index does not hold it. */
export function orderOf(s: PageSignals, el: Element): number | undefined {
  const at = s.aside ? s.aside.get(el) : (el as Numbered)[ORDER];
  return at !== undefined && at >= s.start && at < s.next ? at : undefined;
}

function push(map: Map<string, Element[]>, key: string, el: Element): void {
  const list = map.get(key);
  if (list) list.push(el);
  else map.set(key, [el]);
}

const SPACE = /[ \t\n\f\r]+/;

/**
 * A faster visit of every element than the standard walk, offered by the DOM in use (linkedom.ts offers
 * one). It calls `visit` for `root` and each element below it in document order, template contents
 * skipped (and `text` for each text node between), with the element's local name, its id, whether it has role and rel attributes and its class (as
 * `getAttributeNode` would read them; `attributes` false when it has none), and `leave` for each after
 * the last element of its subtree was visited, and returns true. When it cannot serve this document it
 * returns false before visiting anything, and the standard walk runs.
 */
export type ElementScan = (
  root: Element,
  visit: (el: Element, tag: string, attributes: boolean, id: string | undefined, role: boolean, rel: boolean, cls: string | undefined) => void,
  leave: (el: Element) => void,
  /**
   * When given, lists the scan writes to: `names` and `values` get each attribute of each element
   * (before `visit` of that element), in the element's order, as its attribute nodes hold them (a
   * repeated name included); `items` gets each text node in document order (outside template contents),
   * and `texts` the node's value.
   */
  tape?: { names: string[]; values: string[]; items: (Element | Text | null)[]; texts: string[] },
) => boolean;

let elementScan: ElementScan | null = null;

/** Offers (or, with null, withdraws) a DOM's own element scan for building page indexes. */
export function useElementScan(scan: ElementScan | null): void {
  elementScan = scan;
}

/** Document order, skipping <template> contents as `querySelector` does. */
export function buildPageSignals(doc: Document): PageSignals {
  const s: PageSignals = {
    byClass: new Map(), byId: new Map(), byTag: new Map(), byAttr: new Map([['role', []], ['rel', []]]), allAttributes: false, start: positions, next: positions, aside: null,
    withAttributes: [], classIds: new Map(), classLists: [], classOf: [], postBodies: new Set(), last: [], attributes: null, tape: null,
  };
  const root = doc.documentElement;
  if (root) {
    if (!holdsPosition(root, s.start)) s.aside = new Map();
    const attributes = { names: [] as string[], values: [] as string[] };
    const tape = { items: [] as (Element | Text | null)[], texts: [] as string[], at: [] as number[], end: [] as number[], attributesEnd: [] as number[], tags: [] as string[] };
    const { names, values } = attributes;
    const { items, texts } = tape;
    // The elements open, by position: the scan leaves each in turn, the last opened first.
    const open: number[] = [];
    const scanned = elementScan?.(
      root,
      (el, tag, any, id, role, rel, cls) => {
        tape.at.push(items.length);
        tape.end.push(-1);
        tape.attributesEnd.push(names.length);
        tape.tags.push(tag);
        items.push(el);
        open.push(note(s, el, tag, any, id, role, rel, cls));
      },
      () => {
        const at = open.pop()!;
        close(s, at);
        tape.end[at - s.start] = items.length;
        items.push(null);
      },
      { names, values, items, texts },
    );
    if (scanned) {
      // Every page asks for some attribute (each engine's detector, the trail's microdata): the names were
      // noted as the scan read them, where `indexAttributes` would read every element's attributes again.
      s.allAttributes = true;
      s.attributes = attributes;
      s.tape = tape;
    } else {
      // The scan declined before visiting anything (its contract), so it noted nothing either.
      const at = record(s, root);
      walk(s, root);
      close(s, at);
    }
  }
  positions = s.next;
  return s;
}

/**
 * The standard DOM's walk below `root`, noting each element (see `record`). Iterative: a page nested
 * thousands of elements deep must not cost call depth. (A function of its own, not a closure made for
 * every index: most indexes are built by the DOM's own scan.)
 */
function walk(s: PageSignals, root: Element): void {
  const up: Element[] = [];
  const upAt: number[] = [];
  let el = root.firstElementChild;
  for (;;) {
    if (!el) {
      const done = up.pop();
      if (!done) return;
      close(s, upAt.pop()!);
      el = done.nextElementSibling;
      continue;
    }
    const at = record(s, el);
    const first = el.localName !== 'template' ? el.firstElementChild : null;
    if (first) {
      up.push(el);
      upAt.push(at);
      el = first;
      continue;
    }
    close(s, at);
    el = el.nextElementSibling;
  }
}

/** Whether a position written on the node reads back (a DOM wrapper in some sandbox might refuse it). */
function holdsPosition(el: Element, at: number): boolean {
  try {
    (el as Numbered)[ORDER] = at;
    return (el as Numbered)[ORDER] === at;
  } catch {
    return false;
  }
}

/** Notes `el` (see `note`) as the standard DOM reads it, and returns its position. */
function record(s: PageSignals, el: Element): number {
  const tag = el.localName;
  if (!el.hasAttributes()) return note(s, el, tag, false, undefined, false, false, undefined);
  s.withAttributes.push(el);
  const rel = RELATED.has(tag) && !!el.getAttributeNode('rel');
  return note(s, el, tag, true, el.getAttributeNode('id')?.value, !!el.getAttributeNode('role'), rel, el.getAttributeNode('class')?.value);
}

/** The elements `rel` means something on. */
const RELATED = new Set(['a', 'area', 'link', 'form']);

/** Adds an element, next in document order, with what it carries; returns its position. */
function note(s: PageSignals, el: Element, tag: string, attributes: boolean, id: string | undefined, role: boolean, rel: boolean, cls: string | undefined): number {
  const at = s.next++;
  if (s.aside) s.aside.set(el, at);
  else (el as Numbered)[ORDER] = at;
  s.last.push(at);
  s.classOf.push(-1);
  push(s.byTag, tag, el);
  if (!attributes) return at;
  if (id) push(s.byId, id, el);
  if (role) push(s.byAttr, 'role', el);
  if (rel && RELATED.has(tag)) push(s.byAttr, 'rel', el);
  if (!cls) return at;
  // A page repeats a few hundred class lists over thousands of elements: each distinct list is split
  // once, into the byClass lists its elements join (5 ms of splitting and hashing down to 1 on a long thread).
  const known = s.classIds.get(cls);
  if (known !== undefined) {
    s.classOf[at - s.start] = known;
    for (const list of s.classLists[known]!) list.push(el);
    return at;
  }
  // The value's first element: a list made for a new class word starts with it, one entry long (a page's
  // class words mostly name one element or a few), and the value keeps its lists in an array of their
  // number (what this index allocated, a quarter of it on a comment page, went mostly to arrays grown
  // for entries they never held).
  const words = classWords(cls);
  const lists = new Array<Element[]>(words);
  let n = 0;
  for (let w = 0; w < words; w++) {
    const c = WORDS[w]!;
    WORDS[w] = ''; // kept no longer than this: a word may hold on to the whole page's source
    const list = s.byClass.get(c);
    if (!list) s.byClass.set(c, (lists[n++] = [el]));
    // class="a a" names the element once: its list ends with it already.
    else if (list[list.length - 1] !== el) {
      list.push(el);
      lists[n++] = list;
    }
  }
  lists.length = n;
  s.classOf[at - s.start] = s.classLists.length;
  s.classIds.set(cls, s.classLists.length);
  s.classLists.push(lists);
  return at;
}

/** Scratch for `note`: the words of the class value being split (`classWords`). */
const WORDS: string[] = [];

/**
 * Puts the words of a class attribute value in `WORDS` (what `value.split(/[ \t\n\f\r]+/)` gives, less
 * the empty ends), read by character, and returns how many there are.
 */
function classWords(value: string): number {
  let n = 0;
  let from = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Space, tab, line feed, form feed, carriage return: HTML's ASCII whitespace.
    if (c === 32 || c === 9 || c === 10 || c === 12 || c === 13) {
      if (from >= 0) WORDS[n++] = value.slice(from, i);
      from = -1;
    } else if (from < 0) from = i;
  }
  if (from >= 0) WORDS[n++] = value.slice(from);
  return n;
}

/** Notes where the subtree of the element at position `at` ends: at the element numbered last, once its whole subtree is numbered. */
function close(s: PageSignals, at: number): void {
  s.last[at - s.start] = s.next - 1;
}

/** Runs `fn` (one extraction) with the page's index available to every detector and adapter. */
export function withPageSignals<T>(doc: Document, fn: () => T): T {
  if (activeIndexes.has(doc)) return fn();
  activeIndexes.set(doc, buildPageSignals(doc));
  try {
    return fn();
  } finally {
    activeIndexes.delete(doc);
  }
}

/** Notes that `el` is a post's body, while an extraction runs (see `textAroundPosts`). */
export function markPostBody(el: Element): void {
  const doc = el.ownerDocument;
  if (doc) activeIndexes.get(doc)?.postBodies.add(el);
}

/**
 * The page's own words around the posts, such as a footer's "All times are UTC+1": the text (joined as
 * `textContent` joins it) before the first post body and after the last one. What lies between is the
 * posts and their bylines; on a long thread nearly all of the text, which cost more to read again than
 * to extract, and a post quoting some board's footer is no statement about this page. Without an
 * active index, or before any post body was read, the whole text.
 */
export function textAroundPosts(doc: Document, root: Element): string {
  const s = activeIndexes.get(doc);
  if (s?.around && s.around.root === root && s.around.bodies === s.postBodies.size) return s.around.text;
  const text = textAroundPostsOnce(s, root);
  if (s) s.around = { root, bodies: s.postBodies.size, text };
  return text;
}

function textAroundPostsOnce(s: PageSignals | undefined, root: Element): string {
  const range = s && postsRange(s);
  if (!s || !range) return root.textContent ?? '';
  const { first, last, lastAt } = range;
  const taped = tapeAround(s, root, first, last);
  if (taped !== null) return taped;
  let out = '';
  let between = false; // from the first post body to the end of the last one
  // Iterative (an explicit stack of siblings to resume at): deep nesting must not cost call depth.
  const resume: (Node | null)[] = [];
  let c: Node | null = root.firstChild;
  for (;;) {
    if (!c) {
      if (!resume.length) break;
      c = resume.pop()!;
      continue;
    }
    const node: Node = c;
    c = node.nextSibling;
    if (node.nodeType === 3) {
      if (!between) out += node.nodeValue ?? '';
      continue;
    }
    if (node.nodeType !== 1) continue;
    const el = node as Element;
    if (el === first) between = true;
    let descend = false;
    if (!between) descend = true;
    else if (el === last) {
      between = false;
      continue;
    } else {
      // Between the posts only the way down to the last body is walked; any other subtree is skipped whole.
      const at = orderOf(s, el);
      descend = el !== first && at !== undefined && at < lastAt && (lastInside(s, el) ?? at) >= lastAt;
    }
    if (descend) {
      resume.push(c);
      c = el.firstChild;
    }
  }
  return out;
}

/**
 * `textAroundPosts` read off the tape (see `tape`): the text nodes of `root` before `first` and after
 * the end of `last`, as the walk joins them. Null where the walk must answer: no tape, `last` within
 * `first` (the walk then reads nothing after `first`), or a template outside the posts (the walk reads
 * its contents, which the tape leaves out).
 */
function tapeAround(s: PageSignals, root: Element, first: Element, last: Element): string | null {
  if (!s.tape) return null;
  const { items, at, end } = s.tape;
  const rootAt = orderOf(s, root);
  const firstAt = orderOf(s, first);
  const lastAt = orderOf(s, last);
  const lastEnd = lastInside(s, last);
  const firstEnd = lastInside(s, first);
  const rootEnd = lastInside(s, root);
  if (rootAt === undefined || firstAt === undefined || lastAt === undefined || lastEnd === undefined || firstEnd === undefined || rootEnd === undefined) return null;
  // `first` outside the root's content, or `last` inside `first`'s subtree: the walk's own answer.
  if (firstAt <= rootAt || firstAt > rootEnd || (last !== first && lastAt <= firstEnd)) return null;
  if ((s.byTag.get('template') ?? []).some((t) => { const p = orderOf(s, t)!; return p < firstAt || p > lastEnd; })) return null;
  const r = rootAt - s.start;
  return tapeTexts(items, at, at[r]! + 1, at[firstAt - s.start]!, r + 1) + tapeTexts(items, at, end[lastAt - s.start]! + 1, end[r]!, lastEnd - s.start + 1);
}

/**
 * The text nodes' values on the tape from `from` up to `to`, joined; `next` is the position of the first
 * element opening at or after `from` (element entries are skipped by their `at`).
 */
function tapeTexts(items: (Element | Text | null)[], at: number[], from: number, to: number, next: number): string {
  let out = '';
  for (let k = from; k < to; k++) {
    const item = items[k];
    if (item === null) continue;
    if (k === at[next]) next++;
    else out += (item as Text).nodeValue ?? '';
  }
  return out;
}

/** The first and the last post body in document order, with their positions; null before any body was read. */
function postsRange(s: PageSignals): { first: Element; last: Element; firstAt: number; lastAt: number } | null {
  let first: Element | null = null;
  let last: Element | null = null;
  let firstAt = Infinity;
  let lastAt = -1;
  for (const body of s.postBodies) {
    const at = orderOf(s, body);
    if (at === undefined) continue;
    if (at < firstAt) [first, firstAt] = [body, at];
    if (at > lastAt) [last, lastAt] = [body, at];
  }
  return first && last ? { first, last, firstAt, lastAt } : null;
}

/**
 * `queryAllWhere` for the page around the posts, as `textAroundPosts` reads it: elements from the first
 * post body to the end of the last one are not tested. For the footer's zone, where each of a long
 * thread's titled spans would otherwise have its attributes read. Without an active index, or before
 * any post body was read, the whole page.
 */
export function queryAroundPosts(doc: Document, selector: string, keys: string[], test: (el: Element) => boolean): Element[] {
  const s = activeIndexes.get(doc);
  const range = s && postsRange(s);
  if (!s || !range) return queryAllWhere(doc, selector, keys, test);
  return collect(s, keys, test, { from: range.firstAt, to: lastInside(s, range.last) ?? range.lastAt });
}

/**
 * The candidates under `keys` that pass `test`, each once, in document order; with `outside`, those
 * positioned in [from, to] are left untested: each list is in document order, so two searches skip them.
 */
function collect(s: PageSignals, keys: string[], test: (el: Element) => boolean, outside?: { from: number; to: number }): Element[] {
  const seen = new Set<Element>();
  for (const k of keys) {
    const list = candidates(s, k);
    if (!outside) {
      for (const el of list) consider(seen, test, el);
      continue;
    }
    const from = firstAfter(s, list, outside.from - 1);
    for (let i = 0; i < from; i++) consider(seen, test, list[i]!);
    for (let i = firstAfter(s, list, outside.to); i < list.length; i++) consider(seen, test, list[i]!);
  }
  const all = Array.from(seen);
  return keys.length > 1 ? sortInDocumentOrder(s, all) : all;
}

function consider(seen: Set<Element>, test: (el: Element) => boolean, el: Element): void {
  if (!seen.has(el) && test(el)) seen.add(el);
}

/**
 * A key every element matching a selector must carry: `.class`, `#id`, `[attr]` or a tag name.
 * The caller guarantees that: the key is a hint, the selector still decides. `[rel]` stands for
 * a, area, link or form elements with `rel` (see `byAttr`).
 */
function candidates(s: PageSignals, key: string): Element[] {
  const k = key.slice(1);
  if (key[0] === '.') return s.byClass.get(k) ?? [];
  if (key[0] === '#') return s.byId.get(k) ?? [];
  if (key[0] === '[') {
    const name = k.replace(/\]$/, '').toLowerCase();
    let list = s.byAttr.get(name);
    if (!list && s.attributes && s.tape) list = attributeList(s, s.attributes.names, s.tape, name);
    else if (!list && !s.allAttributes) {
      indexAttributes(s);
      list = s.byAttr.get(name);
    }
    return list ?? [];
  }
  return s.byTag.get(key.toLowerCase()) ?? [];
}

/**
 * The elements carrying attribute `name` (lower case), found among the attributes the scan noted, and
 * kept in `byAttr` (`role` and `rel` have the walk's own lists, which are never looked up here).
 */
function attributeList(s: PageSignals, names: string[], { items, at, attributesEnd }: NonNullable<PageSignals['tape']>, name: string): Element[] {
  const list: Element[] = [];
  // The element whose attributes hold `i`: the first position whose attributes end after it.
  let owner = 0;
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    // An HTML parser writes names in lower case already: only a name of the same length is lowered to compare.
    if (n !== name && (n.length !== name.length || n.toLowerCase() !== name)) continue;
    while (attributesEnd[owner]! <= i) owner++;
    // An element is listed once under a name, however often its markup repeats the attribute.
    const el = items[at[owner]!] as Element;
    if (list[list.length - 1] !== el) list.push(el);
  }
  s.byAttr.set(name, list);
  return list;
}

const pairs: string[] = [];

/**
 * Every attribute name's elements, in one pass over the elements with attributes, at the first lookup
 * by an attribute: the detectors ask about five to ten names on a page no adapter reads (`data-role`,
 * `component`, `data-testid`…), and a `hasAttribute` pass per name cost more than one reading of each
 * element's attributes (off linkedom's node list, see `readAttributes`). `role` and `rel` keep the lists
 * the walk made (`rel` only on the elements it means something on).
 */
function indexAttributes(s: PageSignals): void {
  const kept = new Set(s.byAttr.keys());
  for (const el of s.withAttributes) {
    const n = readAttributes(el, pairs);
    for (let i = 0; i < n; i++) {
      const name = pairs[2 * i]!.toLowerCase();
      if (kept.has(name)) continue;
      const list = s.byAttr.get(name);
      // An element is listed once under a name, however often its markup repeats the attribute.
      if (!list) s.byAttr.set(name, [el]);
      else if (list[list.length - 1] !== el) list.push(el);
    }
  }
  s.allAttributes = true;
}

/**
 * `doc.querySelector(selector)`, answered from the index when one is active. `keys` must cover every
 * alternative of the selector list: each match carries at least one of them. `test`, when given, is the
 * selector written as code, which spares linkedom compiling the selector once per candidate.
 */
export function queryFirst(doc: Document, selector: string, keys: string[], test?: (el: Element) => boolean): Element | null {
  const s = activeIndexes.get(doc);
  if (!s) return doc.querySelector(selector);
  const is = test ?? matcherOf(selector);
  let best: Element[] = [];
  for (const k of keys) {
    const hit = candidates(s, k).find(is);
    if (hit) best.push(hit);
  }
  if (best.length < 2) return best[0] ?? null;
  // Several keys matched: the first in document order, as querySelector answers.
  best = sortInDocumentOrder(s, best);
  return best[0]!;
}

/** `doc.querySelectorAll(selector)` in document order, from the index when one is active. */
export function queryAll(doc: Document, selector: string, keys: string[]): Element[] {
  const s = activeIndexes.get(doc);
  if (!s) return Array.from(doc.querySelectorAll(selector));
  return collect(s, keys, matcherOf(selector));
}

/**
 * `doc.querySelector` of `inner` (a selector list without commas inside attribute values) within any
 * element carrying `container` (a key: `.class`, `#id`, a tag). With an index, each container (a
 * pagination block, a footer) is searched on its own, not the whole page.
 */
export function queryFirstWithin(doc: Document, container: string, inner: string): Element | null {
  const s = activeIndexes.get(doc);
  if (!s) return doc.querySelector(inner.split(',').map((alt) => `${container} ${alt.trim()}`).join(', '));
  return earliest(doc, candidates(s, container).map((box) => box.querySelector(inner)));
}

/** The first in document order of the elements given (nulls skipped), as one `querySelector` would answer. */
export function earliest(doc: Document, els: (Element | null | undefined)[]): Element | null {
  const found = els.filter((e): e is Element => !!e);
  if (found.length < 2) return found[0] ?? null;
  const s = activeIndexes.get(doc);
  if (s && found.every((e) => orderOf(s, e) !== undefined)) return sortInDocumentOrder(s, found)[0]!;
  return found.reduce((a, b) => (a.compareDocumentPosition(b) & 2 ? b : a));
}

/**
 * False only when the active index proves that no element carries any of `keys`: a cheap necessary
 * condition to check before a real query. True when no index is active.
 */
export function mayHave(doc: Document, keys: string[]): boolean {
  const s = activeIndexes.get(doc);
  return !s || keys.some((k) => candidates(s, k).length > 0);
}

/**
 * `doc.querySelectorAll(selector)` where `test` is the same selector written as code, so that the
 * candidates under `keys` are not each matched against a freshly compiled selector.
 */
export function queryAllWhere(doc: Document, selector: string, keys: string[], test: (el: Element) => boolean): Element[] {
  const s = activeIndexes.get(doc);
  if (!s) return Array.from(doc.querySelectorAll(selector));
  return collect(s, keys, test);
}

export function queryHas(doc: Document, selector: string, keys: string[], test?: (el: Element) => boolean): boolean {
  const s = activeIndexes.get(doc);
  if (!s) return !!doc.querySelector(selector);
  const is = test ?? matcherOf(selector);
  return keys.some((k) => candidates(s, k).some(is));
}

function sortInDocumentOrder(s: PageSignals, els: Element[]): Element[] {
  return els.sort((a, b) => orderOf(s, a)! - orderOf(s, b)!);
}

/**
 * Whether some `tag` element passes `test`; `selector` is the same question as CSS, asked when no index
 * is active. For attribute tests on common tags (every link on the page), where matching each candidate
 * against a selector would cost more than the scan it replaces.
 */
export function someTagged(doc: Document, tag: string, test: (el: Element) => boolean, selector: string): boolean {
  const s = activeIndexes.get(doc);
  if (!s) return !!doc.querySelector(selector);
  return (s.byTag.get(tag) ?? []).some(test);
}

/**
 * The index for code that runs per post: the active one, or one built now for a caller outside
 * `extractThread` (not kept, for the reason given at the top).
 */
export function signalsOf(doc: Document): PageSignals {
  return activeIndexes.get(doc) ?? buildPageSignals(doc);
}

/**
 * Descendants of `root` carrying `key`, in document order: what `root.querySelectorAll(key)` gives for
 * a key alone, found by position instead of by matching a compiled selector against every element
 * below `root` (linkedom compiles the selector anew on each call, which dominated long threads).
 */
export function inside(s: PageSignals, root: Element, key: string): Element[] {
  const start = orderOf(s, root);
  const end = start === undefined ? undefined : lastInside(s, root);
  if (start === undefined || end === undefined) return Array.from(root.querySelectorAll(key));
  const list = candidates(s, key);
  const out: Element[] = [];
  for (let i = firstAfter(s, list, start); i < list.length && orderOf(s, list[i]!)! <= end; i++) out.push(list[i]!);
  return out;
}

/**
 * The index in `list` (indexed elements in document order) of the first element positioned after `at`,
 * searched from index `from`, before which none is.
 */
export function firstAfter(s: PageSignals, list: Element[], at: number, from = 0): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (orderOf(s, list[mid]!)! <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `doc.querySelectorAll(selector)` for a selector whose every match has an id starting with `prefix`,
 * `test` being the rest of the selector as code.
 */
export function queryByIdPrefix(doc: Document, selector: string, prefix: string, test: (el: Element) => boolean): Element[] {
  const s = activeIndexes.get(doc);
  if (!s) return Array.from(doc.querySelectorAll(selector));
  const out: Element[] = [];
  for (const [id, els] of s.byId) if (id.startsWith(prefix)) for (const el of els) if (test(el)) out.push(el);
  return sortInDocumentOrder(s, out);
}

/** `inside` with the active index of `root`'s page, or `root.querySelectorAll(key)` when none is active. */
export function descendantsWith(root: Element, key: string): Element[] {
  const s = root.ownerDocument ? activeIndexes.get(root.ownerDocument) : undefined;
  return s ? inside(s, root, key) : Array.from(root.querySelectorAll(key));
}

/** `inside` for several keys at once: their union, in document order. */
export function insideAny(s: PageSignals, root: Element, keys: string[]): Element[] {
  const seen = new Set<Element>();
  for (const k of keys) for (const el of inside(s, root, k)) seen.add(el);
  return sortInDocumentOrder(s, Array.from(seen));
}

/** Whether `el` or one of its ancestors is a `tag` element: `el.closest(tag)` without compiling a selector. */
export function inTag(el: Element | null, tag: string): boolean {
  for (let e = el; e; e = e.parentElement) if (e.localName === tag) return true;
  return false;
}

/** Whether `el` or one of its ancestors is a `tag` element with class `cls`. */
export function inTagClass(el: Element | null, tag: string, cls: string): boolean {
  for (let e = el; e; e = e.parentElement) if (e.localName === tag && hasClass(e, cls)) return true;
  return false;
}

/** Position of the last element of `root`'s subtree (template contents are not indexed), as the index noted it. */
export function lastInside(s: PageSignals, root: Element): number | undefined {
  const own = orderOf(s, root);
  return own === undefined ? undefined : s.last[own - s.start];
}

/**
 * Whether the element's class attribute names `cls`. Read as an attribute node: linkedom answers
 * `getAttribute('class')` by building the element's token list and joining it again.
 */
export function hasClass(el: Element, cls: string): boolean {
  const v = el.getAttributeNode('class')?.value;
  if (!v || !v.includes(cls)) return false;
  return v === cls || v.split(SPACE).includes(cls);
}

/** Whether `el` or one of its ancestors has class `cls`. */
export function inClass(el: Element | null, cls: string): boolean {
  for (let e = el; e; e = e.parentElement) if (hasClass(e, cls)) return true;
  return false;
}

/**
 * The text of each inline script (one without `src`), in document order: read once per extraction, where
 * several detectors look for their engine's script variables (SMF's `smf_scripturl`, Forumotion's `_board`).
 */
export function inlineScriptTexts(doc: Document): string[] {
  const s = activeIndexes.get(doc);
  if (s?.scriptTexts) return s.scriptTexts;
  const texts = queryAllWhere(doc, 'script:not([src])', ['script'], (el) => !el.hasAttribute('src')).map((el) => el.textContent ?? '');
  if (s) s.scriptTexts = texts;
  return texts;
}

/**
 * Where the content of `el` lies in the active index's tape (see `tape`): its entries from `from` up to
 * `to` (the element's end), the element entries being those where positions open (`at`, from `next`).
 * Null without an active index that has a tape, or for an element the index does not hold.
 */
export function tapeInside(el: Element): { items: (Element | Text | null)[]; at: number[]; from: number; to: number; next: number } | null {
  const doc = el.ownerDocument;
  const s = doc ? activeIndexes.get(doc) : undefined;
  if (!s?.tape) return null;
  const own = orderOf(s, el);
  if (own === undefined) return null;
  const p = own - s.start;
  const { items, at, end } = s.tape;
  return end[p]! < 0 ? null : { items, at, from: at[p]! + 1, to: end[p]!, next: p + 1 };
}

/**
 * `a.contains(b)`, by positions while an extraction runs: `b` is `a` or lies in `a`'s subtree. The DOM's
 * answer walks `b`'s ancestors up to `a`, or to the root when `b` lies elsewhere (a post's byline,
 * tested against its body). The DOM answers for a node the index does not hold.
 */
export function holds(a: Element, b: Element): boolean {
  const doc = a.ownerDocument;
  const s = doc ? activeIndexes.get(doc) : undefined;
  if (s) {
    const from = orderOf(s, a);
    const at = orderOf(s, b);
    if (from !== undefined && at !== undefined) return at >= from && at <= s.last[from - s.start]!;
  }
  return a.contains(b);
}

/** How many elements the active index of `doc` numbered (the whole document), else undefined. */
export function elementCount(doc: Document): number | undefined {
  const s = activeIndexes.get(doc);
  return s ? s.next - s.start : undefined;
}

/** The index of `doc` while an extraction runs, else undefined (select.ts reads it). */
export function active(doc: Document): PageSignals | undefined {
  return activeIndexes.get(doc);
}

/** The indexed elements carrying `key` (`.class`, `#id`, `[attr]` or a tag), in document order. */
export function candidatesOf(s: PageSignals, key: string): Element[] {
  return candidates(s, key);
}

/** `els` (indexed elements) sorted into document order. */
export function sortedByPosition(s: PageSignals, els: Element[]): Element[] {
  return sortInDocumentOrder(s, els);
}
