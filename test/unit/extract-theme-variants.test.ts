import { describe, expect, it } from 'vitest';
import { decodePage, extractThread } from '../../lib/extract/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { corpusBytes } from '../support/corpus.ts';

/*
 * Themes rename and drop the classes a style hangs its looks on; the engine's own signals (post ids,
 * bodies its scripts use, profile links, time stamps) stay. Each case derives such a theme at run time
 * from a real corpus page and checks the adapter still gives every post's author and time, as it does
 * on the page itself.
 */

function read(rel: string, url: string, retheme?: (doc: Document) => void) {
  const doc = linkedomKit.parseHtml(decodePage(corpusBytes(rel)));
  retheme?.(doc);
  return extractThread({ kind: 'html', doc, url, parseHtml: linkedomKit.parseHtml });
}

/** Removes the classes from every element carrying them, as a theme that styles by other names would. */
function dropClasses(...names: string[]) {
  return (doc: Document) => {
    for (const name of names) for (const el of Array.from(doc.getElementsByClassName(name))) el.classList.remove(name);
  };
}

const cases: { engine: string; rel: string; url: string; theme: (doc: Document) => void; what: string }[] = [
  {
    engine: 'phpbb3',
    rel: 'phpbb/openoffice-viewtopic-82202.html',
    url: 'https://forum.openoffice.org/en/forum/viewtopic.php?f=5&t=82202',
    theme: dropClasses('postprofile', 'author', 'username', 'username-coloured', 'post', 'topic-title'),
    what: 'profile column, byline and username classes gone (a home-made prosilver derivative)',
  },
  {
    engine: 'phpbb3',
    rel: 'phpbb/odroid-viewtopic-22170.html',
    url: 'https://forum.odroid.com/viewtopic.php?f=139&t=22170',
    theme: (doc) => {
      dropClasses('postprofile', 'username', 'username-coloured')(doc);
      doc.body?.removeAttribute('id'); // no body#phpbb: only the post anchors and engine links are left
    },
    what: 'no body#phpbb and no profile classes',
  },
  {
    engine: 'xenforo',
    rel: 'xenforo/katzen-forum.net-pepe.html',
    url: 'https://www.katzen-forum.net/threads/pepe.230143/',
    theme: dropClasses('message-name', 'username', 'message-attribution', 'message-userDetails', 'u-dt'),
    what: 'author pane and attribution classes gone',
  },
  {
    engine: 'vbulletin',
    rel: 'vbulletin/pocketpc.ch-thread-page34.html',
    url: 'https://www.pocketpc.ch/threads/auslieferung.html',
    theme: dropClasses('username', 'username_container', 'date', 'postdate', 'postcontainer', 'postbit'),
    what: 'username and date classes gone, posts no longer li.postcontainer',
  },
  {
    engine: 'vbulletin',
    rel: 'vbulletin/skyscraperpage-showthread-242327.html',
    url: 'https://skyscraperpage.com/forum/showthread.php?t=242327',
    theme: dropClasses('bigusername', 'tborder'),
    what: 'vB3 postbit without a.bigusername',
  },
];

describe('adapters read authors and times on theme variants derived from real pages', () => {
  for (const c of cases) {
    it(`${c.engine} on ${c.rel}: ${c.what}`, () => {
      const original = read(c.rel, c.url);
      const variant = read(c.rel, c.url, c.theme);
      expect(original.extractor).toBe(c.engine);
      expect(variant.extractor).toBe(c.engine);
      expect(variant.reader).toBe('adapter');
      expect(variant.posts.map((p) => p.id)).toEqual(original.posts.map((p) => p.id));
      expect(variant.posts.map((p) => p.author.name)).toEqual(original.posts.map((p) => p.author.name));
      expect(variant.posts.map((p) => p.publishedAt)).toEqual(original.posts.map((p) => p.publishedAt));
      // The variant must not have kept authors by luck: the original has real names and times on every post.
      expect(original.posts.every((p) => p.author.name !== 'Guest' && p.publishedAt)).toBe(true);
    });
  }

  it('hands a reading whose posts have no authors to the generic reader, and says which reader produced it', () => {
    // A theme that drops every author signal the phpBB adapter knows: its reading would be all "Guest".
    const t = read('phpbb/openoffice-viewtopic-82202.html', 'https://forum.openoffice.org/en/forum/viewtopic.php?f=5&t=82202', (doc) => {
      dropClasses('postprofile', 'author', 'username', 'username-coloured')(doc);
      for (const a of Array.from(doc.querySelectorAll('a[href*="mode=viewprofile"]'))) a.removeAttribute('href');
    });
    if (t.reader === 'adapter') {
      // Kept only when the generic reader did no better; then the doubt is stated.
      expect(t.confidence?.reasons.map((r) => r.code)).toContain('authors-missing');
      expect(t.confidence!.score).toBeLessThan(0.75);
    } else {
      expect(t.reader).toBe('generic');
      expect(t.extractor).not.toBe('phpbb3');
    }
  });
});
