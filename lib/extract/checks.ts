import type { PostInput, ThreadInput } from '../model/thread.ts';

/**
 * Doubts about a reading, looked for on every result whichever reader produced it. Each doubt lowers
 * the confidence score and is said in words, so the side panel can tell the person what to check
 * instead of handing over a confident wrong answer.
 */
export interface Doubt {
  code: 'authors-missing' | 'repeated-text' | 'count-mismatch' | 'pages-mismatch' | 'future-times' | 'midnight-times' | 'texts-empty' | 'nesting-flattened';
  message: string;
  /** How much the doubt takes off a score of 1. */
  weight: number;
}

/** Below this the side panel shows the reasons. */
export const LOW_CONFIDENCE = 0.75;

/** Names engines print when a post has no known author: a post carrying one has no author as far as a reader is concerned. */
const NO_AUTHOR = /^(guest|gast|invité|invitado|ospite|anonymous|anonym|unknown|unbekannt|\[deleted\]|deleted|)$/i;

export function hasNoAuthor(p: Pick<PostInput, 'author'>): boolean {
  return NO_AUTHOR.test(p.author.name.trim());
}

/**
 * Whether a reading looks like page chrome rather than posts: most posts without an author, or most
 * texts sharing the same line (a "Reply · Like · #2" bar read as the post). An adapter result that
 * fails this is handed to the generic reader (index.ts).
 */
export function looksWrong(posts: readonly PostInput[], lines?: SharedLines): boolean {
  if (posts.length < 2) return false;
  const anonymous = posts.filter(hasNoAuthor).length;
  return anonymous / posts.length > 0.5 || sharedLine(posts, lines) !== null;
}

/**
 * The texts `sharedLine` read last in one extraction and its answer, which depends on the texts alone:
 * an adapter's reading is checked by `looksWrong` and again by `findDoubts`, nearly always with the same
 * texts (only a site notice removed in between changes one). Made afresh for each extraction (`{}`).
 */
export interface SharedLines {
  texts?: string[];
  line?: string | null;
}

/**
 * A line found in most posts' texts (≥ 60% of them, at least 3 posts): chrome such as a button bar or a
 * byline read as part of each post. Lines that are only punctuation or a few characters are ignored:
 * "Thanks!" from several people is a reply, not chrome, so short lines need more posts agreeing.
 */
function sharedLine(all: readonly PostInput[], lines?: SharedLines): string | null {
  if (!lines) return sharedLineOf(all);
  const texts = all.map((p) => p.text);
  const last = lines.texts;
  if (last && last.length === texts.length && last.every((t, i) => t === texts[i])) return lines.line ?? null;
  const line = sharedLineOf(all);
  lines.texts = texts;
  lines.line = line;
  return line;
}

function sharedLineOf(all: readonly PostInput[]): string | null {
  // Posts with exactly the same text count once: copies (a pasted message, a test page built by repeating
  // a post) are not chrome beside the author's words. `identicalTexts` doubts those separately. Only the
  // texts are read below: each distinct one, in the order the posts first give it.
  const texts = [...new Set(all.map((p) => p.text))];
  const n = texts.length;
  if (n < 3) return null;
  let need = 3;
  while (!isShared(need, n)) need++;
  // A line in `need` posts is missing from at most n - need of them, so it is in one of any n - need + 1:
  // the shortest texts give every line that could be the answer, and a long text (a log pasted whole)
  // is read only at lines that could be one of theirs.
  const byLength = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
  const shortest = byLength.slice(0, n - need + 1);
  const own: (Set<string> | null)[] = texts.map(() => null);
  const candidates = new Set<string>();
  const firstLetters = new Set<string>();
  for (const i of shortest) {
    own[i] = linesOf(texts[i]!, null);
    for (const l of own[i]!) {
      candidates.add(l);
      firstLetters.add(FIRST_LETTER.exec(l)![0]);
    }
  }
  // Posts are read shortest first, so that the longest are the ones spared when no line can still reach
  // `need` posts with the posts left (then there is no answer). Of the lines that do, the answer is the
  // first met reading the posts in page order: each line keeps the post and the place it was first met at.
  const seen = new Map<string, { k: number; post: number; at: number }>();
  let most = 0;
  for (let done = 0; done < n; done++) {
    const i = byLength[done]!;
    let at = 0;
    for (const l of own[i] ?? linesOf(texts[i]!, firstLetters)) {
      at++;
      if (!candidates.has(l)) continue;
      const had = seen.get(l);
      if (!had) seen.set(l, { k: 1, post: i, at });
      else {
        had.k++;
        if (i < had.post) [had.post, had.at] = [i, at];
      }
      most = Math.max(most, had ? had.k : 1);
    }
    if (most + (n - done - 1) < need) return null;
  }
  let answer: string | null = null;
  let first: { post: number; at: number } | null = null;
  for (const [line, { k, post, at }] of seen) {
    if (!isShared(k, n) || (first && (first.post < post || (first.post === post && first.at < at)))) continue;
    answer = line;
    first = { post, at };
  }
  return answer;
}

