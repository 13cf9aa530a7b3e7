/**
 * Time against thread length: pages of 1,000 to 16,000 posts built from real corpus markup (one post
 * block of a page, repeated with its ids renumbered), read by the generic reader alone and by the
 * product's adapters. Prints the time per size and the ratio per doubling; linear time is a ratio near
 * 2 (goal ≤ 2.2), quadratic near 4. `npm run bench -- scaling`.
 */
import { decodePage, extractThread, sourceFromText } from '../lib/extract/index.ts';
import { linkedomKit } from '../lib/extract/linkedom.ts';
import { corpusBytes } from '../test/support/corpus.ts';

interface Sample {
  name: string;
  file: string;
  url: string;
  /** Selects the post blocks to replicate; the first is the template, the others are removed. */
  block: string;
}

const SAMPLES: Sample[] = [
  { name: 'Hacker News comment row', file: 'hackernews/hn-item-ask-best-papers.html', url: 'https://news.ycombinator.com/item?id=1', block: 'tr.athing.comtr' },
  { name: 'phpBB 3 post', file: 'phpbb/airliners-viewtopic-1437935.html', url: 'https://www.airliners.net/forum/viewtopic.php?t=1437935', block: 'div.post' },
  { name: 'WordPress comment', file: 'wordpress_comments/foxyfolksy-chocolate-buttercream-comments.html', url: 'https://www.foxyfolksy.com/chocolate-buttercream/', block: 'ol.comment-list > li.comment, ol.commentlist > li.comment' },
];

const SIZES = (process.env.SCALING_SIZES ?? "1000,2000,4000,8000,16000").split(",").map(Number);
const MARK = 'gleaner-scaling-slot';
const gc = (globalThis as { gc?: () => void }).gc;

/** The page with its post blocks replaced by `n` copies of the first, every number in an id made unique. */
function buildPage(s: Sample, n: number): string {
  const doc = linkedomKit.parseHtml(decodePage(corpusBytes(s.file)));
  const blocks = Array.from(doc.querySelectorAll(s.block));
  const first = blocks[0];
  if (!first?.parentElement) throw new Error(`${s.file}: no element matches ${s.block}`);
  const template = first.outerHTML;
  const parent = first.parentElement;
  for (const b of blocks) if (b.parentElement === parent) b.remove();
  const slot = doc.createElement('div');
  slot.setAttribute('id', MARK);
  parent.appendChild(slot);
  const copies: string[] = [];
  for (let i = 0; i < n; i++) {
    // Ids and anchors carry post numbers: each copy gets its own, as a real page's posts do.
    copies.push(template.replace(/((?:id|name|href)="[^"]*?)(\d{3,})/g, (_m, pre: string, digits: string) => `${pre}${digits}${i}`));
  }
  return doc.toString().replace(`<div id="${MARK}"></div>`, copies.join('\n'));
}

function timeOnce(html: string, url: string, reader: 'auto' | 'generic'): { ms: number; posts: number } {
  const src = sourceFromText(html, url, linkedomKit);
  gc?.();
  const t0 = performance.now();
  let posts = 0;
  try {
    posts = extractThread(src, { reader }).posts.length;
  } catch {
    posts = 0;
  }
  return { ms: performance.now() - t0, posts };
}

export default async function scaling(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  let worst = 0;
  let hn16 = NaN;
  for (const s of SAMPLES) {
    for (const reader of ['generic', 'auto'] as const) {
      let prev = NaN;
      for (const n of SIZES) {
        const html = buildPage(s, n);
        const { ms, posts } = timeOnce(html, s.url, reader);
        const ratio = ms / prev;
        if (Number.isFinite(ratio) && prev > 50) worst = Math.max(worst, ratio);
        if (reader === 'generic' && n === 16000 && s.name.startsWith('Hacker News')) hn16 = ms;
        rows.push({ page: s.name, reader: reader === 'auto' ? 'adapters' : 'generic', posts: n, read: posts, ms: Math.round(ms), '× per doubling': Number.isFinite(ratio) ? ratio.toFixed(2) : '' });
        prev = ms;
      }
    }
  }
  console.table(rows);
  console.log(`Worst time ratio per doubling (steps over 50 ms): ${worst.toFixed(2)} (goal ≤ 2.2). Generic reader, 16,000 Hacker News comments: ${(hn16 / 1000).toFixed(2)} s (goal < 5 s).`);
}
