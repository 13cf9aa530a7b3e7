import { describe, expect, it } from 'vitest';
import { decodePage, extractThread, sourceFromText } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { postElements, postsTouchedBySelection, threadForSelection } from '../../lib/extract/selection.ts';
import { corpusBytes } from '../support/corpus.ts';

/*
 * Selection capture on real pages under linkedom, which has no Range: a selection is given as the list
 * of nodes between its start and end in document order, as a browser Range would cover them.
 */
function read(rel: string, url: string) {
  const src = sourceFromText(decodePage(corpusBytes(rel)), url, linkedomKit);
  if (src.kind !== 'html') throw new Error('expected a page');
  return { doc: src.doc, thread: extractThread(src) };
}

function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    out.push(n);
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(root);
  return out;
}

/** Nodes from the first text of `from` to the last text of `to`, inclusive: a Range-like node list. */
function between(doc: Document, from: Element, to: Element): Node[] {
  // From the root element: linkedom gives the doctype no nextSibling.
  const nodes = allNodes(doc.documentElement);
  const firstText = allNodes(from).find((n) => n.nodeType === 3 && (n.nodeValue ?? '').trim())!;
  const lastText = allNodes(to).filter((n) => n.nodeType === 3 && (n.nodeValue ?? '').trim()).pop()!;
  return nodes.slice(nodes.indexOf(firstText), nodes.indexOf(lastText) + 1);
}

describe('selection capture', () => {
  it('XenForo: a selection from the 3rd post body into the 5th touches posts 3 to 5', () => {
    const { doc, thread } = read('xenforo/katzen-forum.net-pepe.html', 'https://www.katzen-forum.net/threads/jede-nacht-verliert-pepe-soviel-dreck-aus-dem-fell.230143/');
    const els = postElements(thread, doc);
    expect(els.size).toBe(thread.posts.length);
    const ids = thread.posts.map((p) => p.id);
    const body = (i: number) => els.get(ids[i]!)!.querySelector('.bbWrapper')!;
    expect(postsTouchedBySelection(els, between(doc, body(2), body(4)))).toEqual(ids.slice(2, 5));
    // A selection inside one post touches that post only.
    const oneText = allNodes(body(7)).find((n) => n.nodeType === 3 && (n.nodeValue ?? '').trim())!;
    expect(postsTouchedBySelection(els, [oneText])).toEqual([ids[7]]);
    expect(threadForSelection(thread, doc, between(doc, body(0), body(1)))?.posts.map((p) => p.author.name)).toEqual(thread.posts.slice(0, 2).map((p) => p.author.name));
  });

  it('phpBB 3 and phpBB 2: posts found by their own ids; page chrome touches nothing', () => {
    const p3 = read('phpbb/foren.myoos.de-viewtopic-167.html', 'https://foren.myoos.de/viewtopic.php?t=167');
    const e3 = postElements(p3.thread, p3.doc);
    expect([...e3.keys()]).toEqual(p3.thread.posts.map((p) => p.id));
    const title = p3.doc.querySelector('h2')!;
    expect(postsTouchedBySelection(e3, [title.firstChild ?? title])).toEqual([]);
    expect(threadForSelection(p3.thread, p3.doc, [title])).toBeNull();

    const p2 = read('phpbb/phpbb2-forumer-viewtopic-805.html', 'http://freeman.forumer.com/viewtopic.php?t=805');
    const e2 = postElements(p2.thread, p2.doc);
    expect(e2.size).toBe(3);
    const ids = p2.thread.posts.map((p) => p.id);
    const body = (i: number) => e2.get(ids[i]!)!.querySelector('.postbody')!;
    expect(postsTouchedBySelection(e2, between(p2.doc, body(1), body(2)))).toEqual(ids.slice(1, 3));
  });

  it('Discourse crawler page: posts located by position', () => {
    const { doc, thread } = read('discourse/meta-discourse-octoverse-topic.html', 'https://meta.discourse.org/t/the-octoverse-2019/133525');
    const els = postElements(thread, doc);
    expect(els.size).toBe(thread.posts.length);
    const last = thread.posts.at(-1)!.id;
    const lastText = allNodes(els.get(last)!).filter((n) => n.nodeType === 3 && (n.nodeValue ?? '').trim()).pop()!;
    expect(postsTouchedBySelection(els, [lastText])).toEqual([last]);
  });

  it('takes a browser Range as it is (anything with intersectsNode)', () => {
    const { doc, thread } = read('xenforo/katzen-forum.net-pepe.html', 'https://www.katzen-forum.net/threads/jede-nacht-verliert-pepe-soviel-dreck-aus-dem-fell.230143/');
    const els = postElements(thread, doc);
    const wanted = new Set([thread.posts[1]!.id, thread.posts[2]!.id].map((id) => els.get(id)));
    expect(postsTouchedBySelection(els, { intersectsNode: (n) => wanted.has(n as Element) })).toEqual([thread.posts[1]!.id, thread.posts[2]!.id]);
  });

  it('engines without a locator give no elements, so the caller keeps the whole thread', () => {
    const { doc, thread } = read('smf/smf2-rc3-topic-38573-faq.html', 'http://forums.contribs.org/index.php?topic=38573.0');
    expect(postElements(thread, doc).size).toBe(0);
  });
});
