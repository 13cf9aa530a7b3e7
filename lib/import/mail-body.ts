import type { QuoteInput } from '../model/thread.ts';
import { splitQuoted, type FileRef } from './message-text.ts';

export interface MailBody {
  text: string;
  quotes: QuoteInput[];
  signature: string | null;
  files: FileRef[];
}

// Mailman 2 replaces attachments with a note and a link to the archived copy.
const SCRUBBED = /^-{5,} next part -{5,}\n(?:An? .*? (?:attachment|message|part) was scrubbed\.\.\.\n)?(?:(?:Name|Type|Size|Desc|Url|URL): ?.*\n?)*/gm;
// The list's own footer ("_____\nFoo mailing list\nfoo@…\nhttps://…/listinfo/foo").
const LIST_FOOTER = /\n_{20,}\n[^\n]*mailing list[\s\S]*$/i;
// Outlook's top-posting: everything below is the message answered.
const ORIGINAL = /^-{3,} ?(?:Original Message|Ursprüngliche Nachricht|Message d'origine) ?-{3,}\s*$/im;

/**
 * A mail's plain-text body split into the writer's own words, what they quote (">" lines, an Outlook
 * "Original Message" tail), the signature after "-- ", and scrubbed attachments.
 */
export function splitMailBody(raw: string): MailBody {
  let body = raw.replace(/\r\n?/g, '\n');
  const files: FileRef[] = [];
  body = body.replace(SCRUBBED, (block) => {
    const url = /^URL: ?<?([^>\s]+)>?/im.exec(block)?.[1] ?? null;
    const name = /^Name: ?(.+)$/im.exec(block)?.[1]?.trim() ?? (url ? url.split('/').pop()! : 'attachment');
    files.push({ name, url });
    return '';
  });
  body = body.replace(LIST_FOOTER, '');
  const extraQuotes: QuoteInput[] = [];
  const orig = ORIGINAL.exec(body);
  if (orig) {
    const tail = body.slice(orig.index + orig[0].length).trim();
    body = body.slice(0, orig.index);
    const from = /^From: *(.+?)\s*(?:<[^>]*>|\[[^\]]*\])?\s*$/m.exec(tail)?.[1]?.replace(/^"|"$/g, '') ?? null;
    extraQuotes.push({ postId: null, author: from, text: tail });
  }
  const { text: ownWithSig, quotes } = splitQuoted(body);
  let text = ownWithSig;
  let signature: string | null = null;
  const lines = ownWithSig.split('\n');
  // The last "-- " line (RFC 3676), when near the end: a dash line early on is prose, not a signature.
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 15; i--) {
    if (/^-- ?$/.test(lines[i]!)) {
      signature = lines.slice(i + 1).join('\n').trim() || null;
      text = lines.slice(0, i).join('\n').trim();
      break;
    }
  }
  return { text, quotes: [...quotes, ...extraQuotes], signature, files };
}
