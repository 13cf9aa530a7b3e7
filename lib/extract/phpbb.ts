import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, cleanHtml, lineOf, normaliseText, textOf, textSkipping } from './dom.ts';
import { inTag, queryByIdPrefix } from './page-signals.ts';
import { all, closest, first, firstWithin, pick, within } from './select.ts';
import { isoDate, parseForumDate } from './dates.ts';

/*
 * phpBB 3, whatever the style. What a theme keeps: each post's permalink anchor `p<ID>` (an id on the post
 * or an `<a id|name>` inside it), a `.postbody`, `memberlist.php?mode=viewprofile` author links and
 * `posting.php` reply links; prosilver and its derivatives also mark `body#phpbb`. Fields are read
 * through fallbacks that cover prosilver, prosilver-derived styles (Bootstrap skins, airliners.net,
 * ebaumsworld) and subsilver2 tables (3.0).
 */
const POST_ANCHOR = /^p(\d+)$/;

/** The post permalink anchors, in document order: `#p123` ids and, in subsilver2, `<a name="p123">`. */
function postAnchors(doc: Document): Element[] {
  const ids = queryByIdPrefix(doc, '[id^="p"]', 'p', (el) => POST_ANCHOR.test(el.id));
  return ids.length ? ids : all(doc, 'a[name^="p"]').filter((a) => POST_ANCHOR.test(a.getAttribute('name') ?? ''));
}

function isPhpbb3(doc: Document): boolean {
  if (first(doc, 'body#phpbb, div.post[id^="p"] .postbody') && first(doc, '.postbody')) return true;
  // Other styles: a post body, and the engine's own addresses next to the posts' anchors.
  return !!first(doc, '.postbody') && !!first(doc, 'a[href*="posting.php?mode=quote"], a[href*="memberlist.php?mode=viewprofile"], form[action*="posting.php"]') && postAnchors(doc).length > 0;
}
/** phpBB 2 (subSilver and its many copies): a table row per post with `span.name > a[name]` and `td.postbody`. */
function isPhpbb2(doc: Document): boolean {
  return !!first(doc, 'span.name a[name], span.name a[id]') && !!first(doc, '.postbody');
}

function topicTitle(doc: Document): string {
  const marked = lineOf(first(doc, 'h2.topic-title, h2 a[href*="viewtopic"], .maintitle'));
  if (marked) return marked;
  // prosilver styles without the class keep the topic in an h2 (the board's name is the h1), and the <title> repeats it.
  const inTitle = all(doc, 'h2').map(lineOf).find((h) => h.length > 2 && doc.title.includes(h));
  return inTitle || doc.title.replace(/^.*?::\s*(View topic - )?/i, '').replace(/\s+[-–|•]\s+(Page|Seite|Pagina|Página|Strona)\s+\d+(\s+[-–|•]\s+.*)?$/i, '').trim();
}

function paginationOf(doc: Document, url: string) {
  const box = first(doc, '.pagination');
  const current = Number(lineOf(first(doc, '.pagination li.active span, .pagination span strong, .pagination strong'))) || null;
  // phpBB 3.0 marks no next link: it is the page number after the current one.
  const next =
    first(doc, 'a[rel="next"], .pagination a.next, .pagination li.next a') ??
    (box && current ? (within(box, 'a[href]').find((a) => lineOf(a) === String(current + 1)) ?? null) : null);
  const of = /(\d+)\D+?(\d+)\s*$/.exec(lineOf(box && firstWithin(box, 'a[onclick*="jumpto"]')) || '');
  return { page: current ?? 1, pageCount: of ? Number(of[2]) : null, nextUrl: absUrl(next?.getAttribute('href'), url) };
}

/** A link to a post (`p=`), as a quote's cite in phpBB 3.2+ holds. */
const toPost = (a: Element) => (a.getAttribute('href') ?? '').includes('p=');

/** phpBB 3 quotes: `blockquote > cite` naming the author (3.2+ links the quoted post in the cite); `blockquotes` are the body's. */
function quotes3(blockquotes: Element[]): QuoteInput[] {
  return blockquotes.filter((q) => !inTag(q.parentElement, 'blockquote')).map((q) => {
    const cites = within(q, 'cite');
    const cite = cites[0];
    const links = cite ? within(cite, 'a') : [];
    const link = links.find(toPost)?.getAttribute('href') ?? '';
    const author = cite ? lineOf(links.find((a) => !toPost(a)) ?? cite).replace(/\s*(wrote|schrieb|a écrit|ha scritto|escribió):?.*$/i, '') : null;
    return { postId: /[?&]p=(\d+)/.exec(link)?.[1] ?? null, author: author || null, text: textSkipping(q, new Set<Node>(cites)) };
  });
}

