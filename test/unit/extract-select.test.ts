import { describe, expect, it } from 'vitest';
import { decodePage, sourceFromText } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { withPageSignals } from '../../lib/extract/page-signals.ts';
import { all, closest, first, firstWithin, is, within } from '../../lib/extract/select.ts';
import { corpusBytes } from '../support/corpus.ts';

/*
 * select.ts answers from the page index and skips the candidates of an alternative one of whose
 * compounds no element of the page carries (`span.name a[name]` on a page without `.name`). Its answers
 * must stay those of the DOM's own querySelectorAll on real pages, for selectors whose ancestors are
 * there, are missing, or are missing for one alternative only; and `within`, `firstWithin`, `is` and
 * `closest`, which try only the alternatives that can match on the page, those of the DOM's own calls.
 */
const PAGES = [
  'wordpress_comments/netzpolitik-abmahnungen-comments.html',
  'phpbb/phpbb2-forumer-viewtopic-805.html',
  'phpbb/odroid-viewtopic-22170.html',
  'xenforo/katzen-forum.net-pepe.html',
];

const SELECTORS = [
  'span.name a[name], span.name a[id]',
  'div.post[id^="p"] .postbody',
  'body#phpbb .postbody, .postbody',
  'li > a[href]',
  '* > a[href]',
  'ol .comment-author a',
  'article .message-body, span.no-such-class a',
  'footer a[href*="creativecommons.org/"]',
  'div.no-such-class > span, td.postbody',
];

describe('selectors answered from the page index', () => {
  for (const page of PAGES) {
    it(`match what querySelectorAll matches on ${page}`, () => {
      const doc = (sourceFromText(decodePage(corpusBytes(page)), 'https://example.org/', linkedomKit) as { doc: Document }).doc;
      // Elements named by their place in the document: comparing DOM nodes deeply would walk the whole page.
      const rank = new Map(Array.from(doc.querySelectorAll('*')).map((el, i) => [el, i]));
      const places = (els: (Element | null)[]) => els.map((el) => (el ? (rank.get(el) ?? -1) : null));
      let matched = 0;
      for (const selector of SELECTORS) {
        // The index covers the root element; linkedom keeps markup written after `</html>` (phpBB 2 pages
        // have some) beside it, where querySelectorAll finds it too.
        const expected = Array.from(doc.querySelectorAll(selector)).filter((el) => doc.documentElement.contains(el));
        matched += expected.length;
        withPageSignals(doc, () => {
          expect(places(all(doc, selector)), selector).toEqual(places(expected));
          expect(places([first(doc, selector)]), selector).toEqual(places([expected[0] ?? null]));
          const body = doc.body;
          expect(places(within(body, selector)), selector).toEqual(places(Array.from(body.querySelectorAll(selector))));
          expect(places([firstWithin(body, selector)]), selector).toEqual(places([body.querySelector(selector)]));
          // A sample of the page's elements, asked one by one.
          const sample = Array.from(rank.keys()).filter((_, i) => i % 7 === 0);
          expect(sample.map((el) => is(el, selector)), selector).toEqual(sample.map((el) => el.matches(selector)));
          expect(places(sample.map((el) => closest(el, selector))), selector).toEqual(places(sample.map((el) => el.closest(selector))));
        });
      }
      // The selectors find something on each page, so the comparison is not of empty lists only.
      expect(matched).toBeGreaterThan(0);
    });
  }
});
