import type { Thread } from '../model/thread.ts';

/*
 * Selection capture: keep only the posts a reader's selection touches. Adapters return plain data (a
 * Thread), so where each post sits in the page is found again here from the post id and the same
 * markup the adapter read. Engines not listed return an empty map, and the caller keeps every post.
 */

type Locate = (doc: Document, id: string) => Element | null;

const byId = (doc: Document, id: string) => doc.getElementById(id);

const LOCATORS: Record<string, Locate> = {
  phpbb3: (doc, id) => byId(doc, `p${id}`),
  // A phpBB 2 post is the row holding the `<a name=ID>` anchor (the profile row below is chrome).
  phpbb2: (doc, id) => doc.querySelector(`span.name a[name="${id}"], span.name a[id="${id}"]`)?.closest('tr') ?? null,
  xenforo: (doc, id) => doc.querySelector(`[data-content="post-${id}"]`) ?? byId(doc, `js-post-${id}`) ?? byId(doc, `post-${id}`),
  // The Ember app renders `article#post_N`; the crawler copy numbers `.crawler-post`s by position.
  'discourse-html': (doc, id) => {
    const n = id.split('/').pop() ?? '';
    return (
      byId(doc, `post_${n}`) ??
      Array.from(doc.querySelectorAll('.crawler-post, [itemtype$="DiscussionForumPosting"]')).find(
        (el, i) => (el.querySelector('[itemprop="position"]')?.textContent ?? '').replace('#', '').trim() === n || (!el.querySelector('[itemprop="position"]') && String(i + 1) === n),
      ) ??
      null
    );
  },
};

/** Each post's element in the page the thread was read from, for the engines that support selection capture. */
export function postElements(thread: Pick<Thread, 'extractor' | 'posts'>, doc: Document): Map<string, Element> {
  const locate = thread.extractor ? LOCATORS[thread.extractor] : undefined;
  const out = new Map<string, Element>();
  if (!locate) return out;
  for (const p of thread.posts) {
    const el = locate(doc, p.id);
    if (el) out.set(p.id, el);
  }
  return out;
}

/** What a selection is: a DOM Range (the browser's), or the list of nodes it touches (tests, other DOMs). */
export type Touched = { intersectsNode(node: Node): boolean } | Iterable<Node>;

/**
 * Ids of the posts a selection touches, in thread order. A post counts when the selection reaches into
 * it or spans it; with a node list, when a listed node is inside the post's element or contains it.
 */
export function postsTouchedBySelection(elements: Map<string, Element>, touched: Touched): string[] {
  if ('intersectsNode' in touched) return [...elements].filter(([, el]) => touched.intersectsNode(el)).map(([id]) => id);
  const nodes = Array.from(touched);
  return [...elements].filter(([, el]) => nodes.some((n) => el === n || el.contains(n) || n.contains(el))).map(([id]) => id);
}

/** The thread narrowed to the touched posts; null when the selection touches none (capture everything then). */
export function threadForSelection<T extends Pick<Thread, 'extractor' | 'posts'>>(thread: T, doc: Document, touched: Touched): T | null {
  const ids = new Set(postsTouchedBySelection(postElements(thread, doc), touched));
  if (!ids.size) return null;
  return { ...thread, posts: thread.posts.filter((p) => ids.has(p.id)) };
}
