import { describe, expect, test } from 'vitest';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { decodePage } from '../../lib/extract/index.ts';
import { AI_AGENTS, optOutRefusal, optOutVerdict, parseTdmrep, robotsAiBlocks, tdmRuleFor } from '../../lib/license/index.ts';
import { corpusBytes } from '../support/corpus.ts';

const now = new Date('2025-03-01T10:00:00Z');
const page = (head: string) => linkedomKit.parseHtml(`<!doctype html><html><head>${head}</head><body><p>x</p></body></html>`);

describe('TDMRep /.well-known/tdmrep.json', () => {
  // Built from the TDMRep documented format (an array of {location, tdm-reservation, tdm-policy}); no real sample.
  const file = JSON.stringify([
    { location: '/', 'tdm-reservation': 0 },
    { location: '/forum/*', 'tdm-reservation': 1, 'tdm-policy': 'https://example.org/tdm-policy.json' },
    { location: '/forum/open/*', 'tdm-reservation': 0 },
    { location: '*.pdf$', 'tdm-reservation': 1 },
    { location: '/wiki/Page$', 'tdm-reservation': 1 },
  ]);
  test.each([
    ['https://example.org/', false, '/'],
    ['https://example.org/forum/t/1', true, '/forum/*'],
    ['https://example.org/forum/open/t/2', false, '/forum/open/*'],
    ['https://example.org/files/rules.pdf', true, '*.pdf$'],
    ['https://example.org/files/rules.pdf?dl=1', false, '/'],
    ['https://example.org/wiki/Page', true, '/wiki/Page$'],
    ['https://example.org/wiki/Page2', false, '/'],
  ])('%s → reserved %s (rule %s)', (url, reserved, location) => {
    const parsed = parseTdmrep(file);
    if (!parsed.ok) throw new Error(parsed.error);
    const rule = tdmRuleFor(parsed.rules, url);
    expect(rule?.location).toBe(location);
    expect(optOutVerdict({ url, tdmrep: file, now }).tdmrep).toBe(reserved);
  });

  test('a reservation blocks, naming the rule and policy', () => {
    const v = optOutVerdict({ url: 'https://example.org/forum/t/1', tdmrep: file, now });
    expect(v).toEqual({
      blocked: true,
      reasons: ['The site reserves text and data mining rights for this page in /.well-known/tdmrep.json (rule "/forum/*", policy https://example.org/tdm-policy.json).'],
      notes: [],
      checkedAt: '2025-03-01T10:00:00.000Z',
      tdmrep: true,
      robotsAi: null,
      meta: null,
    });
  });

  test('an unreadable file is ignored with a note, not guessed', () => {
    const v = optOutVerdict({ url: 'https://example.org/a', tdmrep: '<html>404</html>', now });
    expect(v.blocked).toBe(false);
    expect(v.tdmrep).toBe(false);
    expect(v.notes[0]).toMatch(/^tdmrep\.json is not valid JSON/);
    expect(parseTdmrep({ location: '/' })).toEqual({ ok: false, error: 'tdmrep.json is not an array of rules' });
  });

  test('no matching rule means no reservation', () => {
    expect(optOutVerdict({ url: 'https://example.org/blog/x', tdmrep: [{ location: '/forum/', 'tdm-reservation': 1 }], now }).tdmrep).toBe(false);
  });
});

describe('headers and meta tags', () => {
  test.each([
    [{ 'TDM-Reservation': '1' }, true, 'tdm-reservation: 1'],
    [{ 'tdm-reservation': '0' }, false, null],
    [new Headers({ 'tdm-reservation': '1' }), true, 'tdm-reservation: 1'],
  ])('tdm-reservation header %j', (headers, blocked, text) => {
    const v = optOutVerdict({ url: 'https://example.org/a', headers, now });
    expect(v.blocked).toBe(blocked);
    expect(v.tdmrep).toBe(blocked);
    if (text) expect(v.reasons[0]).toContain(text);
  });

  test('<meta name="tdm-reservation" content="1">', () => {
    const v = optOutVerdict({ url: 'https://example.org/a', doc: page('<meta name="tdm-reservation" content="1">'), now });
    expect(v.blocked).toBe(true);
    expect(v.tdmrep).toBe(true);
  });

  test.each([
    ['<meta name="robots" content="noai, noimageai">', true, ['noai'], true],
    ['<meta name="robots" content="index, follow">', false, [], false],
    ['<meta name="ROBOTS" content="NOAI">', true, ['noai'], false],
    ['<meta name="robots" content="noimageai">', false, [], true],
  ])('%s', (tag, blocked, _words, imageNote) => {
    const v = optOutVerdict({ url: 'https://example.org/a', doc: page(tag), now });
    expect(v.blocked).toBe(blocked);
    expect(v.meta).toBe(blocked);
    expect(v.notes.some((n) => n.includes('noimageai'))).toBe(imageNote);
  });

  test.each([
    ['noai', true],
    ['noindex, noai', true],
    ['otherbot: noai', true],
    ['noindex, nofollow', false],
  ])('X-Robots-Tag: %s', (value, blocked) => {
    const v = optOutVerdict({ url: 'https://example.org/a', headers: { 'X-Robots-Tag': value }, now });
    expect(v.blocked).toBe(blocked);
    expect(v.meta).toBe(blocked);
  });

  test('a real corpus page carries no opt-out meta', () => {
    const doc = linkedomKit.parseHtml(decodePage(corpusBytes('discourse/meta-discourse-octoverse-topic.html')));
    const v = optOutVerdict({ url: 'https://meta.discourse.org/t/x/12483', doc, now });
    expect(v).toMatchObject({ blocked: false, tdmrep: false, meta: false, robotsAi: null });
  });

  test('the same page with noai inserted is blocked', () => {
    const html = decodePage(corpusBytes('discourse/meta-discourse-octoverse-topic.html')).replace('</head>', '<meta name="robots" content="noai"></head>');
    expect(optOutVerdict({ url: 'https://meta.discourse.org/t/x/12483', doc: linkedomKit.parseHtml(html), now }).blocked).toBe(true);
  });
});

