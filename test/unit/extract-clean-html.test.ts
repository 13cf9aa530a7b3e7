import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { cleanHtml, cleanHtmlWhere, titlePostHtml } from '../../lib/extract/dom.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';

/*
 * Stored post HTML is serialized by our own walk (no copy, no innerHTML). It must keep what a post shows,
 * drop what could act, and be real HTML serialization: the same in linkedom (CLI, bulk) and in a
 * browser-grade DOM (jsdom stands in for the page), and stable when parsed and serialized again.
 */
const BASE = 'https://forum.example/viewtopic.php?t=1';

const inLinkedom = (html: string) => linkedomKit.parseHtml(`<!doctype html><html><body><div id="post">${html}</div></body></html>`).getElementById('post')!;
const inJsdom = (html: string) => new JSDOM(`<!doctype html><html><body><div id="post">${html}</div></body></html>`).window.document.getElementById('post')!;

/** What a browser makes of the stored HTML when it reads it back, serialized by the browser itself. */
const reserialized = (html: string) => {
  const el = inJsdom(html);
  return el.innerHTML;
};

const CASES: [string, string, string][] = [
  ['relative links made absolute, session ids dropped', '<a href="./viewtopic.php?p=5&amp;sid=abc#p5">see</a>', '<a href="https://forum.example/viewtopic.php?p=5#p5">see</a>'],
  ['ampersands in attributes and text escaped', '<a href="/x?a=1&amp;b=2" title="Tom &amp; &quot;Jerry&quot;">A &amp; B &lt;3</a>', '<a href="https://forum.example/x?a=1&amp;b=2" title="Tom &amp; &quot;Jerry&quot;">A &amp; B &lt;3</a>'],
  ['event handlers, styles, srcset and script URLs dropped', '<img src="/i.png" onerror="alert(1)" style="x" srcset="a 1x"><a href="javascript:alert(1)">x</a>', '<img src="https://forum.example/i.png"><a>x</a>'],
  ['active elements dropped with their content', 'a<script>alert(1)</script><style>p{}</style><iframe src="/x"></iframe><form><input name="q"><button>go</button></form>b', 'ab'],
  ['comments left out', 'one<!-- google_ad_section_start -->two<!-- x --><b>three</b>', 'onetwo<b>three</b>'],
  ['void elements have no end tag', 'line<br>next<hr><img src="/a.gif" alt=":)">', 'line<br>next<hr><img src="https://forum.example/a.gif" alt=":)">'],
  ['non-breaking spaces kept as entities', 'a\u00a0b <span title="x\u00a0y">c</span>', 'a&nbsp;b <span title="x&nbsp;y">c</span>'],
  ['angle brackets inside attribute values escaped', '<span title="<img src=x onerror=alert(1)>">t</span>', '<span title="&lt;img src=x onerror=alert(1)&gt;">t</span>'],
  ['nested quotes and lists kept', '<blockquote><cite>Ann wrote:</cite><p>old</p></blockquote><ul><li>one</li><li>two</li></ul>', '<blockquote><cite>Ann wrote:</cite><p>old</p></blockquote><ul><li>one</li><li>two</li></ul>'],
];

describe('stored post HTML', () => {
  for (const [name, input, want] of CASES) {
    it(name, () => {
      const fromLinkedom = cleanHtml(inLinkedom(input), BASE);
      const fromJsdom = cleanHtml(inJsdom(input), BASE);
      expect(fromLinkedom).toBe(want);
      expect(fromJsdom).toBe(want);
      // Real serialization: a browser reading it back and writing it out gets the same bytes.
      expect(reserialized(fromLinkedom)).toBe(fromLinkedom);
    });
  }

  it('leaves out excluded parts by selector or by test, and never the element itself', () => {
    const html = '<p>mine</p><blockquote class="quote"><p>theirs</p></blockquote><div class="signature">sig</div>';
    expect(cleanHtml(inLinkedom(html), BASE, '.quote, .signature')).toBe('<p>mine</p>');
    expect(cleanHtmlWhere(inLinkedom(html), BASE, (x) => x.localName === 'blockquote')).toBe('<p>mine</p><div class="signature">sig</div>');
  });

  it('reads the page without changing it or creating nodes', () => {
    const el = inLinkedom('<a href="/rel" onclick="x()">a</a><script>1</script>');
    const before = el.outerHTML;
    cleanHtml(el, BASE);
    expect(el.outerHTML).toBe(before);
  });

  it('writes a title-only or link post as the serializer would write the same markup', () => {
    const title = 'Tom & "Jerry" <3 >_<\u00a0!';
    const link = 'https://example.org/a?b=1&c=2';
    for (const [out, markup] of [
      [titlePostHtml(title), (t: string) => `<p>${t}</p>`],
      [titlePostHtml(title, link), (t: string) => `<p><a href="${link.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">${t}</a></p>`],
    ] as const) {
      // The same markup parsed from the page's bytes and written by cleanHtml, and read back by a browser.
      const page = markup(title.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
      expect(out).toBe(cleanHtml(inJsdom(page), BASE));
      expect(reserialized(out)).toBe(out);
      expect(inJsdom(out).textContent).toBe(title);
    }
    // An API's link is written as given, its quotes escaped so the attribute ends where it should.
    const quoted = inJsdom(titlePostHtml('t', 'https://example.org/"><b>x')).querySelector('a')!;
    expect(quoted.getAttribute('href')).toBe('https://example.org/"><b>x');
    expect(quoted.textContent).toBe('t');
  });

  it('writes inline SVG children with end tags, as browsers do', () => {
    const input = '<svg viewBox="0 0 1 1"><use xlink:href="#i"></use><path d="M0"/></svg>';
    const out = cleanHtml(inJsdom(input), BASE);
    expect(out).toBe('<svg viewBox="0 0 1 1"><use xlink:href="#i"></use><path d="M0"></path></svg>');
    expect(cleanHtml(inLinkedom(input), BASE)).toBe(out);
  });
});
