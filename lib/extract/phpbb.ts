import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, cleanHtml, lineOf, normaliseText, textOf, textSkipping } from './dom.ts';
import { earliest, hasClass, inClass, inside, inTag, inTagClass, mayHave, queryAllWhere, queryFirst, queryFirstWithin, queryHas, signalsOf, type PageSignals } from './page-signals.ts';
import { isoDate, parseForumDate } from './dates.ts';

/** phpBB 3 (prosilver and themes derived from it) marks each post `div.post` with id `p<ID>`. */
function isPhpbb3(doc: Document): boolean {
  const inPost = (el: Element) => {
    for (let e = el.parentElement; e; e = e.parentElement) if (e.localName === 'div' && e.id.startsWith('p') && hasClass(e, 'post')) return true;
    return false;
  };
  // The selector as code: vBulletin and others also use .postbody, and each candidate would cost a compile.
  const marker = (el: Element) => (hasClass(el, 'postbody') && inPost(el)) || (el.localName === 'body' && el.id === 'phpbb');
  return queryHas(doc, 'div.post[id^="p"] .postbody, body#phpbb', ['.postbody', '#phpbb'], marker);
}
/** phpBB 2 (subSilver and its many copies): a table row per post with `span.name > a[name]` and `td.postbody`. */
function isPhpbb2(doc: Document): boolean {
  return mayHave(doc, ['.name']) && mayHave(doc, ['.postbody']) && !!doc.querySelector('span.name a[name], span.name a[id]') && !!doc.querySelector('.postbody');
}

/** 'h2.topic-title, h2 a[href*="viewtopic"], .maintitle' as code. */
function isTopicTitle(el: Element): boolean {
  if (hasClass(el, 'maintitle')) return true;
  if (el.localName === 'a') return (el.getAttribute('href') ?? '').includes('viewtopic') && inTag(el.parentElement, 'h2');
  return el.localName === 'h2' && hasClass(el, 'topic-title');
}

function topicTitle(doc: Document): string {
  return (
    lineOf(queryFirst(doc, 'h2.topic-title, h2 a[href*="viewtopic"], .maintitle', ['.topic-title', 'a', '.maintitle'], isTopicTitle)) ||
    doc.title.replace(/^.*?::\s*(View topic - )?/i, '').trim()
  );
}

function paginationOf(doc: Document, url: string) {
  // 'a[rel="next"], .pagination a.next, .pagination li.next a'
  const relNext = (a: Element) => a.localName === 'a' && a.getAttribute('rel') === 'next';
  const next = earliest(doc, [queryFirst(doc, 'a[rel="next"]', ['[rel]'], relNext), queryFirstWithin(doc, '.pagination', 'a.next, li.next a')]);
  const current = Number(lineOf(queryFirstWithin(doc, '.pagination', 'li.active span, strong'))) || null;
  return { page: current ?? 1, pageCount: null, nextUrl: absUrl(next?.getAttribute('href'), url) };
}

function toPost(a: Element): boolean {
  return (a.getAttribute('href') ?? '').includes('p=');
}

/** phpBB 3 quotes: `blockquote > cite` naming the author (3.2+ links the quoted post in the cite); `blockquotes` are the body's. */
function quotes3(s: PageSignals, blockquotes: Element[]): QuoteInput[] {
  return blockquotes.filter((q) => !inTag(q.parentElement, 'blockquote')).map((q) => {
    const cites = inside(s, q, 'cite');
    const cite = cites[0];
    // 'a[href*="p="]' and 'a:not([href*="p="])' within the cite
    const links = cite ? inside(s, cite, 'a') : [];
    const link = links.find(toPost)?.getAttribute('href') ?? '';
    const author = cite ? lineOf(links.find((a) => !toPost(a)) ?? cite).replace(/\s*(wrote|schrieb|a écrit|ha scritto|escribió):?.*$/i, '') : null;
    return { postId: /[?&]p=(\d+)/.exec(link)?.[1] ?? null, author: author || null, text: textSkipping(q, new Set<Node>(cites)) };
  });
}

