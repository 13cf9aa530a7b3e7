import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePage, extractThread, sourceFromText } from '../../lib/extract/index.ts';
import { cleanHtml, textMayMatch, useAttributeReader } from '../../lib/extract/dom.ts';
import { linkedomAttributes, linkedomKit, linkedomNodeScan, linkedomScan } from '../../lib/extract/linkedom.ts';
import { buildIndex, useNodeScan, type NodeScan } from '../../lib/extract/generic/walk.ts';
import { active, buildPageSignals, candidatesOf, holds, lastInside, markPostBody, orderOf, textAroundPosts, useElementScan, withPageSignals, type PageSignals } from '../../lib/extract/page-signals.ts';
import { corpusBytes } from '../support/corpus.ts';

/*
 * Under linkedom the page index is built by reading linkedom's own node list (linkedom.ts), elsewhere by
 * the standard walk. Both must index a page alike: the same elements in the same order, under the same
 * tags, ids, classes and roles. Each comparison builds both indexes over one parsed page.
 */
const EXPECT = resolve(dirname(fileURLToPath(import.meta.url)), '../expect');
const pages = readdirSync(EXPECT)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(resolve(EXPECT, f), 'utf8')) as { file: string; url: string; kind?: string; known?: string })
  // Listings and ActivityPub objects give no thread to compare; pages read wrong today ("known") may give none either.
  .filter((p) => (p.kind ?? 'thread') === 'thread');

/** Each corpus thread page that is HTML, parsed afresh for every loop (tests leave indexes and marks on it). */
function* htmlPages(files?: RegExp): Generator<{ p: (typeof pages)[number]; doc: Document }> {
  for (const p of pages) {
    if (files && !files.test(p.file)) continue;
    const src = sourceFromText(decodePage(corpusBytes(p.file)), p.url, linkedomKit);
    if (src.kind === 'html') yield { p, doc: src.doc };
  }
}

afterEach(() => {
  useElementScan(linkedomScan);
  useAttributeReader(linkedomAttributes);
});

/** What an index holds, with elements named by their place in the document rather than by position numbers. */
function shape(doc: Document, build: () => PageSignals) {
  const index = build();
  const all = Array.from(doc.querySelectorAll('*'));
  const rank = new Map(all.map((el, i) => [el, i]));
  const named = (els: Element[]) => els.map((el) => rank.get(el) ?? `unreachable <${el.localName}>`);
  const lists = (m: Map<string, Element[]>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, named(v)]));
  return {
    count: index.next - index.start,
    // Each element's place in the index, or -1 where it has none (nodes outside the root element).
    order: all.map((el) => {
      const at = orderOf(index, el);
      return at === undefined ? -1 : at - index.start;
    }),
    // Where each element's subtree ends.
    last: all.map((el) => {
      const at = lastInside(index, el);
      return at === undefined ? -1 : at - index.start;
    }),
    byTag: lists(index.byTag),
    byId: lists(index.byId),
    byClass: lists(index.byClass),
    roles: named(index.byAttr.get('role') ?? []),
    rels: named(index.byAttr.get('rel') ?? []),
    // Every attribute name's elements, as a lookup by the name finds them (each list is made at its first
    // lookup: from the attributes the scan noted under linkedom, by reading every element's otherwise).
    attributes: Object.fromEntries(
      [...new Set(all.flatMap((el) => el.getAttributeNames().map((n) => n.toLowerCase()))), 'data-no-page-has-this']
        .sort()
        .map((name) => [name, named(candidatesOf(index, `[${name}]`))]),
    ),
  };
}

function bothWays(doc: Document) {
  useElementScan(null);
  const standard = shape(doc, () => buildPageSignals(doc));
  useElementScan(linkedomScan);
  const scanned = shape(doc, () => buildPageSignals(doc));
  return { standard, scanned };
}

