import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, cleanHtml, generator, lineOf, metaContent, textOf, textSkipping, inertClone } from './dom.ts';
import { earliest, hasClass, inClass, inside, insideAny, inTagClass, queryAllWhere, queryFirst, queryFirstWithin, queryHas, signalsOf, type PageSignals } from './page-signals.ts';
import { parseForumDate } from './dates.ts';

/**
 * vBulletin 4: posts are `li.postcontainer#post_ID` with the body in `#post_message_ID`. Recognised by the
 * page's own markers (`html#vbulletin_html`, the `vb_meta_bburl` meta, a vBulletin generator), so a
 * board on any domain and with any skin is found.
 */
const POST4 = 'li.postcontainer[id^="post_"], li.postbit[id^="post_"]';
/* Quote boxes are `.bbcode_container`; signatures `.signature, blockquote.signature, .tapatalkSignatur`. */

function isVb4(doc: Document): boolean {
  const marked =
    doc.documentElement?.id === 'vbulletin_html' || /vBulletin/i.test(generator(doc)) || queryHas(doc, 'meta[name="vb_meta_bburl"]', ['meta'], (m) => m.getAttribute('name') === 'vb_meta_bburl');
  return marked && !!doc.querySelector(`${POST4}, [id^="post_message_"]`);
}

/*
 * Per-post lookups of vB4 read the page index (page-signals.ts) and test tags and classes in code: each
 * stands for the selector in its comment, which linkedom would compile again for every post.
 */

/** '.signature, blockquote.signature, .tapatalkSignatur' as code. */
const isSig4 = (x: Element) => hasClass(x, 'signature') || hasClass(x, 'tapatalkSignatur');

/** vB4 quote boxes: `.bbcode_quote` with "Quote from <strong>NAME</strong>" and a link to `postNNN`. */
function quotes4(s: PageSignals, body: Element): QuoteInput[] {
  // '.bbcode_container .bbcode_quote'
  return inside(s, body, '.bbcode_quote').filter((q) => inClass(q.parentElement, 'bbcode_container')).map((q) => {
    const by = inside(s, q, '.bbcode_postedby')[0];
    // 'a[href]'
    const link = (by ? inside(s, by, 'a').find((a) => a.hasAttribute('href')) : undefined)?.getAttribute('href') ?? '';
    const message = inside(s, q, '.message')[0] ?? q;
    return {
      postId: /post(\d+)/.exec(link)?.[1] ?? /[?&]p=(\d+)/.exec(link)?.[1] ?? null,
      author: lineOf(by ? inside(s, by, 'strong')[0] : null) || null,
      text: textSkipping(message, new Set<Node>(inside(s, message, '.bbcode_postedby'))),
    };
  });
}

/** '.postdate .date, span.date, .posthead .date, dl.userstats dd, .postdate' as code. */
function isDate4(c: Element): boolean {
  return (
    hasClass(c, 'postdate') ||
    (hasClass(c, 'date') && (c.localName === 'span' || inClass(c.parentElement, 'postdate') || inClass(c.parentElement, 'posthead'))) ||
    (c.localName === 'dd' && inTagClass(c.parentElement, 'dl', 'userstats'))
  );
}

/** The shown post date: vB4 prints `span.date`; some skins move it into the user panel's stats list. */
function date4(s: PageSignals, el: Element): string | null {
  for (const c of insideAny(s, el, ['.date', 'dd', '.postdate']).filter(isDate4)) {
    const d = parseForumDate(lineOf(c));
    if (d) return d;
  }
  return null;
}

function pagination4(doc: Document, base: string) {
  // "Page 34 of 40" / "Seite 34 von 40": the popup control states both numbers in the board's language.
  const m = /(\d+)\D+(\d+)/.exec(lineOf(queryFirstWithin(doc, '.pagination', '.popupctrl')));
  const selected = Number(lineOf(queryFirstWithin(doc, '.pagination', 'span.selected'))) || null;
  // 'link[rel="next"], .pagination a[rel="next"]'
  const relNext = (l: Element) => l.localName === 'link' && l.getAttribute('rel') === 'next';
  const next = earliest(doc, [queryFirst(doc, 'link[rel="next"]', ['[rel]'], relNext), queryFirstWithin(doc, '.pagination', 'a[rel="next"]')])?.getAttribute('href');
  return { page: selected ?? (m ? Number(m[1]) : 1), pageCount: m ? Number(m[2]) : null, nextUrl: absUrl(next, base) };
}

