import { describe, expect, it } from 'vitest';
import { bodyParts, cleanHtmlWhere, normaliseText, textMayMatch, textOf, textSkipping } from '../../lib/extract/dom.ts';
import { decodePage } from '../../lib/extract/decode-page.ts';
import { corpusBytes } from '../support/corpus.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { seededRandom } from '../support/fuzz.ts';

/*
 * normaliseText works in whole-string passes for speed. Its meaning is the plain line-by-line reading
 * below; the two must agree on every string, including the Unicode blanks `trim` removes.
 */
const lineByLine = (s: string) =>
  s
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();


describe('normaliseText', () => {
  it('agrees with the line-by-line reading on 50,000 strings of letters and blanks', () => {
    const pieces = ['a', 'b', ' ', ' ', '  ', '\t', '\n', '\n', '\n\n\n', '\r', '\u00a0', '\u3000', '\u2028', '\ufeff', '\f', '\v', 'é', '\u200b'];
    const next = seededRandom(20261130);
    for (let i = 0; i < 50_000; i++) {
      let s = '';
      const n = Math.floor(next() * 16);
      for (let j = 0; j < n; j++) s += pieces[Math.floor(next() * pieces.length)];
      expect(normaliseText(s), JSON.stringify(s)).toBe(lineByLine(s));
    }
  });

  it('folds blanks, trims lines and keeps at most one blank line', () => {
    expect(normaliseText('  one \t two  \n\n\n\n  three\u00a0four \n')).toBe('one two\n\nthree four');
  });
});

describe('textOf', () => {
  const el = (html: string) => linkedomKit.parseHtml(`<!doctype html><html><body><div id="x">${html}</div></body></html>`).getElementById('x')!;

  it('puts a blank line between blocks and a break at <br>, folds source whitespace, keeps <pre> as written', () => {
    expect(textOf(el('<p>first\n   line</p><p>second<br>third</p><pre>  a\n    b</pre>'))).toBe('first line\n\nsecond\nthird\n\n  a\n    b');
  });

  it('leaves no private stand-in behind, whatever the preformatted part holds', () => {
    for (const html of ['<pre>\f</pre>a', '<pre>a\fb</pre>', '<pre><br></pre>x', '<pre>a<p>b</p></pre>', '<code>\t</code>', '<pre></pre>', '<p>plain</p>']) {
      expect(textOf(el(html)), html).not.toMatch(/[\ue000-\ue003\u0091]/);
    }
    expect(textOf(el('<pre>a<br>b</pre>'))).toBe('a\nb');
  });

  it("keeps a page's own U+0091 (the walk's line-break stand-in) as text, in and out of preformatted parts", () => {
    // Windows quotes decoded twice arrive as U+0091/U+0092.
    expect(textOf(el('<p>\u0091quoted\u0092</p>  <p>next</p>'))).toBe('\u0091quoted\u0092\n\nnext');
    expect(textOf(el('<pre> \u0091 \n\u0091</pre>'))).toBe(' \u0091 \n\u0091');
    expect(textOf(el('a \u0091 b'))).toBe('a \u0091 b');
  });

  it('skips excluded parts, scripts and non-emoji images', () => {
    expect(textOf(el('mine <blockquote>theirs</blockquote><script>x()</script><img alt="photo"><img alt=":boom:">'), 'blockquote')).toBe('mine :boom:');
  });
});

/*
 * textOf takes shortcuts (blanks folded in one pass over the whole text, break stand-ins, no line splitting).
 * Its meaning is this plain reading: the text with block breaks, then normaliseText line by line.
 */
