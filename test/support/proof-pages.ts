import { buildEntry } from '../../lib/curate/entry.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { ConsentBasisId } from '../../lib/license/combine.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { Post, Thread } from '../../lib/model/thread.ts';

/**
 * Proof pages for identity tests, derived at run time from corpus pages: the proof code written into
 * one post's own words, right after a stretch of its text that occurs once in the page, so the page stays
 * the forum's own markup and the extractor reads it as it reads the original.
 */
export function withCodeInPost(page: string, post: Post, code: string): string {
  const words = post.text.replace(/\s+/g, ' ');
  // A stretch found once is the post; where the words recur (a page that renders a post twice, or quotes
  // it in its description), the code goes after each, up to four. Callers check the extractor sees it.
  for (const times of [1, 2, 3, 4]) {
    for (let len = 32; len >= 12; len -= 4) {
      for (let at = 0; at + len <= words.length; at += 3) {
        const snippet = words.slice(at, at + len);
        if (/[<>&"']/.test(snippet) || snippet.trim() !== snippet) continue;
        if (page.split(snippet).length - 1 === times) return page.split(snippet).join(`${snippet} ${code} `);
      }
    }
  }
  throw new Error(`no stretch of post ${post.id}'s text occurs at most four times in the page: pick another post`);
}

/** The page as if the forum lived at `to` (every absolute address of `from` rewritten). */
export const rehost = (page: string, from: string, to: string) => page.split(from).join(to);

/** A strategy entry written from one post, on the given basis, built the way the curate view builds it. */
export async function oneAuthorEntry(thread: Thread, post: Post, basis: ConsentBasisId, title = 'What the post says'): Promise<Entry> {
  const statement = consentStatement(basis, 'CC-BY-SA-4.0');
  const r = await buildEntry(
    { kind: 'strategy', title, topic: title, tags: [], body: { text: post.text.slice(0, 2000), postIds: [post.id] } },
    {
      thread,
      now: new Date(),
      extensionVersion: 'test',
      consent: { grant: 'CC-BY-SA-4.0', basis, permissionPostIds: basis === 'author_opt_in' ? [post.id] : [], statement: statement.text, statementVersion: statement.version, who: 'tester', agreed: true },
    },
  );
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.entry;
}
