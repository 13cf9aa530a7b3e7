import type { Adapter } from './types.ts';
import type { PostInput, QuoteInput } from '../model/thread.ts';
import { absUrl, bodyParts, canonicalUrl, cleanHtml, generator, lineOf, linkBase, metaContent, textOf, textSkipping, inertClone } from './dom.ts';
import { queryByIdPrefix, queryHas } from './page-signals.ts';
import { byId, first, firstWithin, is, pick, within } from './select.ts';
import { parseForumDate } from './dates.ts';

/**
 * vBulletin 3 and 4, any skin. Recognised by the page's own markers (`html#vbulletin_html`, the
 * `vb_meta_bburl` meta, a vBulletin generator, vB3's `div#postmenu_ID` user menus) together
 * with post bodies `#post_message_ID`, which every vB3/vB4 template keeps because its scripts use them.
 * Each body's post is `li#post_ID` (vB4) or `table#postID` (vB3 postbit, `div#edit_ID` around it); the
 * fields are read with fallbacks: vB4's `.username`, vB3's `a.bigusername` or `#postmenu_ID`; vB4's
 * `span.date`, vB3's date in the post's `td.thead`.
 */
const BODY_PREFIX = 'post_message_';
const SIGNATURE = '.signature, .tapatalkSignatur';
/** vB4 quote boxes, and vB3's: a `div.smallfont` "Quote:" heading whose parent holds the quoted table. */
const QUOTE4 = '.bbcode_container';

function isVb(doc: Document): boolean {
  // Posts' bodies first: on the many pages that are no vBulletin's, that lookup of ids fails at once,
  // where the marks read every meta and scan every id for the user menus.
  if (!queryByIdPrefix(doc, `[id^="${BODY_PREFIX}"]`, BODY_PREFIX, () => true).length) return false;
  const marked =
    doc.documentElement?.id === 'vbulletin_html' ||
    /vBulletin/i.test(generator(doc)) ||
    !!first(doc, 'meta[name="vb_meta_bburl"]') ||
    // vB3 templates give each post's user menu the id `postmenu_ID`, which the engine's menu script needs.
    queryByIdPrefix(doc, 'div[id^="postmenu_"]', 'postmenu_', (d) => d.localName === 'div').length > 0;
  return marked;
}

/**
 * What of vB4's quote containers is the quote: the quote box and its "Quote:" label. Not the whole
 * container: a page saved through a serializer that wrote `<div class="bbcode_quote_container"/>` self-closed
 * (which HTML parses as an open div) has the post's own words after the quote inside the container.
 * Containers without a quote box (code blocks) are left out whole, as before.
 */
function quoteParts4(body: Element): Element[] {
  const out: Element[] = [];
  for (const box of within(body, QUOTE4)) {
    const parts = Array.from(box.children).filter((c) => is(c, '.bbcode_quote, .bbcode_description'));
    if (parts.some((c) => is(c, '.bbcode_quote'))) out.push(...parts);
    else out.push(box);
  }
  return out;
}

/** vB3 quote boxes: the "Quote:" heading's parent, which holds the quoted post's table. */
function quoteBoxes3(body: Element): Element[] {
  return within(body, 'div.smallfont')
    .filter((h) => /^(quote|zitat|citation|cita|citazione|citaat):?$/i.test(lineOf(h)) && h.parentElement && h.parentElement !== body)
    .map((h) => h.parentElement!);
}

