/**
 * Drafts an expectation file (test/expect/README.md) from what Gleaner reads today, for a person to
 * check post by post against the page itself before it is saved: a draft is not an expectation.
 *   npx tsx scripts/expect-draft.ts CORPUS_RELATIVE_PATH URL [--reader generic]
 */
import { extractCorpus } from '../test/support/extract.ts';

const [file, url, ...rest] = process.argv.slice(2);
if (!file || !url) {
  console.error('usage: npx tsx scripts/expect-draft.ts CORPUS_RELATIVE_PATH URL [--reader generic]');
  process.exit(2);
}
const reader = rest.includes('generic') ? 'generic' : 'auto';
try {
  const t = extractCorpus(file, url, { reader });
  const words = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 60).replace(/\s\S*$/, '');
  const posts = t.posts.map((p) => `    ${JSON.stringify({ author: p.author.name, start: words(p.text), publishedAt: p.publishedAt })}`);
  console.log(`{\n  "file": ${JSON.stringify(file)},\n  "url": ${JSON.stringify(url)},\n  "platform": ${JSON.stringify(t.platform)},\n  "title": ${JSON.stringify(t.title)},\n  "posts": [\n${posts.join(',\n')}\n  ]\n}`);
  console.error(`read by ${t.extractor} (${t.reader}); ${t.posts.length} posts`);
} catch (e) {
  console.error(`no thread: ${(e as Error).message}`);
  process.exit(1);
}
