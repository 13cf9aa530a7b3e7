import type { Thread } from '../model/thread.ts';
import type { ParseHtml } from '../extract/types.ts';
import { cleanHtml, lineOf, textOf } from '../extract/dom.ts';
import { byTime, conversationThread, conversationTitle, splitConversations, type ChatMessage } from './conversations.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { ImportError } from './errors.ts';
import { splitQuoted, withFiles, type FileRef } from './message-text.ts';

/** "16.03.2026 01:26:58 UTC+01:00" (the date's title attribute) → ISO with offset. */
export function telegramDate(title: string | null): string | null {
  const m = /(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: UTC([+-]\d{2}):?(\d{2}))?/.exec(title ?? '');
  if (!m) return null;
  const zone = m[7] ? `${m[7]}:${m[8]}` : '';
  return `${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

function child(el: Element, cls: string): Element | null {
  for (const c of Array.from(el.children)) if (c.classList.contains(cls)) return c;
  return null;
}

/**
 * Telegram Desktop's HTML export (messages.html, messages2.html, … in order). A "joined" message has
 * no name of its own: it continues the previous sender's run.
 */
export function importTelegramHtml(pages: string[], parseHtml: ParseHtml, ctx: ImportContext = importContext('messages.html')): Thread[] {
  const msgs: ChatMessage[] = [];
  let chatName = '';
  let sender: string | null = null;
  let sawHistory = false;
  for (const html of pages) {
    const doc = parseHtml(html);
    chatName ||= lineOf(doc.querySelector('.page_header .text'));
    if (doc.querySelector('.history')) sawHistory = true;
    for (const el of Array.from(doc.querySelectorAll('.history > .message'))) {
      if (!el.classList.contains('default')) continue; // date separators, joins, pins
      const body = child(el, 'body');
      if (!body) continue;
      const id = (el.getAttribute('id') ?? '').replace(/^message/, '');
      const from = child(body, 'from_name');
      if (from) sender = lineOf(from).replace(/\s*via @\S+$/, '');
      else if (!el.classList.contains('joined')) sender = null;
      const textEl = child(body, 'text');
      const { text: own, quotes } = splitQuoted(textOf(textEl));
      const files: FileRef[] = Array.from(body.querySelectorAll('.media_wrap a[href], .media_wrap .title')).flatMap((a) => {
        const href = a.getAttribute('href');
        const name = a.classList.contains('title') ? lineOf(a) : href ? baseName(href) : '';
        return name ? [{ name, url: href && /^https?:/.test(href) ? href : null }] : [];
      });
      const uniq = files.filter((f, i) => files.findIndex((g) => g.name === f.name) === i);
      const { text, html: h } = withFiles(own, textEl ? `<div>${cleanHtml(textEl, 'about:blank')}</div>` : '', uniq);
      if (!text || !id) continue;
      const replyHref = body.querySelector('.reply_to a[href*="go_to_message"]')?.getAttribute('href') ?? '';
      const replyTo = /go_to_message(\d+)/.exec(replyHref)?.[1] ?? null;
      const publishedAt = telegramDate(body.querySelector('.date[title]')?.getAttribute('title') ?? null);
      const time = publishedAt ? Date.parse(publishedAt) : NaN;
      msgs.push({
        time: Number.isFinite(time) ? time : null,
        post: { id, author: { name: sender || 'Unknown', url: null }, publishedAt, text, html: h, permalink: null, replyTo, quotes, score: null },
      });
    }
  }
  if (!sawHistory) throw new ImportError('not a Telegram Desktop HTML export: no message history found in the page.', ctx.file);
  const file = baseName(ctx.file);
  return splitConversations(byTime(msgs), { ...ctx, replyWindowMs: ctx.replyWindowMs ?? Infinity }).map((c) =>
    conversationThread('telegram', `telegram://${encodeURIComponent(file)}/${c[0]!.post.id}`, conversationTitle(chatName || file, c), c),
  );
}
