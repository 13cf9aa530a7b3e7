import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { importArchive } from '../../lib/import/index.ts';
import { blobFile, importByteFile } from '../../lib/import/file-import.ts';
import { Thread } from '../../lib/model/thread.ts';
import { corpusBytes } from '../support/corpus.ts';
import { budget, clearOutcome, describeMutation, jsonReplacement, mutateJson, mutation, mutate, params } from '../support/fuzz.ts';

/*
 * Chat and mail archives, mutated as the page suite mutates pages (test/support/fuzz.ts), read both
 * ways a file is read: whole (importArchive) and as the CLI and import page read it (importByteFile,
 * streaming where a streaming reader exists). Each must give valid Threads or an ImportError.
 */

const ARCHIVES = [
  'discord/dce-json-example-guild-general.json',
  'discord/dce-json-example-guild-thread.json',
  'discord/mlomb_dce_GC_3A_5M.json',
  'slack/slackdump-native-dump-CHY5HUESG.json',
  'slack/slack-export-viewer-testarchive.zip',
  'telegram/mlomb_tg_DM_2A_7M.json',
  'telegram/football_predictions_botchat_messages.html',
  'mattermost/mattermost-api-channel-posts-page1.json',
  'irc/irclog2html-dircproxy-example.log',
  'irc/znc-qtox-2016-06-01.log',
  'irc/limnoria-ltsp-2019-10-17.log',
  'whatsapp/mlomb_wa_4A_11M.txt',
  'mbox/gnome-desktop-devel-list-2-messages.mbox',
  'groupsio/groupsio-updates-export-messages.zip',
];
const bytesOf = new Map(ARCHIVES.map((f) => [f, corpusBytes(f)]));
const name = (f: string) => f.split('/').pop()!;

async function both(file: string, bytes: Uint8Array): Promise<void> {
  const opts = { parseHtml: linkedomKit.parseHtml };
  const whole = await importArchive({ name: name(file), bytes }, opts);
  for (const t of whole.threads) expect(Thread.safeParse(t).success).toBe(true);
  let streamed = 0;
  for await (const t of importByteFile(blobFile(new Blob([new Uint8Array(bytes)]), name(file)), opts)) {
    expect(Thread.safeParse(t).success).toBe(true);
    streamed++;
  }
  expect(streamed).toBe(whole.threads.length);
}

describe('fuzz: chat and mail archives', () => {
  it(
    'mutated bytes give threads or an ImportError, read whole or streamed',
    async () => {
      const seen = { ok: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: ARCHIVES.length - 1 }), mutation, async (i, m) => {
          const file = ARCHIVES[i]!;
          const input = mutate(bytesOf.get(file)!, m);
          seen[await clearOutcome(`${file} ${describeMutation(m)}`, input.length, () => both(file, input))]++;
        }),
        params(50),
      );
      expect(seen.ok).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    },
    budget(50, 800),
  );

  it(
    'JSON exports with a value replaced give threads (the bad message skipped and said) or an ImportError',
    async () => {
      const json = ARCHIVES.filter((f) => f.endsWith('.json'));
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: json.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), jsonReplacement, async (i, pick, to) => {
          const file = json[i]!;
          const text = mutateJson(new TextDecoder().decode(bytesOf.get(file)!), pick, to);
          if (text === null) return;
          await clearOutcome(`${file} value at ${pick.toFixed(4)} → ${to}`, text.length, () => both(file, new TextEncoder().encode(text)));
        }),
        params(80),
      );
    },
    budget(80, 300),
  );
});
