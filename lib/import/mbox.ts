import PostalMime from 'postal-mime';
import { Thread } from '../model/thread.ts';
import { baseName, importContext, type ImportContext } from './context.ts';
import { ImportError } from './errors.ts';
import { splitMailBody } from './mail-body.ts';
import { textHtml, withFiles } from './message-text.ts';

export type MailPlatform = 'mailman' | 'listserv' | 'mbox';

// "From andy at example.com  Sat Nov 14 21:29:28 2015" (Mailman's obfuscated envelope) or "From MAILER-DAEMON Sat …".
const ENVELOPE = /^From \S.*?\s+\w{3} \w{3} [ \d]\d \d{1,2}:\d{2}(?::\d{2})? (?:[A-Z]{3,4} )?\d{4}\s*$/;
const OBFUSCATED = /^From \S+ at \S+ /m;

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

/** Splits an mbox at its envelope lines, undoing ">From " escaping; bytes stay bytes (each mail names its charset). */
export function splitMbox(bytes: Uint8Array): { raw: Uint8Array; line: number }[] {
  // Latin-1 maps each byte to one char, so string offsets are byte offsets and nothing is lost.
  const text = latin1(bytes);
  const lines = text.split('\n');
  const out: { raw: Uint8Array; line: number }[] = [];
  let cur: string[] | null = null;
  let start = 0;
  const flush = () => {
    if (cur) {
      const s = cur.join('\n');
      const raw = new Uint8Array(s.length);
      for (let k = 0; k < s.length; k++) raw[k] = s.charCodeAt(k);
      out.push({ raw, line: start });
    }
  };
  lines.forEach((l, i) => {
    if (ENVELOPE.test(l.replace(/\r$/, '')) && (i === 0 || lines[i - 1]!.replace(/\r$/, '') === '')) {
      flush();
      cur = [];
      start = i + 1;
    } else if (cur) cur.push(l.replace(/^>(>*From )/, '$1'));
  });
  flush();
  return out;
}

/** Mailman archives write "andy at example.com (Andy Grunwald)"; give the parser a real address back. */
function deobfuscateHeaders(raw: Uint8Array): Uint8Array {
  const s = latin1(raw);
  const end = s.search(/\r?\n\r?\n/);
  const head = (end < 0 ? s : s.slice(0, end)).replace(/^(From|Reply-To|Sender|Cc|To):([^\n]*)/gim, (_all, h: string, v: string) =>
    `${h}:${v.replace(/([\w.+-]+) at ([\w-]+(?:\.[\w-]+)+)/g, '$1@$2')}`,
  );
  const t = head + (end < 0 ? '' : s.slice(end));
  const out = new Uint8Array(t.length);
  for (let k = 0; k < t.length; k++) out[k] = t.charCodeAt(k);
  return out;
}

export function normaliseSubject(s: string): string {
  let t = s.trim().replace(/^'(.*)'$/, '$1').replace(/\s+/g, ' ');
  for (;;) {
    const next = t.replace(/^(?:\[[^\]]+\]\s*|(?:re|aw|sv|fwd?|wg|tr|rif)(?:\[\d+\])?\s*:\s*)/i, '');
    if (next === t) return t.toLowerCase();
    t = next;
  }
}

function cleanSubject(s: string): string {
  return s.trim().replace(/^'(.*)'$/, '$1').replace(/^(?:(?:re|aw|sv|fwd?)\s*:\s*)+/i, '').trim();
}

const ids = (s: string | undefined) => (s ?? '').match(/<[^<>\s]+>/g)?.map((x) => x.slice(1, -1)) ?? [];

interface Mail {
  id: string;
  parentId: string | null;
  refs: string[];
  subject: string;
  time: number;
  order: number;
  archivedAt: string | null;
  post: Thread['posts'][number];
}

/** Which list software wrote the archive, from its own marks. */
export function mailPlatform(text: string): MailPlatform {
  if (OBFUSCATED.test(text)) return 'mailman';
  if (/^Archived-At: <https?:\/\/[^>]*wa\.exe/im.test(text) || /^sender: .*LISTSERV|@LIST\./im.test(text)) return 'listserv';
  return 'mbox';
}

