import type { Thread } from '../model/thread.ts';

/** What the import page lists for one conversation, without its posts. */
export interface ConversationSummary {
  /** Position in the import's list of threads. */
  index: number;
  title: string;
  /** The channel or room, as named in the title ("#general (Example guild)"). */
  channel: string;
  /** ISO times of the first and last dated posts, null when the export has no dates. */
  from: string | null;
  to: string | null;
  /** Authors in order of first post. */
  participants: string[];
  messages: number;
  /** The first words of the conversation (its first post with text), so a row can be recognised without opening it. */
  firstWords?: string;
  /** The file ended inside this conversation (its last message cut): what is here is real, something after it is missing. */
  truncated?: boolean;
}

/** Characters of the first post shown in a row: about a line in the import table. */
const FIRST_WORDS = 120;

function firstWordsOf(thread: Thread): string {
  const text = thread.posts.map((p) => p.text.replace(/\s+/g, ' ').trim()).find(Boolean) ?? '';
  if (text.length <= FIRST_WORDS) return text;
  // Cut at a word boundary so the row never ends mid-word.
  const cut = text.slice(0, FIRST_WORDS);
  const space = cut.lastIndexOf(' ');
  return `${(space > FIRST_WORDS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function conversationSummary(thread: Thread, index: number): ConversationSummary {
  const dates = thread.posts.map((p) => p.publishedAt).filter((d): d is string => !!d);
  const participants = [...new Set(thread.posts.map((p) => p.author.name))];
  return {
    index,
    title: thread.title,
    // Importers title chat conversations "<channel>, YYYY-MM-DD".
    channel: thread.title.replace(/, \d{4}-\d{2}-\d{2}$/, ''),
    from: dates.length ? dates.reduce((a, b) => (a < b ? a : b)) : null,
    to: dates.length ? dates.reduce((a, b) => (a > b ? a : b)) : null,
    participants,
    messages: thread.posts.length,
    firstWords: firstWordsOf(thread),
    ...(thread.truncated ? { truncated: true } : {}),
  };
}

/**
 * Whether a conversation matches what the person typed: every word must appear (case-insensitive) in
 * the title, a participant's name or any post's text.
 */
export function threadMatches(thread: Thread, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = (s: string) => s.toLowerCase();
  const head = hay(`${thread.title}\n${thread.posts.map((p) => p.author.name).join('\n')}`);
  return words.every((w) => head.includes(w) || thread.posts.some((p) => hay(p.text).includes(w)));
}