/** Whether a line in `k` of `n` posts is shared by most of them. */
const isShared = (k: number, n: number) => k >= 3 && k / n >= 0.6;

const FIRST_LETTER = /\p{L}/u;

/**
 * A text's distinct lines as compared: blank runs folded, numbers as '#', trimmed; only lines of 8
 * characters or more with a letter, the only ones that can be the answer. Reading a line never
 * lengthens it nor adds, removes or reorders a letter, so shorter lines, lines without letters and,
 * when `firstLetters` is given, lines whose first letter is none of those are not read at all.
 */
function linesOf(text: string, firstLetters: Set<string> | null): Set<string> {
  const lines = new Set<string>();
  // Line by line without splitting the whole text: a line too short to be read is never copied out.
  for (let from = 0; from <= text.length; ) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const start = from;
    from = to + 1;
    if (to - start < 8) continue;
    const raw = text.slice(start, to);
    if (!firstLetters) {
      if (!FIRST_LETTER.test(raw)) continue;
    } else {
      const letter = FIRST_LETTER.exec(raw);
      if (!letter || !firstLetters.has(letter[0])) continue;
    }
    // Blank runs folded where there are any (a line's single spaces are left, not each replaced by itself).
    const l = raw.replace(BLANK_RUN, ' ').replace(/#?\d+/g, '#').trim();
    if (l.length >= 8) lines.add(l);
  }
  return lines;
}

/** What `/\s+/g` replaces by a space, less the single plain spaces it would replace by themselves. */
const BLANK_RUN = /\s{2,}|[^\S ]/g;

/**
 * The page's own statement of how many posts it holds on this page, when it makes one: "Page 1 of 4"
 * with "1-10 of 25" / "Showing posts 1 to 10 of 25". ("238 replies" is not read: on the corpus it came
 * from lists of other threads beside the posts as often as from the thread.) Returns the posts the
 * page says are on this page, or null when it says nothing usable.
 */
