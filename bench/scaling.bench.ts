/**
 * Time against thread length: threads of 1,000 to 16,000 posts built from real corpus markup (one post
 * block of a page, repeated with its ids renumbered), read by the generic reader alone and by the
 * product's adapters: one page per adapter that has a thread page in the corpus, and the JSON and XML
 * responses (Discourse, Reddit, BGG) built from their own post records. Prints the time per size, the
 * ratio per doubling and which reader read the posts; linear time is a ratio near 2 (goal ≤ 2.2),
 * quadratic near 4. `npm run bench -- scaling`; `SCALING_SIZES=1000,2000,4000` and
 * `SCALING_ONLY=phpBB` (a name part) and `SCALING_READER=generic|adapters` narrow a run. Each size is
 * timed SCALING_REPEAT times (3 by default), in rounds over all sizes, and its best run kept; a size
 * whose runs are short is timed again until its runs have taken SCALING_MIN_MS of CPU time (3,000 by
 * default), at most SCALING_MAX_REPEAT times (15). Each timed sample reads at least
 * SCALING_SAMPLE_POSTS posts (8,000 by default: a 1,000-post thread is read 8 times in a row, its time
 * per reading kept; see `timeOnce`). Ratios are
 * of the process's CPU time, which other processes on a shared machine disturb far less than wall time
 * (both are printed).
 *
 * The run has a heap limit of SCALING_HEAP_MB (16,384 by default; the bench re-runs itself in a child
 * process with it, and SCALING_HEAP_MB=0 keeps Node's default). At 16,000 posts a page's DOM alone is
 * 1.4-1.6 GB of heap (SMF, Invision), a third of Node's default limit on this machine (4.3 GB), and near
 * the limit V8 collects garbage ever more often: the 8,000 -> 16,000 step then measured V8's heap policy
 * (SMF adapter 2.27x at the default limit, 1.50x with room, in alternated runs), not the readers' code.
 *
 * Not covered, for want of a corpus thread to repeat: the Stack Exchange API (the corpus response has
 * no answers), the Hacker News Firebase API (one item), old Reddit, MyBB, Flarum, NodeBB and GitHub.
 * Hypermail reads one message per page: nothing to repeat.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { decodePage, extractThread, sourceFromText } from '../lib/extract/index.ts';
import { nodeKit } from '../lib/extract/linkedom-node.ts';
import { corpusBytes } from '../test/support/corpus.ts';

interface Sample {
  name: string;
  file: string;
  url: string;
  /**
   * Selects the post blocks to replicate; the first is the template, the others are removed. Without
   * it, the blocks are found from the page's own reading: the set of same-tag, same-class siblings each
   * holding exactly one post's words.
   */
  block?: string;
  /** For responses that are not pages: the response with `n` posts. */
  build?: (n: number) => string;
  /** Read by the adapters only (an API response has no structure for the generic reader). */
  adaptersOnly?: boolean;
}

const text = (file: string) => decodePage(corpusBytes(file));

/** A Discourse topic response with `n` replies, each a copy of the first reply with its own id and number. */
function discourseJson(n: number): string {
  const d = JSON.parse(text('discourse/discourse-api-topic-try-discourse.json')) as { post_stream: { posts: { id: number; post_number: number }[]; stream: number[] } };
  const [first, reply] = d.post_stream.posts as [{ id: number; post_number: number }, { id: number; post_number: number }];
  const posts = [first];
  for (let i = 0; i < n - 1; i++) posts.push({ ...reply, id: 1_000_000 + i, post_number: i + 2 });
  d.post_stream.posts = posts;
  d.post_stream.stream = posts.map((p) => p.id);
  return JSON.stringify(d);
}

/** A Reddit comments response with `n` top-level comments, each a copy of the first with its own id. */
function redditJson(n: number): string {
  const r = JSON.parse(text('reddit/reddit-api-comments-3hahrw.json')) as [unknown, { data: { children: { kind: string; data: Record<string, unknown> }[] } }];
  const first = r[1].data.children.find((c) => c.kind === 't1')!;
  const children = [];
  for (let i = 0; i < n; i++) children.push({ kind: 't1', data: { ...first.data, replies: '', id: `s${i}`, name: `t1_s${i}` } });
  r[1].data.children = children;
  return JSON.stringify(r);
}

/** A BGG thread response with `n` articles, each a copy of the first with its own id. */
function bggXml(n: number): string {
  const xml = text('bgg/bggclient_thread_3208373.xml');
  const start = xml.indexOf('<article ');
  const end = xml.lastIndexOf('</article>') + '</article>'.length;
  const one = xml.slice(start, xml.indexOf('</article>', start) + '</article>'.length);
  const copies: string[] = [];
  for (let i = 0; i < n; i++) copies.push(one.replace(/\bid="(\d+)"/, (_m, d: string) => `id="${d}${i}"`));
  return xml.slice(0, start) + copies.join('\n') + xml.slice(end);
}