describe('the page index under linkedom', () => {
  it("reads the pinned linkedom's node list (the scan does not decline)", () => {
    const doc = linkedomKit.parseHtml('<!doctype html><html><head><title>t</title></head><body><p id="a" class="x">t</p></body></html>');
    const seen: string[] = [];
    expect(linkedomScan(doc.documentElement, (el) => seen.push(el.localName), () => {})).toBe(true);
    expect(seen).toEqual(['html', 'head', 'title', 'body', 'p']);
  });

  it('indexes every corpus page as the standard walk does', () => {
    let html = 0;
    let stored = 0;
    let checked = 0;
    for (const { p, doc } of htmlPages()) {
      html++;
      const { standard, scanned } = bothWays(doc);
      expect(scanned, p.file).toEqual(standard);
      expect(standard.count, p.file).toBeGreaterThan(10);
    }
    expect(html).toBeGreaterThan(15);
  });

  it("notes where each element's subtree ends: at its deepest last child", () => {
    for (const { p, doc } of htmlPages(/phpbb|vbulletin|discourse|reddit-new/)) {
      for (const scan of [null, linkedomScan]) {
        useElementScan(scan);
        const index = buildPageSignals(doc);
        const wrong = Array.from(doc.querySelectorAll('*')).filter((el) => {
          let e = el;
          while (e.localName !== 'template' && e.lastElementChild) e = e.lastElementChild;
          return lastInside(index, el) !== orderOf(index, e);
        });
        expect(wrong.map((el) => el.localName), `${p.file} ${scan ? 'scan' : 'walk'}`).toEqual([]);
      }
    }
  });

  it('answers contains by positions as the DOM does', () => {
    let inside = 0;
    let pairs = 0;
    for (const { p, doc } of htmlPages(/xenforo|phpbb|wordpress/)) {
      const els = Array.from(doc.querySelectorAll('*'));
      const some = els.filter((_, i) => i % 37 === 0);
      const byPositions = withPageSignals(doc, () => some.flatMap((a) => els.filter((_, i) => i % 5 === 0).map((b) => holds(a, b))));
      const byDom = some.flatMap((a) => els.filter((_, i) => i % 5 === 0).map((b) => a.contains(b)));
      expect(byPositions, p.file).toEqual(byDom);
      pairs += byDom.length;
      inside += byDom.filter(Boolean).length;
    }
    expect(inside).toBeGreaterThan(pairs / 50);
  });

  it('agrees on templates, repeated and empty attributes, empty roles and class lists', () => {
    const doc = linkedomKit.parseHtml(
      '<!doctype html><html><body><div id="" class="">a</div><template><p id="in-template" class="t">x</p></template>' +
        '<span role="" class="b  a b" id="s">y</span><p class="a" id="p1"><b role="note">z</b></p><svg viewBox="0 0 1 1"><g class="a"></g></svg>' +
        '<a rel="next" href="/2">2</a><a href="/3">3</a><span rel="x">not a link</span><form rel="search"></form></body></html>',
    );
    const { standard, scanned } = bothWays(doc);
    expect(scanned).toEqual(standard);
    expect(standard.byId).toEqual({ p1: [expect.any(Number)], s: [expect.any(Number)] });
    expect(standard.byClass.t).toBeUndefined(); // template contents are not part of the page
    expect(standard.roles).toHaveLength(2);
    expect(standard.rels).toHaveLength(2); // the link and the form, not the span
  });

  it('declines a document of another DOM without visiting anything', () => {
    const doc = new JSDOM('<!doctype html><html><body><p class="x">t</p></body></html>').window.document;
    let visited = 0;
    expect(linkedomScan(doc.documentElement, () => visited++, () => visited++)).toBe(false);
    expect(visited).toBe(0);
    // The index is then built by the standard walk, with the scan still offered.
    expect(buildPageSignals(doc).byClass.get('x')).toHaveLength(1);
  });

  it('gives the same threads either way', () => {
    for (const p of pages.filter((x) => /smf|vbulletin|phpbb|discourse|xenforo|hackernews/.test(x.file) && !x.known)) {
      const text = decodePage(corpusBytes(p.file));
      // A listing or a page no reader understands gives the same refusal either way.
      const outcome = () => {
        try {
          return JSON.stringify(extractThread(sourceFromText(text, p.url, linkedomKit)));
        } catch (e) {
          return `refused: ${(e as Error).message}`;
        }
      };
      useElementScan(null);
      const standard = outcome();
      useElementScan(linkedomScan);
      expect(outcome(), p.file).toBe(standard);
    }
  });
});

/*
 * Stored post HTML under linkedom reads each element's attributes off the same node list (linkedom.ts),
 * elsewhere by getAttributeNames and getAttributeNode. Both must write the same markup.
 */
