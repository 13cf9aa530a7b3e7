import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, importArchive, ImportError } from '../../lib/import/index.ts';
import { corpusBytes, corpusPath } from '../support/corpus.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

describe('detectFormat: judged by content', () => {
  const cases: [string, string][] = [
    ['discord/dce-json-example-guild-general.json', 'discord'],
    ['discord/mlomb_dce_GC_3A_5M.json', 'discord'],
    ['slack/slack-export-viewer-testarchive.zip', 'slack-export'],
    ['slack/slackdump-native-dump-CHY5HUESG.json', 'slackdump'],
    ['telegram/mlomb_tg_DM_2A_7M.json', 'telegram-json'],
    ['telegram/football_predictions_botchat_messages.html', 'telegram-html'],
    ['irc/irclog2html-dircproxy-example.log', 'irc'],
    ['irc/irclog2html-supybot-2005-01-09.log', 'irc'],
    ['irc/irclog2html-hybrid-charset.log', 'irc'],
    ['whatsapp/mlomb_wa_4A_11M.txt', 'whatsapp'],
    ['mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox', 'mbox'],
    ['listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox', 'mbox'],
    ['mattermost/mattermost-api-channel-posts-page1.json', 'mattermost'],
  ];
  for (const [file, format] of cases) {
    it(`${file} → ${format}, even renamed`, () => expect(detectFormat('upload.bin', corpusBytes(file))).toBe(format));
  }
  it('a forum page is not an archive', () => {
    expect(detectFormat('x.html', new TextEncoder().encode('<!doctype html><html><body><div class="post">hi</div></body></html>'))).toBe('unknown');
  });
});

describe('importArchive: bad input is a readable error, never a crash', () => {
  it('wrong format names the file', async () => {
    const err = await importArchive({ name: 'notes.txt', bytes: new TextEncoder().encode('just some notes\n') }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.file).toBe('notes.txt');
    expect(err.message).toMatch(/format was not recognised/);
  });

  it('invalid UTF-8 in a JSON export names the byte', async () => {
    const bytes = new Uint8Array(corpusBytes('mattermost/mattermost-api-channel-posts-page1.json'));
    bytes[200] = 0xc3;
    bytes[201] = 0x28; // a lead byte without its continuation
    const err = await importArchive({ name: 'posts.json', bytes }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.position.offset).toBe(200);
    expect(err.message).toMatch(/posts\.json \(line \d+, column \d+, byte 200\): the file is not valid UTF-8/);
  });

  it('a truncated Telegram result.json says so', async () => {
    const bytes = corpusBytes('telegram/mlomb_tg_DM_2A_7M.json');
    const err = await importArchive({ name: 'result.json', bytes: bytes.subarray(0, 1500) }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toMatch(/truncated/);
    expect(err.position.offset).toBe(1500);
  });

  it('a folder of several exports imports each one', async () => {
    const files = new Map([
      ['a/general.json', corpusBytes('discord/dce-json-example-guild-general.json')],
      ['b/chat.txt', corpusBytes('whatsapp/mlomb_wa_4A_11M.txt')],
      ['b/photo.jpg', new Uint8Array([0xff, 0xd8, 0xff])],
      ['readme.md', new TextEncoder().encode('# my exports\n')],
    ]);
    const { threads, warnings } = await importArchive({ name: 'exports', files });
    expect(threads.map((t) => [t.platform, t.posts.length])).toEqual([
      ['discord', 31],
      ['whatsapp', 11],
    ]);
    expect(warnings.filter((w) => w.includes('readme.md: not a chat or mail export'))).toHaveLength(1);
  });
});

describe('gleaner import (subprocess)', () => {
  it('prints one JSON line per conversation of the Slack export ZIP, in threadJson shape', async () => {
    const { stdout, stderr } = await run('node', ['bin/gleaner.js', 'import', corpusPath('slack/slack-export-viewer-testarchive.zip')], { cwd: ROOT });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(17);
    expect(lines.reduce((n, t) => n + t.posts.length, 0)).toBe(53);
    expect(Object.keys(lines[0])).toEqual(['platform', 'url', 'title', 'posts']);
    expect(Object.keys(lines[0].posts[0])).toEqual(['id', 'author', 'publishedAt', 'text', 'html', 'permalink', 'replyTo', 'quotes', 'score']);
    expect(lines[0]).toMatchObject({ platform: 'slack', url: 'slack://slack-export-viewer-testarchive/C0JGLMMNX/1452837352.000006' });
    expect(stderr).toBe('');
  }, 60_000);

  it('streams a Discord export; prints warnings to stderr', async () => {
    const { stdout } = await run('node', ['bin/gleaner.js', 'import', corpusPath('discord/mlomb_dce_GC_3A_5M.json')], { cwd: ROOT });
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).posts.length)).toEqual([2, 1]);
    const dump = await run('node', ['bin/gleaner.js', 'import', corpusPath('slack/slackdump-native-dump-CHY5HUESG.json')], { cwd: ROOT });
    // 4 conversations: the poll app's lone post (a bot user's message) is not a person's.
    expect(dump.stdout.trim().split('\n')).toHaveLength(4);
    expect(dump.stderr).toMatch(/^gleaner import: warning: .*slackdump-native-dump-CHY5HUESG\.json: slackdump conversation dumps carry no user names/);
  }, 60_000);

  it('exits non-zero with a clear message on unreadable or unknown input', async () => {
    const missing = await run('node', ['bin/gleaner.js', 'import', '/nonexistent/export.zip'], { cwd: ROOT }).catch((e) => e);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('gleaner import: cannot read /nonexistent/export.zip: no such file or folder\n');
    const wrong = await run('node', ['bin/gleaner.js', 'import', corpusPath('phpbb')], { cwd: ROOT }).catch((e) => e);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^gleaner import: .*phpbb: no chat or mail export found inside/);
    expect(wrong.stdout).toBe('');
  }, 60_000);
});

describe('importArchive: Telegram HTML with an injected parser', () => {
  it('reads the export page through the given parseHtml', async () => {
    const { linkedomKit } = await import('../../lib/extract/linkedom.ts');
    const bytes = corpusBytes('telegram/football_predictions_botchat_messages.html');
    const { threads } = await importArchive({ name: 'messages.html', bytes }, { parseHtml: linkedomKit.parseHtml });
    expect(threads.reduce((n, t) => n + t.posts.length, 0)).toBe(75);
    await expect(importArchive({ name: 'messages.html', bytes })).rejects.toThrow(/needs an HTML parser/);
  });
});
