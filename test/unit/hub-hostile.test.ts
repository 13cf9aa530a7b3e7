import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { marked } from 'marked';
import { sanitizedFragment } from '../../lib/ext/sanitize.ts';
import { entriesMarkdown } from '../../lib/curate/export.ts';
import { mdBlock } from '../../lib/curate/markdown-safe.ts';
import { checkEntryLimits, describeLimitIssues, HUB_LIMITS } from '../../lib/model/limits.ts';
import { buildDataset } from '../../hub/publish.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { qaEntry } from '../support/entries.ts';

/** Hostile content end to end: sanitized fragments, Markdown written to exports and releases, and limits known before sending. */

describe('sanitized fragments', () => {
  const links = '<a href="/relative">r</a> <a href="#top">t</a> <a href="mailto:a@example.org">m</a> <a href="javascript:alert(1)">j</a> <a href="https://example.org/ok">ok</a>';
  const check = (frag: DocumentFragment) => {
    const as = Array.from(frag.querySelectorAll('a'));
    expect(as.map((a) => a.getAttribute('href'))).toEqual([null, null, null, null, 'https://example.org/ok']);
    for (const a of as) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    }
  };

  it('applies the link rules to every post, not only the first one sanitized', () => {
    const { window } = new JSDOM('<!doctype html><body></body>');
    const doc = window.document;
    check(sanitizedFragment(`<p>first post ${links}</p>`, doc));
    check(sanitizedFragment(`<p>second post ${links}</p>`, doc));
    check(sanitizedFragment(`<p>third post ${links}</p>`, doc));
  });

  it('applies them in every document (another extension page)', () => {
    for (let i = 0; i < 2; i++) check(sanitizedFragment(`<div>${links}</div>`, new JSDOM('<!doctype html><body></body>').window.document));
  });
});

/**
 * Raw HTML, script links, images and entity tricks as they can appear in a post's Markdown text, or
 * as plain text of a post that discusses markup.
 */
const VECTORS = [
  '<script>fetch("/xss-script")</script>',
  '<img src="/xss-img" onerror="fetch(\'/xss-onerror\')">',
  '<img src=x onerror=alert(1)//',
  '<svg onload="fetch(\'/xss-svg\')"></svg>',
  '<iframe src="/xss-iframe"></iframe>',
  '<details open ontoggle="fetch(\'/xss-toggle\')">d</details>',
  '<style>body{background:url(/xss-css)}</style>',
  '<a href="javascript:fetch(\'/xss-a\')">click</a>',
  '<!-- comment --><div onmouseover="alert(1)">hover</div>',
  '[click](javascript:alert(1))',
  '[click](<javascript:alert(1)>)',
  '[entity](&#106;avascript:alert(1))',
  '[ref][x]\n\n[x]: javascript:alert(1)',
  '![pixel](https://tracker.example/pixel.png)',
  '![pixel][p]\n\n[p]: https://tracker.example/p.png',
  '<https://autolink.example/>',
  '<http://example.org/a onmouseover=alert(1)>',
  '`<b>code span</b>` and <b>bold</b>',
  '```html\n<script>in a fence</script>\n```',
  '<textarea><script>alert(1)</script></textarea>',
  '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
].join('\n\n');

/** Elements a plain Markdown render of our files may contain: text structure, links, code. */
const ALLOWED = new Set(['H1', 'H2', 'H3', 'H4', 'P', 'EM', 'STRONG', 'DEL', 'UL', 'OL', 'LI', 'A', 'CODE', 'PRE', 'BLOCKQUOTE', 'HR', 'BR', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD']);

function inert(markdown: string): string[] {
  const html = marked.parse(markdown, { async: false, gfm: true });
  const doc = new JSDOM(`<!doctype html><body>${html}</body>`).window.document;
  const bad: string[] = [];
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    if (!ALLOWED.has(el.tagName)) bad.push(`<${el.tagName.toLowerCase()}>`);
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name) || attr.name === 'style' || attr.name === 'src') bad.push(`${el.tagName.toLowerCase()}[${attr.name}]`);
      if (attr.name === 'href' && !/^(https?:|mailto:)/i.test(attr.value)) bad.push(`a[href=${attr.value}]`);
    }
  }
  // Comments are inert but are raw HTML too.
  if (/<!--/.test(html)) bad.push('comment');
  return bad;
}