describe('attribute reading under linkedom', () => {
  it("reads the pinned linkedom's attributes, each value as getAttributeNode gives it", () => {
    const doc = linkedomKit.parseHtml('<!doctype html><html><body><a id="x" href="/1" HREF="/2" data-X="q" title="">t</a><b>u</b></body></html>');
    const a = doc.getElementById('x')!;
    const out: string[] = [];
    const n = linkedomAttributes(a, out);
    expect(n).toBe(a.getAttributeNames().length);
    expect(out.slice(0, 2 * n)).toEqual(a.getAttributeNames().flatMap((name) => [name, a.getAttributeNode(name)!.value]));
    expect(linkedomAttributes(doc.querySelector('b')!, out)).toBe(0);
  });

  it('declines an element of another DOM', () => {
    const doc = new JSDOM('<!doctype html><html><body><p class="x" id="p">t</p></body></html>').window.document;
    expect(linkedomAttributes(doc.getElementById('p')!, [])).toBe(-1);
    expect(cleanHtml(doc.body, 'https://example.org/')).toBe('<p class="x" id="p">t</p>');
  });

  it('stores the same HTML of every corpus page either way', () => {
    let stored = 0;
    let checked = 0;
    for (const { p, doc } of htmlPages()) {
      if (!doc.body) continue;
      useAttributeReader(null);
      const standard = cleanHtml(doc.body, p.url);
      useAttributeReader(linkedomAttributes);
      const read = cleanHtml(doc.body, p.url);
      // Some pages hold their whole content in a form, which stored HTML leaves out: both ways must still agree,
      // and most pages must store something, or the comparison proves nothing.
      checked++;
      if (read.length > 100) stored++;
      expect(read === standard, p.file).toBe(true);
    }
    expect(stored / checked).toBeGreaterThan(0.8);
  });
});

/*
 * The generic reader's walk (generic/walk.ts) reads linkedom's node list too (linkedom.ts
 * `linkedomNodeScan`), elsewhere firstChild and nextSibling. Both must build the same index.
 */
