import { describe, expect, it } from 'vitest';
import { importMattermost } from '../../lib/import/mattermost.ts';
import { importContext } from '../../lib/import/context.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { corpusBytes } from '../support/corpus.ts';

describe('Mattermost API posts', () => {
  it('5 posts by 2 users; the reply 5 h later stays with its root', () => {
    const warnings: string[] = [];
    const threads = importMattermost(corpusBytes('mattermost/mattermost-api-channel-posts-page1.json'), importContext('posts.json', {}, warnings));
    expect(threads).toHaveLength(1);
    const posts = threads[0]!.posts;
    // order[] is newest first; posts come out oldest first.
    expect(posts.map((p) => p.id)).toEqual([
      'shs4ujzubtffzxbshxthfcxfdw',
      'sg3eifxowjba7k47xb16767isa',
      'zgzsgcnuobyf9bwdcbug8iqu6e',
      'pot46s7kjif7xx6x91ua7m4d7y',
      '59io5i1f5bbetxtj6mbm67fouw',
    ]);
    expect(posts[0]!.text).toBe('hola valerio!');
    expect(posts[0]!.publishedAt).toBe('2018-04-12T09:43:19.108Z');
    expect(posts[4]!.replyTo).toBe('pot46s7kjif7xx6x91ua7m4d7y');
    expect(new Set(posts.map((p) => p.author.name))).toEqual(new Set(['8tbwn7uikpdy3gpse6fgiie5co', 'haqnaxe4cpn4jfsx3w7x3y96ea']));
    expect(warnings[0]).toMatch(/user ids only/);
  });

  it('not a posts response: ImportError', () => {
    expect(() => importMattermost(new TextEncoder().encode('{"posts": 1}'), importContext('p.json'))).toThrow(ImportError);
  });
});