export const vbulletin: Adapter = {
  id: 'vbulletin',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isVb4(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    const s = signalsOf(doc);
    const isPost = (li: Element) => li.localName === 'li' && (hasClass(li, 'postcontainer') || hasClass(li, 'postbit')) && li.id.startsWith('post_');
    for (const el of queryAllWhere(doc, POST4, ['.postcontainer', '.postbit'], isPost)) {
      const id = /^post_(\d+)$/.exec(el.id)?.[1];
      const holder = id ? inside(s, el, `#post_message_${id}`)[0] : undefined;
      // 'blockquote.postcontent'
      const body = (holder ? inside(s, holder, '.postcontent').find((b) => b.localName === 'blockquote') : undefined) ?? holder;
      if (!id || !body) continue;
      // '.username_container .username, a.username, .username': the first .username either way.
      const nameEl = inside(s, el, '.username')[0];
      // 'a.postcounter[href]'
      const counter = inside(s, el, '.postcounter').find((a) => a.localName === 'a' && a.hasAttribute('href'))?.getAttribute('href');
      // '.signature, blockquote.signature, .tapatalkSignatur'
      const sig = insideAny(s, el, ['.signature', '.tapatalkSignatur'])[0];
      // '.bbcode_container, .signature, blockquote.signature, .tapatalkSignatur' left out of the text
      const own = bodyParts(body, url, new Set<Node>(insideAny(s, body, ['.bbcode_container', '.signature', '.tapatalkSignatur'])), isSig4);
      posts.push({
        id,
        author: { name: lineOf(nameEl) || 'Guest', url: nameEl?.tagName === 'A' ? absUrl(nameEl.getAttribute('href'), url) : null },
        publishedAt: date4(s, el),
        text: own.text,
        html: own.html,
        permalink: absUrl(counter ?? `showthread.php?p=${id}#post${id}`, url),
        replyTo: null,
        quotes: quotes4(s, body),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const title =
      lineOf(doc.querySelector('.threadtitle a, span.threadtitle, #pagetitle h1, .rel_thread_head h1')) ||
      metaContent(doc, 'meta[property="og:title"]') ||
      doc.title.replace(/\s*-\s*(Page|Seite|Pagina|Página)\s+\d+\s*$/i, '').trim();
    return { platform: 'vbulletin', url, title, posts, pagination: pagination4(doc, url), extractor: 'vbulletin' };
  },
};

/**
 * Something Awful's forums: a vBulletin 3 descendant rebuilt beyond recognition. One `table.post#postID`
 * per post, `dt.author`, `td.postbody`, the date as bare text in `td.postdate`, quotes as
 * `div.bbc-block` holding "NAME posted:" and a blockquote.
 */
const POST_SA = 'table.post[id^="post"]';

function isSomethingAwful(doc: Document): boolean {
  return doc.body?.id === 'something_awful' || (queryHas(doc, `${POST_SA} td.postbody`, ['.postbody']) && queryHas(doc, `${POST_SA} dt.author`, ['.author']));
}

/** Quote blocks are `div.bbc-block` with a "posted:" heading; code blocks share the class but not the heading. */
function quoteBlocksSa(body: Element): Element[] {
  return Array.from(body.querySelectorAll('div.bbc-block')).filter(
    (b) => !!b.querySelector(':scope > blockquote') && !b.parentElement?.closest('div.bbc-block'),
  );
}

function quotesSa(body: Element): QuoteInput[] {
  return quoteBlocksSa(body).map((b) => {
    const link = b.querySelector('a.quote_link');
    const heading = lineOf(b.querySelector('h4'));
    return {
      postId: /postid=(\d+)/.exec(link?.getAttribute('href') ?? '')?.[1] ?? null,
      author: heading.replace(/\s*posted:?\s*$/i, '') || null,
      text: textOf(b.querySelector(':scope > blockquote')),
    };
  });
}

export const somethingAwful: Adapter = {
  id: 'vbulletin-sa',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isSomethingAwful(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const posts: PostInput[] = [];
    for (const el of Array.from(doc.querySelectorAll(POST_SA))) {
      const id = /^post(\d+)$/.exec(el.id)?.[1];
      const body = el.querySelector('td.postbody');
      if (!id || !body) continue;
      const profile = el.querySelector('ul.profilelinks a[href*="action=getinfo"]')?.getAttribute('href');
      // The date is the cell's last bare text, after the "#" and "?" links.
      const dateCell = el.querySelector('td.postdate');
      const shown = dateCell ? Array.from(dateCell.childNodes).filter((n) => n.nodeType === 3).map((n) => n.nodeValue ?? '').join(' ') : '';
      const clean = inertClone(body);
      for (const q of quoteBlocksSa(clean)) q.remove();
      const sig = body.querySelector('p.signature, .signature');
      posts.push({
        id,
        author: { name: lineOf(el.querySelector('dt.author')) || 'Guest', url: absUrl(profile, url) },
        publishedAt: parseForumDate(shown),
        text: textOf(clean, 'p.editedby, p.signature, .signature'),
        html: cleanHtml(body, url, 'p.editedby, p.signature, .signature'),
        permalink: absUrl(`/showthread.php?goto=post&postid=${id}#post${id}`, url),
        replyTo: null,
        quotes: quotesSa(body),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    // The page picker is printed above and below the posts: read one of them.
    const picker = doc.querySelector('.pages select');
    const selected = picker?.querySelector('option[selected]');
    const options = picker?.querySelectorAll('option').length ?? 0;
    const next = doc.querySelector('.pages a[title="Next page"]')?.getAttribute('href');
    return {
      platform: 'vbulletin',
      url,
      title: lineOf(doc.querySelector('.breadcrumbs a.bclast')) || doc.title.replace(/\s*-\s*The Something Awful Forums\s*$/i, ''),
      posts,
      pagination: {
        page: Number(selected?.getAttribute('value')) || 1,
        pageCount: options || null,
        nextUrl: absUrl(next, url),
      },
      extractor: 'vbulletin-sa',
    };
  },
};