export const phpbb3: Adapter = {
  id: 'phpbb3',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isPhpbb3(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    /*
     * Per-post lookups read the page index (page-signals.ts) and test tags and classes in code: each
     * stands for the selector in its comment, which linkedom would compile again for every post.
     */
    const s = signalsOf(doc);
    const isPost = (d: Element) => d.localName === 'div' && d.id.startsWith('p');
    for (const el of queryAllWhere(doc, 'div.post[id^="p"]', ['.post'], isPost)) {
      const id = /^p(\d+)$/.exec(el.id)?.[1];
      const body = inside(s, el, '.content')[0];
      if (!id || !body) continue;
      // '.postprofile a.username, .postprofile a.username-coloured, p.author a.username, p.author strong a'
      const authorLink = inside(s, el, 'a').find((a) => {
        const user = hasClass(a, 'username');
        if ((user || hasClass(a, 'username-coloured')) && inClass(a.parentElement, 'postprofile')) return true;
        if (user && inTagClass(a.parentElement, 'p', 'author')) return true;
        for (let e = a.parentElement; e; e = e.parentElement) if (e.localName === 'strong' && inTagClass(e.parentElement, 'p', 'author')) return true;
        return false;
      });
      const name = lineOf(authorLink) || lineOf(el.querySelector('.postprofile .username, p.author strong'));
      // 'p.author'
      const authorLine = inside(s, el, '.author').find((p) => p.localName === 'p');
      const time = (authorLine ? inside(s, authorLine, 'time').find((t) => t.hasAttribute('datetime')) : undefined)?.getAttribute('datetime');
      const shown = authorLine ? lineOf(authorLine).split('»').pop() : null;
      const sig = inside(s, el, '.signature')[0];
      const blockquotes = inside(s, body, 'blockquote');
      const own = bodyParts(body, url, new Set<Node>(blockquotes));
      posts.push({
        id,
        author: { name: name || 'Guest', url: absUrl(authorLink?.getAttribute('href'), url) },
        publishedAt: isoDate(time) ?? parseForumDate(shown),
        text: own.text,
        html: own.html,
        permalink: absUrl(`./viewtopic.php?p=${id}#p${id}`, url),
        replyTo: null,
        quotes: quotes3(s, blockquotes),
        signature: sig ? textOf(sig) : undefined,
      });
    }
    if (!posts.length) return null;
    return { platform: 'phpbb', url, title: topicTitle(doc), posts, pagination: paginationOf(doc, src.url), extractor: 'phpbb3' };
  },
};

/** phpBB 2 signatures follow a `_________________` rule inside the post cell or in the next row. */
const SIG_RULE = /\n_{10,}\n/;

export const phpbb2: Adapter = {
  id: 'phpbb2',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && !isPhpbb3(src.doc) && isPhpbb2(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    for (const anchor of Array.from(doc.querySelectorAll('span.name a[name], span.name a[id]'))) {
      const id = anchor.getAttribute('name') ?? anchor.getAttribute('id');
      const row = anchor.closest('tr');
      if (!id || !/^\d+$/.test(id) || !row) continue;
      const body = row.querySelector('td.postbody, span.postbody');
      if (!body) continue;
      const name = lineOf(anchor.closest('span.name'));
      const details = lineOf(row.querySelector('td.postdetails') ?? row.querySelectorAll('span.postdetails')[1]);
      const posted = /(?:Posted|Verfasst|Posté|Inviato)\s*(?:am|le|il)?:?\s*(.*?)(?:\s+(?:Post subject|Titel|Sujet|Oggetto)\b|$)/i.exec(details)?.[1];
      // The profile button sits in the row below the post.
      const profileRow = row.nextElementSibling;
      const profile = profileRow?.querySelector('a[href*="mode=viewprofile"]')?.getAttribute('href');
      let text = textOf(body, 'table, blockquote');
      let signature: string | undefined;
      const sigCell = row.querySelector('td.genmed, span.gensmall');
      if (sigCell && SIG_RULE.test(`\n${textOf(sigCell)}\n`)) signature = normaliseText(textOf(sigCell).replace(/^_{10,}/, ''));
      const split = text.split(SIG_RULE);
      if (split.length > 1) {
        text = split[0]!.trim();
        signature = split.slice(1).join('\n').trim();
      }
      posts.push({
        id,
        author: { name: name || 'Guest', url: absUrl(profile, url) },
        publishedAt: parseForumDate(posted),
        text,
        html: cleanHtml(body, url),
        permalink: absUrl(`viewtopic.php?p=${id}#${id}`, url),
        replyTo: null,
        quotes: Array.from(body.querySelectorAll('td.quote')).map((q) => ({ postId: null, author: null, text: textOf(q) })),
        signature,
      });
    }
    if (!posts.length) return null;
    return { platform: 'phpbb', url, title: topicTitle(doc), posts, pagination: paginationOf(doc, src.url), extractor: 'phpbb2' };
  },
};