const BLOCKS = new Set(['p', 'div', 'li', 'ul', 'blockquote', 'pre', 'h2', 'table', 'tr', 'td']);
function plainText(el: Element): string {
  const walk = (node: Node, pre: boolean): string => {
    let out = '';
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        const v = c.nodeValue ?? '';
        out += pre ? v.replace(/\r\n?/g, '\n').replace(/[ \u00a0]/g, '\ue000').replace(/\t/g, '\ue001').replace(/\n/g, '\ue002') : v.replace(/[ \t\r\n\f]+/g, ' ');
      } else if (c.nodeType === 1) {
        const tag = (c as Element).localName;
        if (tag === 'script') continue;
        if (tag === 'br') {
          out += pre ? '\ue002' : '\n';
          continue;
        }
        const inner = walk(c, pre || tag === 'pre' || tag === 'code');
        const nl = pre ? '\ue002' : '\n';
        out += BLOCKS.has(tag) ? nl + inner + nl : inner;
      }
    }
    return out;
  };
  return lineByLine(walk(el, false)).replace(/[\ue000-\ue002]/g, (c) => (c === '\ue000' ? ' ' : c === '\ue001' ? '\t' : '\n'));
}

/**
 * Random post bodies: `opens` are start tags (closed after their random content), `voids` are pieces
 * without content, `texts` are HTML text. Each level holds one to four pieces; below `maxDepth` a piece
 * is text with odds `pText`, a void piece with odds `pVoid`, else an element.
 */
function randomPosts(next: () => number, o: { texts: string[]; opens: string[]; voids: string[]; maxDepth: number; pText: number; pVoid: number }): () => Element {
  const pick = <T,>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const fragment = (depth: number): string => {
    let html = '';
    const n = 1 + Math.floor(next() * 4);
    for (let i = 0; i < n; i++) {
      const r = next();
      if (depth > o.maxDepth || r < o.pText) html += pick(o.texts);
      else if (r < o.pText + o.pVoid) html += pick(o.voids);
      else {
        const open = pick(o.opens);
        html += `${open}${fragment(depth + 1)}</${/^<(\w+)/.exec(open)![1]}>`;
      }
    }
    return html;
  };
  return () => linkedomKit.parseHtml(`<!doctype html><html><body><div id="x">${fragment(0)}</div></body></html>`).getElementById('x')!;
}

describe('textOf against the plain reading', () => {
  it('agrees on 5,000 random fragments of text, blanks, blocks, breaks and preformatted parts', () => {
    const texts = ['word', 'two words', '  ', ' ', '\t', '\n', '\u00a0', '\u3000', '\r\n', 'x\u00a0 y', '\f', 'é', '\v', '\u2003', ' \ufeff ', 'a\u200bb', '\u0091', 'it\u0092s \u0091q'];
    const post = randomPosts(seededRandom(7), {
      texts: texts.map((t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;')),
      opens: ['p', 'span', 'b', 'div', 'pre', 'code', 'li', 'script'].map((t) => `<${t}>`),
      voids: ['<br>'],
      maxDepth: 2,
      pText: 0.5,
      pVoid: 0.06,
    });
    for (let i = 0; i < 5_000; i++) {
      const root = post();
      expect(textOf(root), root.innerHTML).toBe(plainText(root));
    }
  });
});

/**
 * Stored HTML read plainly: the HTML fragment serialization of the content, with the elements the store
 * drops (scripts, forms, frames, inputs...) and excluded ones left out with their content, comments left
 * out, event handlers and styles dropped, links made absolute. Blank lines are folded by the caller.
 */
function plainHtml(el: Element, base: string, excluded: (x: Element) => boolean): string {
  const drop = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'select', 'textarea', 'link', 'meta', 'base']);
  const empty = new Set(['br', 'img', 'hr', 'input', 'wbr', 'source', 'meta', 'link']);
  const esc = (v: string, attr: boolean) => v.replace(attr ? /[&<>"\u00a0]/g : /[&<>\u00a0]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\u00a0': '&nbsp;' })[c]!);
  let out = '';
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3) out += esc(c.nodeValue ?? '', false);
    if (c.nodeType !== 1) continue;
    const x = c as Element;
    if (drop.has(x.localName) || excluded(x)) continue;
    out += `<${x.localName}`;
    for (const name of x.getAttributeNames()) {
      if (name.startsWith('on') || name === 'style') continue;
      const v = x.getAttribute(name) ?? '';
      out += ` ${name}="${esc(name === 'href' || name === 'src' ? new URL(v, base).href : v, true)}"`;
    }
    out += '>';
    if (empty.has(x.localName) && !x.namespaceURI?.endsWith('/svg')) continue; // inside svg every element has an end tag
    out += `${plainHtml(x, base, excluded)}</${x.localName}>`;
  }
  return out;
}