export function statedCount(pageText: string): { onPage: number; total: number | null } | null {
  // A statement of the page's size, as forums print it above or below the posts.
  // "1–10 of 25", "Showing results 11 to 20 of 25", "Beiträge 1 bis 10 von 25"
  // Blank runs between its parts are taken whole by `\s*`: the page's text is searched as it is, not
  // first folded (a pass over up to 200,000 characters that could not change the numbers found).
  const range = /\b(\d{1,5})\s*(?:-|–|to|bis|à|a)\s*(\d{1,5})\s*(?:of|von|sur|de|di)\s*(\d{1,6})\b/i.exec(pageText);
  if (range) {
    const [from, to, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (from >= 1 && to >= from && to <= total && to - from < 500) return { onPage: to - from + 1, total };
  }
  return null;
}

/** "Page 2 of 4", "Seite 2 von 4", "Page 2 sur 4": where this page sits among the thread's pages. */
export function statedPages(pageText: string): { page: number; of: number } | null {
  const m = /\b(?:page|seite|pagina|página|strona)\s+(\d{1,5})\s*(?:of|von|sur|de|di|z|\/)\s*(\d{1,5})\b/i.exec(pageText);
  if (!m) return null;
  const [page, of] = [Number(m[1]), Number(m[2])];
  return page >= 1 && page <= of ? { page, of } : null;
}

export interface CheckInput {
  posts: readonly PostInput[];
  /** The page's text outside the posts, where it states its own counts; empty for API responses. */
  pageText?: string;
  /** What the reader saw of the pagination. */
  pagination?: ThreadInput['pagination'];
  now?: Date;
  /** The extraction's memo of `sharedLine`, which `looksWrong` may have filled with these texts. */
  lines?: SharedLines;
}

/** Every doubt found about a reading. */
export function findDoubts({ posts, pageText = '', pagination, now = new Date(), lines }: CheckInput): Doubt[] {
  const doubts: Doubt[] = [];
  if (!posts.length) return doubts;
  const anonymous = posts.filter(hasNoAuthor).length;
  if (posts.length >= 2 && anonymous / posts.length > 0.5) {
    doubts.push({ code: 'authors-missing', weight: 0.4, message: `Gleaner is not sure about the authors on this page: ${anonymous} of ${posts.length} posts have no author name. Check the authors before you submit.` });
  }
  const line = sharedLine(posts, lines);
  if (line) {
    doubts.push({ code: 'repeated-text', weight: 0.35, message: `Gleaner is not sure the post texts are right: most posts contain the same line ("${line.slice(0, 60)}"), which is likely page decoration rather than what the authors wrote.` });
  }
  // Each text trimmed once, for the three counts below.
  const trimmed = posts.map((p) => p.text.trim()).filter(Boolean);
  const distinct = new Set(trimmed).size;
  const worded = trimmed.length;
  if (!line && worded >= 5 && distinct <= worded / 2) {
    doubts.push({ code: 'repeated-text', weight: 0.35, message: `Gleaner is not sure the post texts are right: only ${distinct} different texts among ${worded} posts.` });
  }
  const empty = posts.length - worded;
  if (posts.length >= 3 && empty / posts.length > 0.5) {
    doubts.push({ code: 'texts-empty', weight: 0.3, message: `Gleaner found no text in ${empty} of ${posts.length} posts: the page may load its posts later, or hold them where Gleaner does not look.` });
  }
  const stated = statedCount(pageText);
  // A page may list fewer posts than its range says when some were deleted or hidden: only a reading that
  // found clearly fewer (under two thirds) or more than the page says is doubted.
  if (stated && (posts.length < Math.floor((stated.onPage * 2) / 3) || posts.length > stated.onPage + 1)) {
    doubts.push({ code: 'count-mismatch', weight: 0.3, message: `Gleaner is not sure it found every post: the page says it shows ${stated.onPage} posts here, Gleaner read ${posts.length}.` });
  }
  // Its blanks are taken whole by `\s+` and `\s*` too: searched unfolded, like the range.
  const pages = statedPages(pageText);
  if (pages && pages.page < pages.of && pagination && !pagination.nextUrl) {
    doubts.push({ code: 'pages-mismatch', weight: 0.15, message: `The page says it is page ${pages.page} of ${pages.of}, but Gleaner found no link to the next page: "capture the whole thread" may stop here.` });
  }
  const times = posts.map((p) => p.publishedAt).filter((t): t is string => !!t);
  const soon = now.getTime() + 36 * 3600_000; // a page's local time without zone can read up to a day ahead
  const future = times.filter((t) => Date.parse(t) > soon).length;
  if (future) {
    doubts.push({ code: 'future-times', weight: 0.3, message: `Gleaner is not sure about the dates on this page: ${future} of ${posts.length} posts are dated in the future.` });
  }
  if (times.length >= 3 && times.every((t) => /T00:00(:00(\.0+)?)?(Z|[+-]00:?00)?$/.test(t))) {
    doubts.push({ code: 'midnight-times', weight: 0.15, message: 'Gleaner read only the day of each post, not its time: every post is dated at midnight.' });
  }
  return doubts;
}

/** The confidence stored in the Thread: 1 less each doubt's weight, never below 0.05. */
export function confidenceOf(doubts: readonly Doubt[]): NonNullable<ThreadInput['confidence']> {
  const score = Math.max(0.05, 1 - doubts.reduce((s, d) => s + d.weight, 0));
  return { score: Math.round(score * 100) / 100, reasons: doubts.map(({ code, message }) => ({ code, message })) };
}

/**
 * Site notices that some engines print inside or right beside a post ("Want to improve this post?",
 * "This thread is archived", a cookie banner): a whole line of a post's text that is one of them is the
 * site speaking, not the author.
 */
const NOTICE =
  /^(want to improve this (post|answer|question)\?.*|this (thread|topic|post|discussion) (is|has been|was) (archived|locked|closed)\b.*|archived post\. new comments cannot be posted.*|new comments cannot be posted and votes cannot be cast.*|this topic was automatically closed .*|(we|this (site|website)) uses? cookies\b.*|diese (website|webseite|seite) (verwendet|nutzt) cookies\b.*|ce site utilise des cookies\b.*)$/i;

/**
 * Words every notice holds, none of them across a line break: only a line holding one of them can be a
 * notice, and a text is split into lines only when one such line is a notice (a pasted log of a thousand
 * lines mentioning "locked" once is tried at that line alone).
 */
const NOTICE_WORDS = /improve this|archived|locked|closed|comments cannot|cookies/gi;

export function withoutNotices(text: string): string {
  if (!holdsNotice(text)) return text;
  const lines = text.split('\n');
  const kept = lines.filter((l) => !NOTICE.test(l.trim()));
  return kept.length === lines.length ? text : kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** Whether a line of `text` (between line feeds) is a notice: only the lines holding a notice word are tried. */
function holdsNotice(text: string): boolean {
  NOTICE_WORDS.lastIndex = 0;
  for (let m = NOTICE_WORDS.exec(text); m; m = NOTICE_WORDS.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    let end = text.indexOf('\n', m.index);
    if (end < 0) end = text.length;
    if (NOTICE.test(text.slice(start, end).trim())) return true;
    NOTICE_WORDS.lastIndex = end;
  }
  return false;
}
