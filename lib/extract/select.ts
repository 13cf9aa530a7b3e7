import { active, candidatesOf, inside, sortedByPosition, type PageSignals } from './page-signals.ts';

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
  /**
   * For each key, the keys of the compounds left of it in each alternative ending in it: the elements
   * a match's ancestors must carry. An alternative one of whose compounds no element of the page
   * carries matches nothing, so its candidates need not be tested (`liveKeys`).
   */
  needs: Map<string, string[][]>;
}

const cache = new Map<string, Matcher>();

/** The compiled form of `selector`, made once per process. */
export function sel(selector: string): Matcher {
  let m = cache.get(selector);
  if (!m) cache.set(selector, (m = compile(selector)));
  return m;
}

function compile(selector: string): Matcher {
  const alternatives = splitOutside(selector, ',').map((s) => parseComplex(s.trim(), selector));
  const keys = [...new Set(alternatives.map((a) => keyOf(a.parts[0]!, selector)))];
  const needs = new Map<string, string[][]>();
  for (const a of alternatives) {
    const key = keyOf(a.parts[0]!, selector);
    if (!needs.has(key)) needs.set(key, []);
    // A compound of no tag, class, id or attribute (`*`) asks nothing of the page.
    needs.get(key)!.push(a.parts.slice(1).flatMap((c) => (c.id || c.classes.length || c.tag || c.attrs.length ? [keyOf(c, selector)] : [])));
  }
  const tests = alternatives.map((a) => (el: Element) => matchFrom(a, 0, el));
  const test = tests.length === 1 ? tests[0]! : (el: Element) => tests.some((t) => t(el));
  return { selector, test, keys, needs };
}

/**
 * The keys whose candidates can match on this page: those of an alternative every compound of which
 * some element carries. A match of a live alternative is under that alternative's own key, so the keys
 * left out hold no match that the others miss. (`span.name a[name]` on a page without `.name` tests none
 * of its links.)
 */
function liveKeys(s: PageSignals, m: Matcher): string[] {
  return m.keys.filter((k) => m.needs.get(k)!.some((ancestors) => ancestors.every((a) => candidatesOf(s, a).length > 0)));
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

function matchFrom(x: Complex, i: number, el: Element): boolean {
  if (!matchCompound(x.parts[i]!, el)) return false;
  if (i === x.parts.length - 1) return true;
  if (x.combinators[i] === '>') {
    const p = el.parentElement;
    return !!p && matchFrom(x, i + 1, p);
  }
  for (let p = el.parentElement; p; p = p.parentElement) if (matchFrom(x, i + 1, p)) return true;
  return false;
}

/** Every element of the page matching `selector`, in document order. */
export function all(doc: Document, selector: string): Element[] {
  const s = active(doc);
  if (!s) return Array.from(doc.querySelectorAll(selector));
  const m = sel(selector);
  return collectKeys(s, m, (k) => candidatesOf(s, k), liveKeys(s, m));
}

/** The first element of the page matching `selector`. */
export function first(doc: Document, selector: string): Element | null {
  const s = active(doc);
  if (!s) return doc.querySelector(selector);
  const m = sel(selector);
  const hits: Element[] = [];
  for (const k of liveKeys(s, m)) {
    const hit = candidatesOf(s, k).find(m.test);
    if (hit) hits.push(hit);
  }
  return hits.length < 2 ? (hits[0] ?? null) : sortedByPosition(s, hits)[0]!;
}

/** Descendants of `root` matching `selector`, in document order: `root.querySelectorAll`, from the index. */
export function within(root: Element, selector: string): Element[] {
  const s = root.ownerDocument ? active(root.ownerDocument) : undefined;
  if (!s) return Array.from(root.querySelectorAll(selector));
  return collectKeys(s, sel(selector), (k) => inside(s, root, k));
}

/** The first descendant of `root` matching `selector`. */
export function firstWithin(root: Element, selector: string): Element | null {
  const s = root.ownerDocument ? active(root.ownerDocument) : undefined;
  if (!s) return root.querySelector(selector);
  const m = sel(selector);
  if (m.keys.length === 1) return inside(s, root, m.keys[0]!).find(m.test) ?? null;
  return collectKeys(s, m, (k) => inside(s, root, k))[0] ?? null;
}

/** The nearest of `el` and its ancestors matching `selector`: `el.closest` without compiling it. */
export function closest(el: Element | null, selector: string): Element | null {
  const { test } = sel(selector);
  for (let e = el; e; e = e.parentElement) if (test(e)) return e;
  return null;
}

/** Whether `el` matches `selector`. */
export function is(el: Element, selector: string): boolean {
  return sel(selector).test(el);
}

function collectKeys(s: PageSignals, m: Matcher, list: (key: string) => Element[], keys: string[] = m.keys): Element[] {
  if (keys.length === 1) return list(keys[0]!).filter(m.test);
  const seen = new Set<Element>();
  for (const k of keys) for (const el of list(k)) if (!seen.has(el) && m.test(el)) seen.add(el);
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