describe("the generic reader's walk under linkedom", () => {
  afterEach(() => useNodeScan(linkedomNodeScan));

  /** Everything an index holds, elements named by their place in the document. */
  const indexShape = (doc: Document, scan: NodeScan | null) => {
    useNodeScan(scan);
    const ix = buildIndex(doc);
    const rank = new Map(Array.from(doc.querySelectorAll('*')).map((el, i) => [el, i]));
    return { ...ix, els: ix.els.map((el) => rank.get(el) ?? el.localName), stamps: [...ix.stamps], hrefs: [...ix.hrefs], attrNames: [...ix.attrNames] };
  };

  it("reads the pinned linkedom's node list, skipping the content of scripts and templates", () => {
    const doc = linkedomKit.parseHtml('<!doctype html><html><body>a<p id="x">b<!-- c --><i>d</i></p><script>e</script><template><b>f</b></template>g</body></html>');
    const seen: string[] = [];
    const scanned = linkedomNodeScan(
      doc.body,
      (el) => (seen.push(`<${el.localName}>`), el.localName !== 'script' && el.localName !== 'template'),
      (v) => seen.push(v),
      () => seen.push('/'),
    );
    expect(scanned).toBe(true);
    expect(seen).toEqual(['a', '<p>', 'b', '<i>', 'd', '/', '/', '<script>', '<template>', 'g']);
  });

  it('declines a document of another DOM without visiting anything', () => {
    const doc = new JSDOM('<!doctype html><html><body><p class="x">t</p></body></html>').window.document;
    let visited = 0;
    expect(linkedomNodeScan(doc.body, () => (visited++, true), () => visited++, () => visited++)).toBe(false);
    expect(visited).toBe(0);
    expect(buildIndex(doc).els.map((el) => el.localName)).toEqual(['body', 'p']);
  });

  it('indexes every corpus page as the standard walk does', () => {
    let html = 0;
    for (const { p, doc } of htmlPages()) {
      html++;
      const standard = indexShape(doc, null);
      expect(indexShape(doc, linkedomNodeScan), p.file).toEqual(standard);
      expect(standard.els.length, p.file).toBeGreaterThan(10);
    }
    expect(html).toBeGreaterThan(15);
  });

  /** A node scan that must not run: the page index's tape serves the walk. */
  const refused: NodeScan = () => {
    throw new Error('the DOM was walked again');
  };

  it("reads the page index's tape instead of the DOM, with the same result on every corpus page", () => {
    let html = 0;
    for (const { p, doc } of htmlPages()) {
      html++;
      const standard = indexShape(doc, null);
      // Inside an extraction's window the index is active and its tape is read; no DOM scan is asked.
      expect(withPageSignals(doc, () => indexShape(doc, refused)), p.file).toEqual(standard);
    }
    expect(html).toBeGreaterThan(15);
  });

  it("answers textMayMatch from the tape as the DOM walk does, on every corpus page's boxes", () => {
    let checked = 0;
    let matched = 0;
    for (const { p, doc } of htmlPages()) {
      const boxes = Array.from(doc.querySelectorAll('footer, div, li, td, p, span, body')).slice(0, 400);
      for (const re of [/cc|creative/i, /[äöü]|th/i]) {
        const walked = boxes.map((el) => textMayMatch(el, re));
        const taped = withPageSignals(doc, () => boxes.map((el) => textMayMatch(el, re)));
        expect(taped, `${p.file} ${re}`).toEqual(walked);
        checked += boxes.length;
        matched += walked.filter(Boolean).length;
      }
    }
    // Both answers occur often, or agreeing would prove little.
    expect(matched).toBeGreaterThan(checked / 10);
    expect(matched).toBeLessThan(checked * 0.9);
  });

  it("reads the page's text around the posts from the tape as the walk does, on every corpus page", () => {
    let compared = 0;
    for (const { p, doc } of htmlPages()) {
      if (!doc.body) continue;
      const boxes = Array.from(doc.body.querySelectorAll('div, p, li, article, blockquote'));
      if (boxes.length < 8) continue;
      const n = boxes.length;
      // Post bodies far apart, close together, one alone, and one inside the other.
      const within = boxes.findIndex((b, i) => i > 0 && boxes[i - 1]!.contains(b));
      const pairs: [number, number][] = [[2, n - 3], [n >> 1, (n >> 1) + 1], [n >> 2, n >> 2], ...(within > 0 ? [[within - 1, within] as [number, number]] : [])];
      for (const [a, b] of pairs) {
        const [taped, walked] = withPageSignals(doc, () => {
          markPostBody(boxes[a]!);
          markPostBody(boxes[b]!);
          const s = active(doc)!;
          const fromTape = textAroundPosts(doc, doc.body);
          const tape = s.tape;
          s.tape = null;
          const fromWalk = textAroundPosts(doc, doc.body);
          s.tape = tape;
          return [fromTape, fromWalk];
        });
        expect(taped, `${p.file} ${a} ${b}`).toBe(walked);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('reads attribute names in any case, as an XML page writes them', () => {
    const page = (cls: string, href: string, datetime: string, author: string) =>
      linkedomKit.parseXml(
        `<root><div ${cls}="post quote"><a ${href}="/members/ann.1/">Ann</a><span ${author}="Bob">x</span>` +
          `<time ${datetime}="2020-01-02T03:04:05Z">Jan 2</time><p>words</p></div></root>`,
      );
    const shape = (doc: Document) => {
      const ix = withPageSignals(doc, () => buildIndex(doc));
      return { flags: ix.flags, cls: ix.cls, stamps: [...ix.stamps], hrefs: [...ix.hrefs], attrNames: [...ix.attrNames], authors: ix.authors, times: ix.times };
    };
    const lower = shape(page('class', 'href', 'datetime', 'data-author'));
    expect(lower.cls).toContain('post quote');
    expect(lower.stamps.length).toBe(1);
    expect(lower.hrefs.length).toBe(1);
    expect(lower.attrNames.length).toBe(1);
    const variants: [string, string, string, string][] = [['CLASS', 'HREF', 'DateTime', 'Data-Author'], ['Class', 'hRef', 'DATETIME', 'DATA-AUTHOR']];
    for (const names of variants) {
      expect(shape(page(...names)), names.join(' ')).toEqual(lower);
    }
  });

  it('reads from the tape what the walk reads: skipped content, repeated attributes, text beside templates', () => {
    const doc = linkedomKit.parseHtml(
      '<!doctype html><html><head><title>t</title></head><body>a<div class="post" id="post-1" data-author=" Ann ">b<!-- c --><i>d</i>' +
        '<script>var x = "<p>";</script><svg><g><text>not read</text></g></svg><template><b>f</b></template>g<a href="/u/1" HREF="/x" rel="author">Ann</a>' +
        '<time datetime="2020-01-02T03:04:05Z">Jan 2</time><select><option>o</option></select>after</div><p>last</p></body></html>',
    );
    const standard = indexShape(doc, null);
    expect(withPageSignals(doc, () => indexShape(doc, refused))).toEqual(standard);
    expect(standard.els.length).toBeGreaterThan(8);
  });
});