function quotesOf(body: Element): QuoteInput[] {
  const vb4 = within(body, '.bbcode_container .bbcode_quote').map((q) => {
    const by = firstWithin(q, '.bbcode_postedby');
    const link = (by && firstWithin(by, 'a[href]'))?.getAttribute('href') ?? '';
    const message = firstWithin(q, '.message') ?? q;
    return {
      postId: /post(\d+)/.exec(link)?.[1] ?? /[?&]p=(\d+)/.exec(link)?.[1] ?? null,
      author: lineOf(by && firstWithin(by, 'strong')) || null,
      text: textSkipping(message, new Set<Node>(within(message, '.bbcode_postedby'))),
    };
  });
  const vb3 = quoteBoxes3(body).map((box) => {
    const cell = firstWithin(box, 'td.alt2') ?? box;
    const link = firstWithin(cell, 'a[href*="#post"]')?.getAttribute('href') ?? '';
    const by = /Originally Posted by/i.test(lineOf(cell)) ? firstWithin(cell, 'strong') : null;
    const said = within(cell, 'div').find((d) => /italic/.test(d.getAttribute('style') ?? '')) ?? cell;
    return { postId: /#post(\d+)/.exec(link)?.[1] ?? null, author: lineOf(by) || null, text: textOf(said) };
  });
  return [...vb4, ...vb3];
}

/** Dates as vBulletin prints them in the board's language: "10/05/2006, 13h16" is day first in French. */
function dateOf(text: string, dayFirst: boolean): string | null {
  let t = text.replace(/\b(\d{1,2})h(\d{2})\b/, '$1:$2');
  if (dayFirst) t = t.replace(/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/, '$1.$2.$3');
  return parseForumDate(t);
}

/** The shown post date: vB4's `span.date` (some skins move it into the user panel's stats), vB3's header row. */
function postDate(post: Element, body: Element, dayFirst: boolean): string | null {
  for (const c of within(post, '.postdate .date, span.date, .posthead .date, dl.userstats dd, .postdate, td.thead, div.posthead')) {
    if (body.contains(c)) continue;
    const d = dateOf(lineOf(c), dayFirst);
    if (d) return d;
  }
  return null;
}

function paginationOf(doc: Document, base: string) {
  // "Page 34 of 40" / "Seite 34 von 40": the popup control (vB4) or the page nav's label (vB3) states both numbers.
  const m = /(\d+)\D+(\d+)/.exec(lineOf(first(doc, '.pagination .popupctrl, .pagenav td.vbmenu_control')));
  const selected = Number(lineOf(first(doc, '.pagination span.selected, .pagenav td.alt2 strong'))) || null;
  const page = selected ?? (m ? Number(m[1]) : 1);
  const box = first(doc, '.pagination, .pagenav');
  // Without a marked next link, the next page is the one numbered after this one.
  const next =
    // rel=next wherever a theme put its page links (msworld's form.forum-pagination).
    first(doc, 'link[rel="next"], a[rel="next"], .pagenav a[title^="Next"], .pagenav a[title^="Nächste"], .pagenav a[title^="Suivant"]') ??
    (box ? (within(box, 'a[href]').find((a) => lineOf(a) === String(page + 1)) ?? null) : null);
  return { page, pageCount: m ? Number(m[2]) : null, nextUrl: absUrl(next?.getAttribute('href'), base) };
}

/** The post a body belongs to: vB4's `li#post_ID`, vB3's `table#postID` or `div#edit_ID`, else the body's parent. */
function postOf(doc: Document, id: string, body: Element): Element {
  for (const key of [`post_${id}`, `post${id}`, `edit${id}`]) {
    const el = byId(doc, key);
    if (el && el.contains(body)) return el;
  }
  return body.parentElement ?? body;
}

export const vbulletin: Adapter = {
  id: 'vbulletin',
  accepts: 'html',
  detect: (src) => src.kind === 'html' && isVb(src.doc),
  extract(src) {
    if (src.kind !== 'html') return null;
    const { doc } = src;
    const url = canonicalUrl(doc, src.url);
    const base = linkBase(doc, url);
    const dayFirst = !/^en(-us)?$/i.test(doc.documentElement?.getAttribute('lang') ?? 'en');
    const posts: PostInput[] = [];
    const seen = new Set<string>();
    for (const holder of queryByIdPrefix(doc, `[id^="${BODY_PREFIX}"]`, BODY_PREFIX, () => true)) {
      const id = /^post_message_(\d+)$/.exec(holder.id)?.[1];
      // Ad blocks dressed as posts reuse a real post's id: the first block with an id is the post.
      if (!id || seen.has(id)) continue;
      seen.add(id);
      const body = firstWithin(holder, 'blockquote.postcontent') ?? holder;
      const post = postOf(doc, id, holder);
      // vB3's user menu holds the name (a link for members, text for guests) and the script that registers the menu.
      const menu = byId(doc, `postmenu_${id}`);
      const nameEl =
        pick(post, ['.username_container .username, a.username, .username', 'a.bigusername'], (x) => !body.contains(x) && !!lineOf(x)) ??
        (menu && (firstWithin(menu, 'a[href]') ?? menu)) ??
        pick(post, ['a[href*="member.php"], a[href*="/members/"]'], (x) => !body.contains(x) && !!lineOf(x));
      const name = nameEl && nameEl === menu ? textOf(menu, 'script').replace(/\s+/g, ' ').trim() : lineOf(nameEl);
      const link = nameEl?.localName === 'a' ? nameEl : nameEl && firstWithin(nameEl, 'a[href*="member.php"], a[href*="/members/"]');
      const counter = firstWithin(post, 'a.postcounter[href], a[id^="postcount"][href]')?.getAttribute('href');
      const sig = firstWithin(post, SIGNATURE);
      const skip = new Set<Node>([...quoteParts4(body), ...within(body, SIGNATURE), ...quoteBoxes3(body)]);
      const own = bodyParts(body, base, skip, (x) => is(x, SIGNATURE));
      posts.push({
        id,
        author: { name: name || 'Guest', url: absUrl(link?.getAttribute('href'), base) },
        publishedAt: postDate(post, body, dayFirst),
        text: own.text,
        html: own.html,
        permalink: absUrl(counter ?? `showthread.php?p=${id}#post${id}`, base),
        replyTo: null,
        quotes: quotesOf(body),
        signature: sig ? textOf(sig) || undefined : undefined,
      });
    }
    if (!posts.length) return null;
    const heading = first(doc, '.threadtitle a, span.threadtitle, #pagetitle h1, .rel_thread_head h1');
    const title =
      lineOf(heading).replace(/^(Thread|Thema|Discussion|Sujet|Discussione|Tema):\s*/i, '') ||
      metaContent(doc, 'meta[property="og:title"]') ||
      doc.title.replace(/\s*-\s*(Page|Seite|Pagina|Página)\s+\d+\s*$/i, '').replace(/\s+-\s+[^-]+$/, '').trim();
    return { platform: 'vbulletin', url, title, posts, pagination: paginationOf(doc, base), extractor: 'vbulletin' };
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