/** Paragraph-long texts (the walk searches them otherwise than the short blanks between elements), each holding one kind of special character or none. */
const LONG_TEXTS = [
  'a paragraph of plain words, long enough to be searched one character at a time',
  'a paragraph of words &amp; an ampersand, long enough to be searched one character at a time',
  'a paragraph with &lt;tags&gt; in its words, long enough to be searched one character at a time',
  'a paragraph with a no-break\u00a0space, long enough to be searched one character at a time',
  'a paragraph holding a \u0091 control character, long enough to be searched one character at a time',
  '  \n  a paragraph with blank space around it, long enough to be searched one character at a time  \n ',
];

describe('bodyParts', () => {
  const BASE = 'https://forum.example/t/1';
  /** The signature block, left out of stored HTML. */
  const excluded = (x: Element) => x.localName === 'div' && x.getAttribute('class') === 'sig';

  it('gives what textSkipping and cleanHtmlWhere give, from one walk, on 3,000 random posts', () => {
    const post = randomPosts(seededRandom(42), {
      texts: ['word', ' ', '\n', '  \n ', '\n\n\n', '\u00a0', 'a &amp; b', '&lt;x&gt;', '\u2003', '\t', 'a\u0091b', '\u0091&amp;', ...LONG_TEXTS],
      opens: ['<p>', '<span class="q">', '<span title="one\n\n\ntwo\n">', '<blockquote>', '<div class="sig">', '<pre>', '<code>', '<form>', '<svg viewBox="0 0 1 1">', '<button>', '<a href="/u/1" onclick="x()">', '<li>', '<textarea>'],
      voids: ['<br>', '<img src="/e.png" alt=":boom:">', '<img src="/p.png" alt="photo">', '<input name="q">', '<hr>', '<script>x()</script>', '<iframe src="/f"></iframe>', '<!-- note -->'],
      maxDepth: 3,
      pText: 0.4,
      pVoid: 0.15,
    });
    for (let i = 0; i < 3_000; i++) {
      const root = post();
      const skip = new Set<Node>(Array.from(root.querySelectorAll('blockquote, span.q')));
      expect(bodyParts(root, BASE, skip, excluded), root.innerHTML).toEqual({ text: textSkipping(root, skip), html: cleanHtmlWhere(root, BASE, excluded) });
    }
  });

  it('stores the HTML a plain serialization gives, blank lines folded, on 3,000 random posts', () => {
    const post = randomPosts(seededRandom(99), {
      texts: ['word', ' ', '\n', '\n\n', ' \n\n ', '\u00a0', 'a &amp; b', '&lt;x&gt;', '\u0091 \u0091', ...LONG_TEXTS],
      opens: ['<p>', '<span title="one\n\n\ntwo\n">', '<blockquote>', '<div class="sig">', '<pre>', '<form>', '<svg viewBox="0 0 1 1">', '<a href="/u/1" onclick="x()" style="c">'],
      voids: ['<br>', '<img src="/p.png" alt="photo">', '<input name="q">', '<script>x()</script>', '<!-- note -->'],
      maxDepth: 3,
      pText: 0.45,
      pVoid: 0.15,
    });
    for (let i = 0; i < 3_000; i++) {
      const root = post();
      expect(cleanHtmlWhere(root, BASE, excluded), root.innerHTML).toBe(plainHtml(root, BASE, excluded).replace(/\n{2,}/g, '\n').trim());
    }
  });

  it('leaves nothing behind from a walk an exception cut short', () => {
    const el = (html: string) => linkedomKit.parseHtml(`<!doctype html><html><body><div id="x">${html}</div></body></html>`).getElementById('x')!;
    const long = el('<p>one</p><p>two</p><p>three</p><b>four</b>');
    const failing = (x: Element) => {
      if (x.localName === 'b') throw new Error('test failure in a predicate');
      return false;
    };
    expect(() => bodyParts(long, 'https://forum.example/', null, failing)).toThrow('test failure');
    expect(bodyParts(el('<i>five</i>'), 'https://forum.example/', null)).toEqual({ text: 'five', html: '<i>five</i>' });
  });
});