const SAMPLES: Sample[] = [
  { name: 'Hacker News comment row', file: 'hackernews/hn-item-ask-best-papers.html', url: 'https://news.ycombinator.com/item?id=1', block: 'tr.athing.comtr' },
  { name: 'phpBB 3 post', file: 'phpbb/airliners-viewtopic-1437935.html', url: 'https://www.airliners.net/forum/viewtopic.php?t=1437935', block: 'div.post' },
  { name: 'WordPress comment', file: 'wordpress_comments/foxyfolksy-chocolate-buttercream-comments.html', url: 'https://www.foxyfolksy.com/chocolate-buttercream/', block: 'ol.comment-list > li.comment, ol.commentlist > li.comment' },
  { name: 'phpBB 2 post', file: 'phpbb/phpbb2-forumer-viewtopic-805.html', url: 'http://freeman.forumer.com/viewtopic.php?t=805' },
  { name: 'XenForo message', file: 'xenforo/gtplanet-thread-378195-f1-2018.html', url: 'https://www.gtplanet.net/forum/threads/f1-2018-general-discussion.378195/' },
  { name: 'vBulletin post', file: 'vbulletin/futura-sciences-78761-moderateurs-fr.html', url: 'https://forums.futura-sciences.com/annonces-officielles/78761-moderateurs.html' },
  { name: 'Something Awful post', file: 'vbulletin/sa-forums-showthread-canadian-politics.html', url: 'https://forums.somethingawful.com/showthread.php?threadid=3507451&pagenumber=5' },
  { name: 'SMF post', file: 'smf/bpdfamily-topic-343886.html', url: 'https://bpdfamily.com/message_board/index.php?topic=343886.0' },
  { name: 'Forumotion post', file: 'forumotion/wolfsrebellen-forumieren-t7.html', url: 'https://wolfsrebellen-netz.forumieren.com/t7-forums-regeln', block: 'div.post.clearfix:not(.post--0)' },
  { name: 'Askbot answer', file: 'askbot/askbot.org-list-of-sites-page1.html', url: 'https://askbot.org/en/question/2488/list-of-askbot-sites/' },
  { name: 'Stack Exchange answer', file: 'stackexchange/german.stackexchange-10376.html', url: 'https://german.stackexchange.com/questions/10376/when-to-use-wurde-versus-war-eg-ich-wurde-ausgeraubt-vs-ich-war-ausgerau' },
  { name: 'Reddit comment (page)', file: 'reddit/reddit-new-python-init.html', url: 'https://www.reddit.com/r/Python/comments/1bbbwk/whats_your_opinion_on_what_to_include_in_init_py/' },
  { name: 'Invision comment', file: 'invision/utorrent-forum-topic-86747.html', url: 'https://forum.utorrent.com/topic/86747-help-us-build-the-next-great-bittorrent-product/' },
  { name: 'Vanilla comment', file: 'vanilla/collegeconfidential-2183693-nyu-ama.html', url: 'https://talk.collegeconfidential.com/student-here-ask-me-anything/2183693-got-into-nyu-pre-med-intention-ask-me-anything.html' },
  { name: 'Discourse post (page)', file: 'discourse/blizzard-wow-forums-t-499760-layers.html', url: 'https://us.forums.blizzard.com/en/wow/t/layers-and-character-creation-adjustments-on-select-realms/499760' },
  { name: 'Discourse API post', file: 'discourse/discourse-api-topic-try-discourse.json', url: 'https://try.discourse.org/t/1.json', build: discourseJson, adaptersOnly: true },
  { name: 'Reddit API comment', file: 'reddit/reddit-api-comments-3hahrw.json', url: 'https://www.reddit.com/comments/3hahrw/.json', build: redditJson, adaptersOnly: true },
  { name: 'BGG XML article', file: 'bgg/bggclient_thread_3208373.xml', url: 'https://boardgamegeek.com/xmlapi2/thread?id=3208373', build: bggXml, adaptersOnly: true },
];

const SIZES = (process.env.SCALING_SIZES ?? "1000,2000,4000,8000,16000").split(",").map(Number);
const MARK = 'gleaner-scaling-slot';
const REPEAT = Math.max(1, Number(process.env.SCALING_REPEAT ?? 3));
/** Sizes whose runs are short are run until they have taken this much CPU time, within MAX_REPEAT runs. */
const MIN_MS = Math.max(0, Number(process.env.SCALING_MIN_MS ?? 3000));
const MAX_REPEAT = Math.max(REPEAT, Number(process.env.SCALING_MAX_REPEAT ?? 15));
const gc = (globalThis as { gc?: () => void }).gc;

