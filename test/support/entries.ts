import { buildEntry } from '../../lib/curate/entry.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { Entry } from '../../lib/model/entry.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { extractCorpus } from './extract.ts';

export const DISCOURSE_URL = 'https://meta.discourse.org/t/congratulations-most-stars-in-2013-github-octoverse/12483';

export function discourseThread(): Thread {
  return extractCorpus('discourse/meta-discourse-octoverse-topic.html', DISCOURSE_URL);
}

/** A valid Q&A entry built the way the curate view builds one, from a real corpus thread. */
export async function qaEntry(thread: Thread = discourseThread(), opts: { title?: string; now?: Date } = {}): Promise<Entry> {
  const [q, a] = thread.posts;
  const statement = consentStatement('author_opt_in', 'CC-BY-SA-4.0');
  const r = await buildEntry(
    { kind: 'qa', title: opts.title ?? thread.title, question: { text: q!.text, postIds: [q!.id] }, answers: [{ text: a!.text, postIds: [a!.id] }] },
    {
      thread,
      now: opts.now ?? new Date(),
      extensionVersion: 'test',
      // The fixture's permission records are the authors' own source posts: enough for a valid receipt.
      consent: { grant: 'CC-BY-SA-4.0', basis: 'author_opt_in', permissionPostIds: [q!.id, a!.id], statement: statement.text, statementVersion: statement.version, who: 'tester', agreed: true },
    },
  );
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.entry;
}