async function hostileEntries(): Promise<Entry[]> {
  const base = (await qaEntry()) as Extract<Entry, { kind: 'qa' }>;
  return [
    { ...base, id: 'hostile-qa', title: '<img src=x onerror=alert(1)> *title*', qa: { question: { ...base.qa.question, text: `${base.qa.question.text}\n\n${VECTORS}` }, answers: base.qa.answers.map((a) => ({ ...a, text: `${VECTORS}\n\n${a.text}` })) }, attribution: { ...base.attribution, text: `${base.attribution.text}\n<img src=/xss-attr onerror=alert(1)>` } },
    { ...base, id: 'hostile-strategy', kind: 'strategy', strategy: { topic: '<script>alert(1)</script>', body: { text: VECTORS, sourcePostIds: ['p'] }, tags: ['<b onmouseover=alert(1)>t</b>'] }, language: '<svg onload=alert(1)>' } as Entry,
  ];
}

describe('Markdown written to exports and releases', () => {
  it('the vectors do render as markup when written raw (the check can fail)', () => {
    expect(inert(VECTORS).length).toBeGreaterThan(10);
  });

  it('a hostile export renders with marked to nothing that runs or loads', async () => {
    const md = entriesMarkdown(await hostileEntries());
    expect(inert(md)).toEqual([]);
    // The text is still there to read.
    expect(md).toContain('in a fence');
    expect(marked.parse(md, { async: false })).toContain('&lt;script&gt;fetch(&quot;/xss-script&quot;)&lt;/script&gt;');
  });

  it("a release's card and attribution render to nothing that runs or loads", async () => {
    const entries = await hostileEntries();
    const hostile = entries.map((e) => ({ ...e, sources: e.sources.map((s) => ({ ...s, title: '<img src=x onerror=alert(1)>', platform: '<script>alert(1)</script>', author: { ...s.author, name: '<svg onload=alert(1)>', url: 'javascript:alert(1)' } })) }));
    const files = buildDataset(hostile, { release: 'v1', name: '<img src=x onerror=alert(1)>' });
    const card = files.get('README.md')!;
    expect(inert(card.slice(card.indexOf('\n---\n', 4) + 5))).toEqual([]);
    expect(inert(files.get('ATTRIBUTION.md')!)).toEqual([]);
  });

  it('keeps ordinary Markdown formatting', () => {
    const text = '**bold** and [a link](https://example.org/x) and `a < b` and 3 < 4\n\n- item\n\n```\nif (a < b) {}\n```';
    expect(mdBlock(text)).toBe(text);
  });
});

describe('hub limits the extension checks before building an entry', () => {
  it('names the attribution over 20,000 characters, the field and the bound', async () => {
    const e = await qaEntry();
    expect(checkEntryLimits(e)).toEqual([]);
    const long = { ...e, attribution: { ...e.attribution, text: 'x'.repeat(20_094) } };
    const issues = checkEntryLimits(long);
    expect(issues).toEqual([{ pointer: '/attribution/text', detail: 'is 20094 characters long; the hub accepts at most 20000' }]);
    expect(HUB_LIMITS.attributionChars).toBe(20_000);
    expect(describeLimitIssues(issues)).toBe('attribution.text is 20094 characters long; the hub accepts at most 20000');
  });

  it('reports each list over its cap without walking into it, and stops at 20 issues', async () => {
    const e = await qaEntry();
    const issues = checkEntryLimits({ ...e, sources: new Array(1_000_000).fill({}), messages: new Array(65).fill({ role: 'user', content: 'x' }) });
    expect(issues.map((i) => i.pointer)).toEqual(['/sources', '/messages']);
    const many = checkEntryLimits({ ...e, messages: Array.from({ length: 60 }, () => ({ role: 'user', content: 'y'.repeat(50_001) })) });
    expect(many).toHaveLength(20);
  });
});
