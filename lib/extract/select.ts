import { active, candidatesOf, inside, orderOf, sortedByPosition, type PageSignals } from './page-signals.ts';

/**
 * CSS selectors compiled once into code, with the index keys that find their candidates.
 *
 * Why: linkedom compiles a selector anew on every `matches` and `querySelectorAll`, which dominated long
 * threads, so adapters used to carry each selector twice, as a string and as a hand-written predicate
 * beside it, and the two drifted apart. Here the string is the only statement: it is parsed once per
 * process (the cache below), tested as code, and its candidates are looked up in the page index
 * (page-signals.ts) by the id, class, attribute or tag its last part must carry.
 *
 * The grammar is what adapters use: tag, `*`, `.class`, `#id`, `[attr]`, `[attr=v]`, `^=`, `*=`, `$=`,
 * `~=`, `|=` (quoted or not, ` i` for any case), descendant and child combinators, comma lists. Anything
 * else throws when the adapter's module first compiles it, so a typo fails every test of that engine.
 */

interface AttrTest {
  name: string;
  op: '' | '=' | '^=' | '*=' | '$=' | '~=' | '|=';
  value: string;
  fold: boolean;
}
interface Compound {
  tag: string | null;
  id: string | null;
  classes: string[];
  attrs: AttrTest[];
}
/** Compounds right to left, with the combinator that joins each to the one before it (on its left). */
interface Complex {
  parts: Compound[];
  /** `combinators[i]` joins parts[i] to parts[i + 1]: ' ' (descendant) or '>' (child). */
  combinators: (' ' | '>')[];
}

export interface Matcher {
  selector: string;
  test: (el: Element) => boolean;
  /** Index keys (`#id`, `.class`, `[attr]`, tag): every match carries at least one. */
  keys: string[];
  /** Each alternative of the list: its key, the keys its ancestor compounds carry (`needs`), its test. */
  alternatives: { key: string; needs: string[]; test: (el: Element) => boolean; complex: Complex }[];
}

const cache = new Map<string, Matcher>();

/** The compiled form of `selector`, made once per process. */
export function sel(selector: string): Matcher {
  let m = cache.get(selector);
  if (!m) cache.set(selector, (m = compile(selector)));
  return m;
}

function compile(selector: string): Matcher {
  const parsed = splitOutside(selector, ',').map((s) => parseComplex(s.trim(), selector));
  const alternatives = parsed.map((a) => ({
    key: keyOf(a.parts[0]!, selector),
    // A compound of no tag, class, id or attribute (`*`) asks nothing of the page.
    needs: a.parts.slice(1).flatMap((c) => (c.id || c.classes.length || c.tag || c.attrs.length ? [keyOf(c, selector)] : [])),
    test: (el: Element) => matchFrom(a, 0, el, null),
    complex: a,
  }));
  const keys = [...new Set(alternatives.map((a) => a.key))];
  const tests = alternatives.map((a) => a.test);
  const test = tests.length === 1 ? tests[0]! : (el: Element) => tests.some((t) => t(el));
  return { selector, test, keys, alternatives };
}

/** A selector as it can match on one page: the keys and the test of its alternatives that can. */
interface Live {
  keys: string[];
  test: (el: Element) => boolean;
}

const NOTHING: Live = { keys: [], test: () => false };
const livePerPage = new WeakMap<PageSignals, Map<Matcher, Live>>();

/**
 * The alternatives of `m` that can match on this page: those whose own key and every ancestor
 * compound's key some element of the page carries (a match carries its alternative's key, and its
 * ancestors theirs). The others are neither looked up nor tested: `span.name a[name]` on a page without
 * `.name` walks no link's ancestors, and `.message-attribution a[href*="post-"], a[href*="/posts/"]`
 * on a page without `.message-attribution` tests each link for the second alternative alone. Answers
 * are unchanged. Worked out once per page and selector.
 */
function live(s: PageSignals, m: Matcher): Live {
  let known = livePerPage.get(s);
  if (!known) livePerPage.set(s, (known = new Map()));
  let l = known.get(m);
  if (!l) {
    const can = m.alternatives.filter((a) => candidatesOf(s, a.key).length > 0 && a.needs.every((k) => candidatesOf(s, k).length > 0));
    // Each test remembers, for this page, which ancestors lead to a match (see `matchFrom`).
    const tests = can.map((a) => (a.complex.parts.length === 1 ? a.test : memoTest(a.complex)));
    l = !can.length ? NOTHING : { keys: can.length === m.alternatives.length ? m.keys : [...new Set(can.map((a) => a.key))], test: tests.length === 1 ? tests[0]! : (el: Element) => tests.some((t) => t(el)) };
    known.set(m, l);
  }
  return l;
}

const RELATED = new Set(['a', 'area', 'link', 'form']);

