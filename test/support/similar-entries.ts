import { contentHash } from '../../lib/curate/hash.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { openLicenseEntry } from './evidence.ts';

// Made-up questions on a made-up forum; the entries around them are the corpus Discourse thread's, re-addressed.
export const FORUM = 'https://forum.example/t/robber-trading';
export const Q1 = 'Can I trade with another player during the robber phase in Catan?';
export const Q1_RETYPED = 'Hi all! Can I trade with other players during the robber phase in Catan? Thanks';
export const Q2 = 'How many victory points do you need to win a game of Catan?';
export const Q3 = 'Does the longest road count roads broken by another settlement?';

let n = 0;
/** An open-licence Q&A entry asking `question`, from posts `posts` (question post first) of thread `thread`. */
export async function entry(question: string, posts: [string, string], o: { thread?: string; license?: string; title?: string } = {}): Promise<Entry> {
  const base = await openLicenseEntry();
  if (base.kind !== 'qa') throw new Error('expected a Q&A entry');
  const thread = o.thread ?? FORUM;
  const license = o.license ?? 'CC-BY-SA-4.0';
  const sources = base.sources.map((s, i) => ({ ...s, postId: posts[i]!, url: `${thread}/${posts[i]}`, threadUrl: thread, license, licenseEvidence: { url: thread, how: `the page states ${license}` } }));
  const messages = [{ role: 'user' as const, content: question }, base.messages[1]!];
  const e: Entry = {
    ...base,
    id: `E${String(++n).padStart(4, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    title: o.title ?? question.slice(0, 60),
    sources,
    license: license === 'CC-BY-NC-SA-4.0' ? 'CC-BY-NC-SA-4.0' : 'CC-BY-SA-4.0',
    licenseNotes: undefined,
    qa: { question: { text: question, sourcePostIds: [posts[0]] }, answers: [{ ...base.qa.answers[0]!, sourcePostIds: [posts[1]] }] },
    messages,
    contentSha256: await contentHash(messages),
  };
  delete (e as { licenseNotes?: unknown }).licenseNotes;
  return e;
}