/** The post around an anchor: the anchor itself or its nearest ancestor holding a post body (a subsilver2 table). */
function postAround(anchor: Element): Element | null {
  for (let e: Element | null = anchor; e && e.localName !== 'body'; e = e.parentElement) if (firstWithin(e, '.postbody, .content')) return e;
  return null;
}

/** Author fallbacks, most specific first: prosilver's profile column and byline, then any profile link with a name. */
const AUTHOR = ['.postprofile a.username, .postprofile a.username-coloured, .postprofile .username', 'p.author a.username, p.author strong a, .author .username', '.postauthor, a.username, a.username-coloured, span.username', 'a[href*="mode=viewprofile"], a[href*="/member"]'];
/** Where a post's time is printed, most specific first. */
const TIME_TEXT = ['p.author, .author', '.timestamp, .timepost, .post-date, .postdate, .date'];
const DATE_WORDS = /(?:Posted|Verfasst|Posté|Inviato|Enviado|Geschrieben|Wysłany|Добавлено):?/i;

function author3(post: Element, body: Element): Element | null {
  return pick(post, AUTHOR, (a) => !body.contains(a) && !!lineOf(a));
}

function time3(post: Element, body: Element, id: string): string | null {
  const stamp = within(post, 'time[datetime]').find((t) => !body.contains(t));
  if (stamp) return isoDate(stamp.getAttribute('datetime'));
  for (const selector of TIME_TEXT) {
    for (const el of within(post, selector)) {
      if (body.contains(el)) continue;
      const when = parseForumDate(lineOf(el).split('»').pop());
      if (when) return when;
    }
  }
  // The byline of any style links the post to itself (an icon before "by NAME » date"): its line holds the date.
  for (const a of within(post, 'a[href*="#p"]')) {
    if (body.contains(a) || !(a.getAttribute('href') ?? '').endsWith(`#p${id}`)) continue;
    const when = a.parentElement && parseForumDate(lineOf(a.parentElement).split('»').pop());
    if (when) return when;
  }
  // subsilver2 and home-made styles: "Posted: January 9th, 2016, 2:30 am" somewhere in the post's header.
  for (const el of within(post, '.gensmall, .postdetails, td, div')) {
    if (el.contains(body) || body.contains(el) || el.firstElementChild?.localName === 'table') continue;
    const line = lineOf(el);
    if (DATE_WORDS.test(line)) return parseForumDate(line.slice(line.search(DATE_WORDS)));
  }
  return null;
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
    const seen = new Set<Element>();
    for (const anchor of postAnchors(doc)) {
      const id = POST_ANCHOR.exec(anchor.id || (anchor.getAttribute('name') ?? ''))![1]!;
      const post = postAround(anchor);
      if (!post || seen.has(post)) continue;
      seen.add(post);
      // prosilver's text sits in `.content` inside `.postbody`; subsilver2's `.postbody` is the text.
      const body = firstWithin(post, '.postbody .content, div.content') ?? firstWithin(post, '.postbody');
      if (!body) continue;
      const authorEl = author3(post, body);
      const link = authorEl?.localName === 'a' ? authorEl : authorEl ? closest(authorEl, 'a') ?? firstWithin(authorEl, 'a') ?? within(post, 'a[href*="mode=viewprofile"]').find((a) => !body.contains(a)) : null;
      const sig = within(post, '.signature').find((x) => !body.contains(x));
      const blockquotes = within(body, 'blockquote');
      const own = bodyParts(body, url, new Set<Node>([...blockquotes, ...within(body, '.signature')]));
      posts.push({
        id,
        author: { name: lineOf(authorEl) || 'Guest', url: absUrl(link?.getAttribute('href'), url) },
        publishedAt: time3(post, body, id),
        text: own.text,
        html: own.html,
        permalink: absUrl(`./viewtopic.php?p=${id}#p${id}`, url),
        replyTo: null,
        quotes: quotes3(blockquotes),
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
  // phpBB 2's own markup asked first: it is a few lookups, where phpBB 3's proof (already refused on
  // every page this detector sees unless phpbb3 read no posts) walks each post body's ancestors.
  detect: (src) => src.kind === 'html' && isPhpbb2(src.doc) && !isPhpbb3(src.doc),
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