/*
 * The licence check reads a footer's text only when `textMayMatch` says its words may hold "CC" or
 * "Creative": a false answer must mean the text really holds neither, on real pages and on markup
 * where the walk's text differs from the text nodes joined (left-out elements, image alts).
 */
describe('textMayMatch', () => {
  const CC = /cc|creative/i;
  const body = (html: string) => linkedomKit.parseHtml(`<!doctype html><html><body>${html}</body></html>`).body.firstElementChild!;

  it('answers true where the text, as the walk writes it, names the words', () => {
    for (const html of [
      '<footer>Licensed <b>C</b><i>C</i> BY 4.0</footer>',
      '<footer>C<script>x</script>C BY-SA 4.0</footer>',
      '<footer><span>Crea</span>tive Commons Attribution 4.0</footer>',
      '<footer>C<img alt=":c" src="s.gif">CBY</footer>',
      // An alt the walk leaves out joins the letters around it; a smiley's is written.
      '<footer>C<img alt="photo" src="a.jpg">C BY 4.0</footer>',
      '<footer><img alt=":cc:" src="s.gif"> BY</footer>',
    ]) {
      const el = body(html);
      expect(CC.test(textOf(el)), html).toBe(true);
      expect(textMayMatch(el, CC), html).toBe(true);
    }
  });

  it('answers false for a byline whose avatar alt names the words but is not written', () => {
    const el = body('<footer class="comment-meta"><img alt="Creative Commons fan" src="a.jpg" class="avatar"> Anna says:</footer>');
    expect(CC.test(textOf(el))).toBe(false);
    expect(textMayMatch(el, CC)).toBe(false);
  });

  it('answers false only where the text holds no match, on every element of real pages', () => {
    let refused = 0;
    // foxyfolksy: every comment byline holds an avatar image.
    for (const page of ['wordpress_comments/netzpolitik-abmahnungen-comments.html', 'wordpress_comments/foxyfolksy-chocolate-buttercream-comments.html', 'vbulletin/futura-sciences-78761-moderateurs-fr.html', 'phpbb/odroid-viewtopic-22170.html']) {
      const doc = linkedomKit.parseHtml(decodePage(corpusBytes(page)));
      for (const el of Array.from(doc.querySelectorAll('body *'))) {
        if (textMayMatch(el, CC)) continue;
        refused++;
        expect(CC.test(textOf(el)), `${page}: <${el.localName} class="${el.getAttribute('class') ?? ''}">`).toBe(false);
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});

/*
 * Preformatted text without blanks the fold would touch is kept aside during the walk and put back
 * after it (dom.ts `PRE_PIECE`); the rest takes the stand-in path. Both must give what the stand-ins
 * alone gave: these outputs were written by the walk before pieces were kept aside.
 */
describe('preformatted text kept aside during the walk', () => {
  const cases: [string, string][] = [
    ["<div>a <pre>  x\r\n\ty  z \u00a0\n\n\n w </pre> b</div>", "a\n  x\n\ty  z  \n\n\n w \nb"],
    ["<div>a<pre>\u0091q\u0091</pre>\u0091b</div>", "a\n\u0091q\u0091\n\u0091b"],
    ["<div>one <code>x  y</code>  two <pre>\u3000\u3000k\f\fm</pre> three</div>", "one x  y two\nk\f\fm\nthree"],
    ["<div>own \ue005 char <pre>p  q</pre> and \ue000 here</div>", "own \ue005 char\np  q\nand   here"],
    ["<div><pre> </pre><pre>\n</pre>x<pre></pre> y</div>", " \n\n\n\nx\n\ny"],
    ["<div><p>para</p><pre>line1\n  line2\n</pre><p>after</p></div>", "para\n\nline1\n  line2\n\n\nafter"],
  ];
  it.each(cases)('%j', (html, expected) => {
    const doc = linkedomKit.parseHtml(`<!doctype html><html><body>${html}</body></html>`);
    const el = doc.body.firstElementChild!;
    expect(textOf(el)).toBe(expected);
    expect(bodyParts(el, 'https://example.org/', null).text).toBe(expected);
  });
});