/** Words from the start of each post, to find which elements hold which post. */
function postSnippets(html: string, url: string): string[] {
  const t = extractThread(sourceFromText(html, url, nodeKit));
  const norm = (x: string) => x.replace(/\s+/g, ' ').trim();
  return [...new Set(t.posts.map((p) => norm(p.text).slice(0, 40)).filter((x) => x.length >= 8))];
}

/** The same-tag, same-class siblings that each hold exactly one post's words, the most posts covered (outermost on a tie). */
function findBlocks(doc: Document, snippets: string[]): Element[] {
  const norm = (x: string) => x.replace(/\s+/g, ' ');
  let best: Element[] = [];
  let bestDepth = Infinity;
  for (const parent of Array.from(doc.querySelectorAll('*'))) {
    const groups = new Map<string, Element[]>();
    for (const c of Array.from(parent.children)) {
      const key = `${c.localName}.${[...c.classList].sort().join('.')}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      const holding = g.filter((el) => {
        const t = norm(el.textContent ?? '');
        return snippets.filter((s) => t.includes(s)).length === 1;
      });
      let depth = 0;
      for (let x: Element | null = parent; x; x = x.parentElement) depth++;
      if (holding.length > best.length || (holding.length === best.length && depth < bestDepth)) {
        best = holding;
        bestDepth = depth;
      }
    }
  }
  if (best.length < Math.min(2, snippets.length)) throw new Error('no repeated post block found');
  return best;
}

/** The page with its post blocks replaced by `n` copies of the first, every number in an id made unique. */
const templates = new Map<string, { page: string; template: string }>();
function buildPage(s: Sample, n: number): string {
  if (s.build) return s.build(n);
  let t = templates.get(s.name);
  if (!t) {
    const html = text(s.file);
    const doc = nodeKit.parseHtml(html);
    const blocks = s.block ? Array.from(doc.querySelectorAll(s.block)) : findBlocks(doc, postSnippets(html, s.url));
    const first = blocks[0];
    if (!first?.parentElement) throw new Error(`${s.file}: no post block found`);
    const template = first.outerHTML;
    const parent = first.parentElement;
    const slot = doc.createElement('div');
    slot.setAttribute('id', MARK);
    parent.insertBefore(slot, first);
    for (const b of blocks) if (b.parentElement === parent) b.remove();
    t = { page: doc.toString(), template };
    templates.set(s.name, t);
  }
  const copies: string[] = [];
  for (let i = 0; i < n; i++) {
    // Ids, anchors and data attributes carry post numbers: each copy gets its own, as a real page's posts do.
    copies.push(t.template.replace(/((?:id|name|href|data-[\w-]+)="[^"]*?)(\d{3,})/g, (_m, pre: string, digits: string) => `${pre}${digits}${i}`));
  }
  return t.page.replace(`<div id="${MARK}"></div>`, copies.join('\n'));
}

/**
 * One timed sample: the page parsed, then read `reads` times in a row; the times are per reading. A
 * sample of a short thread reads it several times (`readsFor`), so that every sample does about the
 * same work and pays its share of the collector's work alike: with one reading per sample, a thread
 * whose reading allocated just under what starts a full collection (after the `gc()` before each
 * sample) paid none, and the next size paid one in every sample, which put single doublings of the
 * JSON responses at 2.3-2.4 in one run of the bench and 1.1-1.3 in the next.
 */
function timeOnce(html: string, url: string, reader: 'auto' | 'generic', reads = 1): { ms: number; cpuMs: number; posts: number; by: string } {
  const src = sourceFromText(html, url, nodeKit);
  gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let posts = 0;
  let by = 'none';
  for (let r = 0; r < reads; r++) {
    try {
      const t = extractThread(src, { reader });
      posts = t.posts.length;
      by = t.reader === 'adapter' ? (t.extractor ?? t.platform) : (t.reader ?? '?');
    } catch {
      posts = 0;
    }
  }
  const c = process.cpuUsage(c0);
  return { ms: (performance.now() - t0) / reads, cpuMs: (c.user + c.system) / 1000 / reads, posts, by };
}

/** Posts a timed sample reads at least (`timeOnce`): SCALING_SAMPLE_POSTS, 8,000 by default. */
const SAMPLE_POSTS = Math.max(1, Number(process.env.SCALING_SAMPLE_POSTS ?? 8000));
/** How many readings of an `n`-post thread one sample takes. */
const readsFor = (n: number) => Math.max(1, Math.round(SAMPLE_POSTS / n));

export default async function scaling(): Promise<void> {
  const heapMb = Number(process.env.SCALING_HEAP_MB ?? 16_384);
  const limitMb = getHeapStatistics().heap_size_limit / 2 ** 20;
  if (heapMb > 0 && limitMb < heapMb * 0.9) {
    console.log(`Heap limit ${Math.round(limitMb)} MB: running the doublings in a child process with --max-old-space-size=${heapMb} (SCALING_HEAP_MB=0 keeps the default).`);
    const child = spawn(process.execPath, ['--expose-gc', `--max-old-space-size=${heapMb}`, '--import', 'tsx', join(import.meta.dirname, 'run.ts'), 'scaling'], { stdio: 'inherit', env: { ...process.env, SCALING_HEAP_MB: String(heapMb) } });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code) process.exitCode = code;
    return;
  }
  console.log(`Heap limit ${Math.round(limitMb)} MB.`);
  const rows: Record<string, string | number>[] = [];
  const worst = new Map<string, number>();
  let hn16 = NaN;
  const only = process.env.SCALING_ONLY?.toLowerCase();
  for (const s of SAMPLES) {
    if (only && !s.name.toLowerCase().includes(only)) continue;
    for (const reader of s.adaptersOnly ? (['auto'] as const) : (['generic', 'auto'] as const)) {
      if (process.env.SCALING_READER && process.env.SCALING_READER !== (reader === 'auto' ? 'adapters' : 'generic')) continue;
      let prev = NaN;
      const key = `${s.name} / ${reader === 'auto' ? 'adapters' : 'generic'}`;
      const pages: { n: number; html: string }[] = [];
      for (const n of SIZES) {
        try {
          pages.push({ n, html: buildPage(s, n) });
        } catch (e) {
          rows.push({ page: s.name, reader: '', posts: n, read: 0, by: `not built: ${(e as Error).message}`, 'wall ms': 0, 'cpu ms': 0, '× per doubling': '' });
          break;
        }
      }
      // Best of SCALING_REPEAT runs per size, the runs taken in rounds over all sizes: on a shared machine,
      // a spell of load then slows one run of every size, where runs taken size after size put it all on one
      // size and made a single doubling look super-linear.
      // A size whose runs are short gets more of them, up to SCALING_MIN_MS of CPU time (or
      // SCALING_MAX_REPEAT runs): a best of 3 runs of 100-300 ms still moved by a third between two
      // runs of the bench (the JSON responses), enough to put one doubling at 1.3 and the next at 2.7.
      const best: ReturnType<typeof timeOnce>[] = [];
      const spent = pages.map(() => 0);
      const runs = pages.map(() => 0);
      const wants = (i: number) => runs[i]! < REPEAT || (spent[i]! < MIN_MS && runs[i]! < MAX_REPEAT);
      while (pages.some((_, i) => wants(i))) {
        pages.forEach(({ html }, i) => {
          if (!wants(i)) return;
          const reads = readsFor(pages[i]!.n);
          const t = timeOnce(html, s.url, reader, reads);
          runs[i]!++;
          spent[i]! += t.cpuMs * reads;
          if (!best[i] || t.cpuMs < best[i]!.cpuMs) best[i] = t;
        });
      }
      pages.forEach(({ n }, i) => {
        const { ms, cpuMs, posts, by } = best[i]!;
        // Ratios of process CPU time: on a shared machine, wall time counts other processes' turns too.
        const ratio = cpuMs / prev;
        if (Number.isFinite(ratio) && prev > 50) worst.set(key, Math.max(worst.get(key) ?? 0, ratio));
        if (reader === 'generic' && n === 16000 && s.name.startsWith('Hacker News')) hn16 = cpuMs;
        const row = { page: s.name, reader: reader === 'auto' ? 'adapters' : 'generic', posts: n, read: posts, by, 'wall ms': Math.round(ms), 'cpu ms': Math.round(cpuMs), '× per doubling': Number.isFinite(ratio) ? ratio.toFixed(2) : '' };
        rows.push(row);
        // Each figure as it comes, so a long run shows progress (the table follows at the end).
        console.log(Object.values(row).join(' | '));
        prev = cpuMs;
      });
    }
  }
  console.table(rows);
  const over = [...worst].filter(([, r]) => r > 2.2);
  const all = Math.max(0, ...worst.values());
  console.log(`Worst CPU time ratio per doubling (steps over 50 ms): ${all.toFixed(2)} (goal ≤ 2.2)${over.length ? `; over the goal: ${over.map(([k, r]) => `${k} ${r.toFixed(2)}`).join(', ')}` : ''}.`);
  if (Number.isFinite(hn16)) console.log(`Generic reader, 16,000 Hacker News comments: ${(hn16 / 1000).toFixed(2)} s of CPU (goal < 5 s).`);
}
