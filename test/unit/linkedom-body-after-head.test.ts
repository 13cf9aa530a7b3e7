import { describe, expect, it } from 'vitest';
import { Readability } from '@mozilla/readability';
import { DOMParser } from 'linkedom';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { nodeKit } from '../../lib/extract/linkedom-node.ts';
import { decodePage } from '../../lib/extract/index.ts';
import { corpusBytes } from '../support/corpus.ts';

/**
 * Elements written after `</head>` and before `<body>`: a browser's parser puts head content (scripts,
 * links, metas, styles) in the head and anything else at the start of the body. linkedom left them
 * between the two, and its `document.body` then inserted a new, empty body after the head, so the page
 * read as empty to everything starting from the body.
 */
describe('a page with elements between </head> and <body>', () => {
  const page = (between: string) =>
    `<!DOCTYPE html><html><head><title>t</title></head>${between}<body class="b"><p id="first">text</p></body></html>`;

  it('keeps the body the page wrote, with its content', () => {
    const doc = linkedomKit.parseHtml(page('<script>var a = 1;</script><link rel="icon" href="/x.png"><meta name="m" content="c"><style>p{}</style>'));
    expect(doc.body.className).toBe('b');
    expect(doc.body.querySelector('#first')?.textContent).toBe('text');
    expect(doc.querySelectorAll('body')).toHaveLength(1);
    expect(Array.from(doc.documentElement.children, (e) => e.localName)).toEqual(['head', 'body']);
    // In the order written, after what the head already held.
    expect(Array.from(doc.head.children, (e) => e.localName)).toEqual(['title', 'script', 'link', 'meta', 'style']);
  });

  it('puts what is not head content at the start of the body, in order', () => {
    const doc = linkedomKit.parseHtml(page('<div id="banner">notice</div><script></script><p id="intro">hi</p>'));
    expect(Array.from(doc.body.children, (e) => e.id || e.localName)).toEqual(['banner', 'intro', 'first']);
    expect(Array.from(doc.head.children, (e) => e.localName)).toEqual(['title', 'script']);
  });

  it('leaves a well-formed page as it was', () => {
    const html = page('');
    const doc = linkedomKit.parseHtml(html);
    expect(doc.documentElement.outerHTML).toBe(new DOMParser().parseFromString(html, 'text/html').documentElement.outerHTML);
    expect(Array.from(doc.head.children, (e) => e.localName)).toEqual(['title']);
    expect(doc.body.children).toHaveLength(1);
  });

  it('lets Readability read the corpus page that writes scripts and links after </head>', () => {
    const doc = nodeKit.parseHtml(decodePage(corpusBytes('xenforo/gtplanet-thread-378195-f1-2018.html')));
    expect(doc.body.querySelectorAll('li.message').length).toBeGreaterThan(10);
    const article = new Readability(doc).parse();
    expect(article?.textContent?.length ?? 0).toBeGreaterThan(1000);
  });
});