function keyOf(c: Compound, selector: string): string {
  if (c.id) return `#${c.id}`;
  if (c.classes.length) return `.${c.classes[0]}`;
  // `role` and `rel` lists are made by the page walk and hold few elements: `a[rel="next"]` tests those
  // (`rel` is listed on a, area, link and form alone, page-signals.ts).
  const listed = c.attrs.find((a) => a.name === 'role' || (a.name === 'rel' && !!c.tag && RELATED.has(c.tag)));
  if (listed) return `[${listed.name}]`;
  // A tag's list is made by the walk too; another attribute's costs a pass over the page's attributes
  // (page-signals.ts) that `a[name]` or `time[datetime]` need not pay for.
  if (c.tag) return c.tag;
  if (c.attrs.length) return `[${c.attrs[0]!.name}]`;
  throw new Error(`Selector "${selector}": each alternative must end in a tag, class, id or attribute to be looked up in the page index`);
}

function splitOutside(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (ch === sep && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

const TOKEN = /\s*(>)\s*|\s+|([^\s>[]+(?:\[[^\]]*\][^\s>[]*)*|\[[^\]]*\][^\s>[]*(?:\[[^\]]*\][^\s>[]*)*)/y;

function parseComplex(s: string, whole: string): Complex {
  const compounds: Compound[] = [];
  const combinators: (' ' | '>')[] = [];
  let pending: ' ' | '>' | null = null;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < s.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(s);
    if (!m || m.index !== at) throw new Error(`Selector "${whole}": cannot read "${s.slice(at)}"`);
    if (m[1]) pending = '>';
    else if (m[2]) {
      if (compounds.length) combinators.push(pending ?? ' ');
      compounds.push(parseCompound(m[2], whole));
      pending = null;
    } else if (!pending) pending = ' ';
  }
  if (!compounds.length) throw new Error(`Selector "${whole}": an empty alternative`);
  return { parts: compounds.reverse(), combinators: combinators.reverse() };
}

const PART = /([.#])((?:[\w-]|\\.)+)|\[\s*([\w:-]+)\s*(?:([~|^$*]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\s\]]+))\s*(i)?\s*)?\]/y;

function parseCompound(s: string, whole: string): Compound {
  const c: Compound = { tag: null, id: null, classes: [], attrs: [] };
  const tag = /^(\*|[a-zA-Z][\w-]*)/.exec(s);
  let at = 0;
  if (tag) {
    c.tag = tag[1] === '*' ? null : tag[1]!.toLowerCase();
    at = tag[0].length;
  }
  while (at < s.length) {
    PART.lastIndex = at;
    const m = PART.exec(s);
    if (!m) throw new Error(`Selector "${whole}": cannot read "${s.slice(at)}" (supported: tag, .class, #id, [attr op value])`);
    at = PART.lastIndex;
    if (m[1] === '.') c.classes.push(m[2]!.replace(/\\/g, ''));
    else if (m[1] === '#') c.id = m[2]!.replace(/\\/g, '');
    else c.attrs.push({ name: m[3]!.toLowerCase(), op: (m[4] ?? '') as AttrTest['op'], value: m[5] ?? m[6] ?? m[7] ?? '', fold: !!m[8] });
  }
  return c;
}

const SPACE = /[ \t\n\f\r]+/;

function matchCompound(c: Compound, el: Element): boolean {
  if (c.tag && el.localName !== c.tag) return false;
  if (c.id && el.getAttributeNode('id')?.value !== c.id) return false;
  if (c.classes.length) {
    // Read as an attribute node: linkedom answers getAttribute('class') by rebuilding the token list.
    const v = el.getAttributeNode('class')?.value;
    if (!v) return false;
    for (const cls of c.classes) if (!v.includes(cls) || !(v === cls || v.split(SPACE).includes(cls))) return false;
  }
  for (const a of c.attrs) {
    const node = el.getAttributeNode(a.name);
    if (!node) return false;
    if (!a.op) continue;
    const v = a.fold ? node.value.toLowerCase() : node.value;
    const want = a.fold ? a.value.toLowerCase() : a.value;
    const ok =
      a.op === '=' ? v === want
      : a.op === '^=' ? want !== '' && v.startsWith(want)
      : a.op === '*=' ? want !== '' && v.includes(want)
      : a.op === '$=' ? want !== '' && v.endsWith(want)
      : a.op === '~=' ? v.split(SPACE).includes(want)
      : v === want || v.startsWith(`${want}-`);
    if (!ok) return false;
  }
  return true;
}

/**
 * Per part of a selector, whether an element or one of its ancestors matches the selector from that
 * part on: what a descendant combinator asks of every ancestor of each candidate.
 */
type AncestorMemo = (Map<Element, boolean> | undefined)[];

/** `matchFrom` for one page, with what it learnt about ancestors kept (see `AncestorMemo`). */
function memoTest(x: Complex): (el: Element) => boolean {
  const memo: AncestorMemo = [];
  return (el) => matchFrom(x, 0, el, memo);
}

/**
 * Whether `el` matches the compounds of `x` from `i` on. With `memo`, the ancestor walk of a descendant
 * combinator stops at an ancestor whose answer an earlier candidate's walk found: the posts of a thread
 * share their ancestors, which `div.post .postbody` tested for every body on the page walked again for
 * each one. The answers hold while the page's ancestry does not change (an extraction reads it only).
 */
function matchFrom(x: Complex, i: number, el: Element, memo: AncestorMemo | null): boolean {
  if (!matchCompound(x.parts[i]!, el)) return false;
  if (i === x.parts.length - 1) return true;
  if (x.combinators[i] === '>') {
    const p = el.parentElement;
    return !!p && matchFrom(x, i + 1, p, memo);
  }
  if (!memo) {
    for (let p = el.parentElement; p; p = p.parentElement) if (matchFrom(x, i + 1, p, null)) return true;
    return false;
  }
  const known = (memo[i] ??= new Map());
  const walked: Element[] = [];
  let answer = false;
  for (let p = el.parentElement; p; p = p.parentElement) {
    const had = known.get(p);
    if (had !== undefined) {
      answer = had;
      break;
    }
    walked.push(p);
    if (matchFrom(x, i + 1, p, memo)) {
      answer = true;
      break;
    }
  }
  // Each element walked past did not match itself: its answer is that of the ancestor the walk ended at.
  for (const p of walked) known.set(p, answer);
  return answer;
}

/** Every element of the page matching `selector`, in document order. */
export function all(doc: Document, selector: string): Element[] {
  const s = active(doc);
  if (!s) return Array.from(doc.querySelectorAll(selector));
  return collectKeys(s, live(s, sel(selector)), (k) => candidatesOf(s, k));
}

/** The first element of the page matching `selector`. */
export function first(doc: Document, selector: string): Element | null {
  const s = active(doc);
  if (!s) return doc.querySelector(selector);
  const m = live(s, sel(selector));
  const hits: Element[] = [];
  for (const k of m.keys) {
    const hit = candidatesOf(s, k).find(m.test);
    if (hit) hits.push(hit);
  }
  return hits.length < 2 ? (hits[0] ?? null) : sortedByPosition(s, hits)[0]!;
}

/** Descendants of `root` matching `selector`, in document order: `root.querySelectorAll`, from the index. */
export function within(root: Element, selector: string): Element[] {
  const s = root.ownerDocument ? active(root.ownerDocument) : undefined;
  if (!s) return Array.from(root.querySelectorAll(selector));
  return collectKeys(s, live(s, sel(selector)), (k) => inside(s, root, k));
}

/** The first descendant of `root` matching `selector`. */
export function firstWithin(root: Element, selector: string): Element | null {
  const s = root.ownerDocument ? active(root.ownerDocument) : undefined;
  if (!s) return root.querySelector(selector);
  const m = live(s, sel(selector));
  if (m.keys.length === 1) return inside(s, root, m.keys[0]!).find(m.test) ?? null;
  return collectKeys(s, m, (k) => inside(s, root, k))[0] ?? null;
}

/**
 * The test of `selector` for `el`: while an extraction runs and `el` is in the page's index, only the
 * alternatives that can match on the page are tried (see `live`).
 */
function testFor(el: Element, selector: string): (el: Element) => boolean {
  const m = sel(selector);
  const s = el.ownerDocument ? active(el.ownerDocument) : undefined;
  return s && orderOf(s, el) !== undefined ? live(s, m).test : m.test;
}

/** The nearest of `el` and its ancestors matching `selector`: `el.closest` without compiling it. */
export function closest(el: Element | null, selector: string): Element | null {
  if (!el) return null;
  const test = testFor(el, selector);
  // No element of the page can match (`live`): no ancestor to walk up to.
  if (test === NOTHING.test) return null;
  for (let e: Element | null = el; e; e = e.parentElement) if (test(e)) return e;
  return null;
}

/** Whether `el` matches `selector`. */
export function is(el: Element, selector: string): boolean {
  return testFor(el, selector)(el);
}

function collectKeys(s: PageSignals, m: Live, list: (key: string) => Element[]): Element[] {
  if (m.keys.length === 1) return list(m.keys[0]!).filter(m.test);
  const seen = new Set<Element>();
  for (const k of m.keys) for (const el of list(k)) if (!seen.has(el) && m.test(el)) seen.add(el);
  return sortedByPosition(s, Array.from(seen));
}

/**
 * The first element below `root` matching the earliest of `selectors` that has one (a list of
 * fallbacks, most specific first), among those `accept` takes.
 */
export function pick(root: Element, selectors: readonly string[], accept: (el: Element) => boolean = () => true): Element | null {
  for (const selector of selectors) {
    const hit = within(root, selector).find(accept);
    if (hit) return hit;
  }
  return null;
}

/** The element with id `id`: from the page index while an extraction runs (no selector compiled per post). */
export function byId(doc: Document, id: string): Element | null {
  const s = active(doc);
  return s ? (s.byId.get(id)?.[0] ?? null) : doc.getElementById(id);
}
