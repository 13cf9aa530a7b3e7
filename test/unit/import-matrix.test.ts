import { describe, expect, it } from 'vitest';
import { importMatrix } from '../../lib/import/matrix.ts';
import { importContext } from '../../lib/import/context.ts';
import { detectFormat } from '../../lib/import/index.ts';

/**
 * Built from Element's documented "Export chat" JSON format and the Matrix client-server event format;
 * no real Element export is in the corpus.
 */
function elementExport(): Uint8Array {
  const ev = (id: string, sender: string, ts: number, content: object, type = 'm.room.message') => ({
    type, sender, origin_server_ts: ts, content, event_id: id, room_id: '!room:example.org', unsigned: { age: 1 },
  });
  const t0 = Date.parse('2024-05-01T10:00:00Z');
  return new TextEncoder().encode(
    JSON.stringify({
      room_name: 'Board games',
      room_creator: '@alice:example.org',
      topic: 'Talk about games',
      export_date: '2024-05-02',
      exported_by: '@alice:example.org',
      messages: [
        ev('$m0', '@alice:example.org', t0 - 1000, { membership: 'join', displayname: 'Alice' }, 'm.room.member'),
        { ...ev('$m1', '@bob:example.org', t0 - 900, { membership: 'join', displayname: 'Bob B' }, 'm.room.member'), state_key: '@bob:example.org' },
        { ...ev('$m2', '@alice:example.org', t0 - 800, { membership: 'join', displayname: 'Alice' }, 'm.room.member'), state_key: '@alice:example.org' },
        ev('$e1', '@alice:example.org', t0, { msgtype: 'm.text', body: 'Anyone tried Ark Nova?' }),
        ev('$e2', '@bob:example.org', t0 + 60_000, {
          msgtype: 'm.text',
          body: '> <@alice:example.org> Anyone tried Ark Nova?\n\nYes, twice. Long but good.',
          'm.relates_to': { 'm.in_reply_to': { event_id: '$e1' } },
        }),
        ev('$e3', '@bob:example.org', t0 + 70_000, { msgtype: 'm.text', body: '* twice, actually', 'm.new_content': { body: 'twice' }, 'm.relates_to': { rel_type: 'm.replace', event_id: '$e2' } }),
        ev('$e4', '@alice:example.org', t0 + 120_000, { msgtype: 'm.image', body: 'board.jpg', url: 'mxc://example.org/abc' }),
        ev('$e5', '@alice:example.org', t0 + 5 * 3600_000, { msgtype: 'm.emote', body: 'is back' }),
      ],
    }),
  );
}

describe('Element (Matrix) JSON export', () => {
  it('messages only, display names from membership events, reply fallback becomes a quote, edits skipped', () => {
    const bytes = elementExport();
    expect(detectFormat('export.json', bytes)).toBe('matrix');
    const threads = importMatrix(bytes, importContext('export.json'));
    expect(threads.map((t) => t.posts.map((p) => p.id))).toEqual([['$e1', '$e2', '$e4'], ['$e5']]);
    const reply = threads[0]!.posts[1]!;
    expect(reply.author).toEqual({ name: 'Bob B', url: 'https://matrix.to/#/@bob:example.org' });
    expect(reply.text).toBe('Yes, twice. Long but good.');
    expect(reply.replyTo).toBe('$e1');
    expect(reply.quotes).toEqual([{ postId: '$e1', author: 'Alice', text: 'Anyone tried Ark Nova?' }]);
    expect(threads[0]!.posts[2]!.text).toBe('[attachment: board.jpg]');
    expect(threads[1]!.posts[0]!.text).toBe('* Alice is back');
    expect(threads[0]!.url).toBe('https://matrix.to/#/!room:example.org/$e1');
    expect(threads[0]!.title).toBe('Board games, 2024-05-01');
  });
});