describe('robots.txt AI agents', () => {
  const url = 'https://forum.example.org/t/strategy/42';
  test.each([
    ['no AI rules', 'User-agent: *\nDisallow: /admin/\n', []],
    ['a general block is crawl control, not an AI opt-out', 'User-agent: *\nDisallow: /\n', []],
    ['GPTBot blocked site-wide', 'User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n', ['GPTBot']],
    ['several agents in one group', 'User-agent: CCBot\nUser-agent: ClaudeBot\nUser-agent: anthropic-ai\nDisallow: /t/\n', ['CCBot', 'anthropic-ai', 'ClaudeBot']],
    ['an AI block on another path', 'User-agent: GPTBot\nDisallow: /private/\n', []],
    ['an allow for the page path wins', 'User-agent: Google-Extended\nDisallow: /\nAllow: /t/\n', []],
    ['wildcards', 'User-agent: PerplexityBot\nDisallow: /t/*/42\n', ['PerplexityBot']],
    ['case-insensitive agent names', 'user-agent: bytespider\ndisallow: /\n', ['Bytespider']],
    ['Gleaner itself', 'User-agent: Gleaner\nDisallow: /t/\n', ['Gleaner']],
    ['cohere-ai', 'User-agent: cohere-ai\nDisallow: /\n', ['cohere-ai']],
  ])('%s', (_name, robots, agents) => {
    expect(robotsAiBlocks(robots, url)).toEqual(agents);
    const v = optOutVerdict({ url, robotsTxt: robots, now });
    expect(v.robotsAi).toBe(agents.length > 0);
    expect(v.blocked).toBe(agents.length > 0);
    if (agents.length) expect(v.reasons).toEqual([`robots.txt disallows this page for AI crawlers: ${agents.join(', ')}.`]);
  });
  test('the agent list covers the named crawlers', () => {
    expect([...AI_AGENTS]).toEqual(['GPTBot', 'CCBot', 'Google-Extended', 'anthropic-ai', 'ClaudeBot', 'cohere-ai', 'Bytespider', 'PerplexityBot', 'Gleaner']);
  });
});

describe('combined verdicts and consent', () => {
  test('all signals at once are all reported', () => {
    const v = optOutVerdict({
      url: 'https://example.org/forum/t/1',
      tdmrep: [{ location: '/forum/', 'tdm-reservation': 1 }],
      headers: { 'x-robots-tag': 'noai' },
      doc: page('<meta name="robots" content="noai">'),
      robotsTxt: 'User-agent: GPTBot\nDisallow: /\n',
      now,
    });
    expect(v.reasons).toHaveLength(4);
    expect(v).toMatchObject({ blocked: true, tdmrep: true, meta: true, robotsAi: true });
  });
  test('nothing given: nothing checked', () => {
    expect(optOutVerdict({ url: 'https://example.org/a', now })).toEqual({ blocked: false, reasons: [], notes: [], checkedAt: '2025-03-01T10:00:00.000Z', tdmrep: null, robotsAi: null, meta: null });
  });
  test('an opt-out refuses open-licence entries but not the author\'s own or opted-in ones', () => {
    const v = optOutVerdict({ url: 'https://example.org/a', headers: { 'tdm-reservation': '1' }, now });
    expect(optOutRefusal(v, 'open_license')).toMatch(/^This page opts out of AI use: .*only if you wrote the posts yourself or every author has opted in\.$/);
    expect(optOutRefusal(v, 'moderator_attestation')).not.toBeNull();
    expect(optOutRefusal(v, 'self')).toBeNull();
    expect(optOutRefusal(v, 'author_opt_in')).toBeNull();
  });
});