/**
 * A mailbox (Mailman/pipermail monthly archive, LISTSERV mbox, any mbox): threads by In-Reply-To and
 * References, then by normalised subject for replies whose parent is missing. Quoted ">" lines become
 * quotes, the "-- " signature is kept apart, and Mailman's "x at y" addresses are read as addresses.
 */
export async function importMbox(bytes: Uint8Array, ctx: ImportContext = importContext('archive.mbox')): Promise<Thread[]> {
  const head = latin1(bytes.subarray(0, 1 << 16));
  const parts = splitMbox(bytes);
  if (!parts.length) throw new ImportError('not an mbox mail archive: no "From " envelope line was found.', ctx.file, { offset: 0, line: 1, column: 1 });
  const platform = mailPlatform(head);
  const file = baseName(ctx.file);
  const mails: Mail[] = [];
  const seen = new Set<string>();
  for (const [order, part] of parts.entries()) {
    let email: Awaited<ReturnType<typeof PostalMime.parse>>;
    try {
      email = await PostalMime.parse(deobfuscateHeaders(part.raw));
    } catch (e) {
      ctx.warn(`message at line ${part.line} could not be parsed (${(e as Error).message}); skipped.`);
      continue;
    }
    const id = ids(email.messageId)[0] ?? email.messageId?.trim() ?? `${file}#L${part.line}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const from = email.from && 'address' in email.from ? email.from : null;
    const body = splitMailBody(email.text ?? '');
    const { text, html } = withFiles(body.text, textHtml(body.text), body.files);
    const archivedAt = ids(email.headers.find((h) => h.key === 'archived-at')?.value)[0] ?? null;
    const date = email.date && !Number.isNaN(Date.parse(email.date)) ? new Date(email.date).toISOString().replace('.000Z', 'Z') : null;
    mails.push({
      id,
      parentId: ids(email.inReplyTo)[0] ?? null,
      refs: ids(email.references),
      subject: email.subject ?? '',
      time: date ? Date.parse(date) : Number.MAX_SAFE_INTEGER,
      order,
      archivedAt,
      post: {
        id,
        // An address is personal data and travels into published datasets: the name stands alone, and
        // without one only the mailbox name is kept.
        author: { name: from?.name || from?.address?.replace(/@.*$/, '') || 'Unknown', url: null },
        publishedAt: date,
        text,
        html,
        permalink: archivedAt,
        replyTo: null,
        quotes: body.quotes.map((q) => ({ postId: q.postId ?? null, author: q.author ?? null, text: q.text })),
        score: null,
        ...(body.signature ? { signature: body.signature } : {}),
      },
    });
  }
  mails.sort((a, b) => a.time - b.time || a.order - b.order);
  const byId = new Map(mails.map((m) => [m.id, m]));
  const root = new Map<string, Mail>();
  const bySubject = new Map<string, Mail>();
  const groups = new Map<Mail, Mail[]>();
  for (const m of mails) {
    const parent = [m.parentId, ...[...m.refs].reverse()].map((x) => (x ? byId.get(x) : undefined)).find((p) => p && p !== m && root.has(p.id));
    let r: Mail;
    if (parent) {
      m.post.replyTo = parent.id;
      for (const q of m.post.quotes) if (q.postId === null && q.author === null) q.author = parent.post.author.name;
      r = root.get(parent.id)!;
    } else {
      // A reply whose parent is not in this archive (or whose ids were rewritten) joins the thread of its subject.
      r = bySubject.get(normaliseSubject(m.subject)) ?? m;
    }
    root.set(m.id, r);
    if (r === m) {
      groups.set(m, []);
      if (!bySubject.has(normaliseSubject(m.subject))) bySubject.set(normaliseSubject(m.subject), m);
    }
    groups.get(r)!.push(m);
  }
  return [...groups].map(([r, ms]) =>
    Thread.parse({
      platform,
      url: r.archivedAt ?? `mbox://${encodeURIComponent(file)}/${encodeURIComponent(r.id)}`,
      title: cleanSubject(r.subject).replace(/\s+/g, ' ') || '(no subject)',
      posts: ms.map((m) => m.post),
    }),
  );
}
