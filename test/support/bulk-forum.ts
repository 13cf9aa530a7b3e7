import { corpusBytes } from './corpus.ts';

/**
 * A small SMF forum for bulk-capture tests, built at run time from the corpus's real SMF 2.0 RC3 board
 * and topic pages (never copied into the repository): two board pages of 20 topics, every topic served
 * from the real topic markup with its ids rewritten, some topics with a second page, one topic that
 * answers 503 twice before succeeding, one disallowed by robots.txt.
 */
export interface ForumRoute {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface BulkForum {
  boardUrl: string;
  /** Every topic the board lists, by canonical first-page URL. */
  topics: string[];
  multiPage: string[];
  flaky: string;
  disallowed: string;
  /** The forum's rules page, read when a job is created with an attestation. */
  termsUrl: string;
  route(path: string): ForumRoute | null;
}

const OLD = 'http://forums.contribs.org/';
export const RULES_PAGE =
  '<!doctype html><html><head><title>Forum rules</title><script>var x = 1;</script></head><body><nav>Home · Rules</nav><main><h1>Forum rules</h1>' +
  '<p>Be civil.</p><p>Posts you make on this forum are licensed to everyone under <a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>.</p></main></body></html>';
const latin = (rel: string) => new TextDecoder('utf-8').decode(corpusBytes(rel));

function pagesDiv(links: string): string {
  return `<div class="floatleft middletext">Pages: ${links}</div>`;
}

export function buildForum(origin: string): BulkForum {
  const board = latin('smf/smf2-rc3-board-9-index.html').replaceAll(OLD, `${origin}/`).replace(/[?&;]PHPSESSID=\w+/g, '');
  const topic = latin('smf/smf2-rc3-topic-38573-faq.html').replaceAll(OLD, `${origin}/`).replace(/[?&;]PHPSESSID=\w+/g, '');
  const ids = Array.from(board.matchAll(/<span id="msg_\d+"><a href="[^"]*topic,(\d+)\.0\.html/g), (m) => Number(m[1]));
  const boardUrl = (p: number) => `${origin}/index.php/board,9.${p * 20}.html`;
  const pageDivRe = /<div class="floatleft middletext">Pages:.*?<\/div>/g;
  // Board page 2 lists the same rows under new topic ids (+ 100000), so the forum has 40 distinct topics.
  const boardPage = (p: number) => {
    let html = board.replace(pageDivRe, pagesDiv(p === 0 ? `[<strong>1</strong>] <a class="navPages" href="${boardUrl(1)}">2</a>` : `<a class="navPages" href="${boardUrl(0)}">1</a> [<strong>2</strong>]`));
    if (p === 1) html = html.replace(/topic,(\d+)\./g, (_, n) => `topic,${Number(n) + 100000}.`);
    return html;
  };
  const allIds = [...ids, ...ids.map((n) => n + 100000)];
  const topicUrl = (id: number, start = 0) => `${origin}/index.php/topic,${id}.${start}.html`;
  const multi = new Set(allIds.filter((_, i) => i % 9 === 0));
  const flakyId = allIds[5]!;
  const disallowedId = allIds[7]!;
  const topicPage = (id: number, start: number) => {
    const second = start > 0;
    const shift = (n: string) => `${id}${second ? '2' : '1'}${n.slice(-3)}`;
    let html = topic
      .replace(/topic,38573\.(\d+)/g, (_, s) => `topic,${id}.${s}`)
      .replace(/msg_(\d+)/g, (_, n) => `msg_${shift(n)}`)
      .replace(/#msg(\d+)/g, (_, n) => `#msg${shift(n)}`)
      .replace(/<title>/, `<title>Topic ${id}: `);
    const pageLinks = /Pages: \[<strong>1<\/strong>\].*?<\/div>/g;
    if (!multi.has(id)) html = html.replace(pageLinks, 'Pages: [<strong>1</strong>]</div>');
    else if (second) html = html.replace(pageLinks, `Pages: <a class="navPages" href="${topicUrl(id)}">1</a> [<strong>2</strong>]</div>`);
    return html;
  };
  let flakyCount = 0;
  const ok = (body: string, type = 'text/html; charset=utf-8'): ForumRoute => ({ status: 200, headers: { 'content-type': type }, body });
  return {
    boardUrl: boardUrl(0),
    topics: allIds.map((id) => topicUrl(id)),
    multiPage: [...multi].map((id) => topicUrl(id)),
    flaky: topicUrl(flakyId),
    disallowed: topicUrl(disallowedId),
    termsUrl: `${origin}/terms`,
    route(path) {
      // No real rules page is in the corpus: a short one in the usual shape (title, rules, a licence clause).
      if (path === '/terms') return ok(RULES_PAGE);
      if (path === '/robots.txt') return ok(`User-agent: *\nDisallow: /index.php/topic,${disallowedId}.\n`, 'text/plain');
      const b = /^\/index\.php\/board,9\.(\d+)\.html$/.exec(path);
      if (b && (b[1] === '0' || b[1] === '20')) return ok(boardPage(Number(b[1]) / 20));
      const t = /^\/index\.php\/topic,(\d+)\.(\d+)\.html$/.exec(path);
      if (!t || !allIds.includes(Number(t[1]))) return null;
      const id = Number(t[1]);
      const start = Number(t[2]);
      if (start !== 0 && !(start === 15 && multi.has(id))) return null;
      if (id === flakyId && start === 0 && flakyCount++ < 2) return { status: 503, headers: { 'retry-after': '1', 'content-type': 'text/plain' }, body: 'busy' };
      return ok(topicPage(id, start));
    },
  };
}
