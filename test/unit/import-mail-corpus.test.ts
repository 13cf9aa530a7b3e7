/**
 * Every real mail archive in the corpus (pipermail .txt, Mailman/LISTSERV/groups.io mboxes, a plain
 * mbox, a LISTSERV notebook LOG file, a Usenet article), checked against hand-checked expectations
 * (test/expect/mail/, names and words as digests), for text without quotes, attributions, footers or
 * signatures, and through variants derived here from the real bytes: attributions in other languages in
 * front of real quoted blocks, Outlook header blocks, a BOM, CRLF line ends, a cut-off last message,
 * unreadable records, and any chunking of the stream.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { importContext } from '../../lib/import/context.ts';
import { ImportError } from '../../lib/import/errors.ts';
import { detectFormat, importArchive } from '../../lib/import/index.ts';
import { importMboxStream } from '../../lib/import/mbox.ts';
import type { Post, Thread } from '../../lib/model/thread.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';
import { digest } from '../support/digest.ts';
import { leaksIn } from '../support/mail-leakage.ts';

const EXPECT = resolve(dirname(fileURLToPath(import.meta.url)), '../expect/mail');

interface Expectation {
  file: string;
  messages: number;
  checked: { id: string; author: string; start: string }[];
}

const expectations = readdirSync(EXPECT)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(resolve(EXPECT, f), 'utf8')) as Expectation) }));

/** The mail files themselves (the groups.io export's mbox taken out of its ZIP). */
function mailBytes(file: string): Uint8Array {
  const b = corpusBytes(file);
  return file.endsWith('.zip') ? unzipSync(b)['messages.mbox']! : b;
}

async function read(name: string, bytes: Uint8Array) {
  return importArchive({ name, bytes }, { parseHtml: linkedomKit.parseHtml });
}

const posts = (threads: Thread[]): Post[] => threads.flatMap((t) => t.posts);
/** The first five words of a message's own text; attachment notes are the importer's, not the writer's. */
const firstWords = (p: Post) =>
  p.text
    .split('\n')
    .filter((l) => !/^\[attachment: .*\]$/.test(l))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 5)
    .join(' ');

const enc = new TextEncoder();
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const fromLatin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('real mail archives against their hand-checked expectations', () => {
  it('has an expectation for every real mail file', () => {
    expect(expectations.map((e) => e.file).sort()).toEqual(
      [
        'groupsio/groupsio-updates-export-messages.zip',
        'listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox',
        'listserv/listserv-notebook-3gpp-tsg-sa-itut-ahg-LOG1705B.txt',
        'mailman/mailman2-pipermail-bigbang-dev-2014-11.txt',
        'mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox',
        'mbox/gnome-desktop-devel-list-2-messages.mbox',
        'nntp/nntp-article-mozilla-dev-project-link-2016.txt',
      ].sort(),
    );
  });

  for (const e of expectations) {
    it(`${e.name}: ${e.messages} messages; author and first words of the first and last 10`, async () => {
      const { threads, warnings } = await read(e.file.split('/').pop()!, corpusBytes(e.file));
      expect(warnings).toEqual([]);
      const all = posts(threads);
      expect(all).toHaveLength(e.messages);
      const byId = new Map(all.map((p) => [digest(p.id), p]));
      for (const c of e.checked) {
        const p = byId.get(c.id);
        expect(p, `message ${c.id}`).toBeDefined();
        expect({ id: c.id, author: digest(p!.author.name), start: digest(firstWords(p!)) }).toEqual(c);
      }
      // Messages keep their order inside each conversation.
      for (const t of threads) {
        const dates = t.posts.map((p) => p.publishedAt ?? '').filter(Boolean);
        expect(dates).toEqual([...dates].sort((a, b) => Date.parse(a) - Date.parse(b)));
      }
    });
  }
});

describe('mail text holds only the writer\u2019s own words', () => {
  for (const e of expectations) {
    it(`${e.name}: no quoted line, attribution, Outlook block, cut mark, signature, list footer or address in any text or name`, async () => {
      const { threads } = await read(e.file.split('/').pop()!, corpusBytes(e.file));
      const leaky = posts(threads)
        .map((p) => ({ id: digest(p.id), leaks: leaksIn(p.text) }))
        .filter((x) => x.leaks.length);
      expect(leaky).toEqual([]);
      for (const p of posts(threads)) expect(p.author.name).not.toMatch(/@|\S+ at \S+\.\w{2,}/);
    });
  }

  it('reads the notebook log, the Usenet article and the groups.io export as what they are', async () => {
    expect(detectFormat('LOG1705B', corpusBytes('listserv/listserv-notebook-3gpp-tsg-sa-itut-ahg-LOG1705B.txt'))).toBe('mbox');
    expect(detectFormat('article.txt', corpusBytes('nntp/nntp-article-mozilla-dev-project-link-2016.txt'))).toBe('mbox');
    const platform = async (f: string) => [...new Set((await read(f.split('/').pop()!, corpusBytes(f))).threads.map((t) => t.platform))];
    expect(await platform('listserv/listserv-notebook-3gpp-tsg-sa-itut-ahg-LOG1705B.txt')).toEqual(['listserv']);
    expect(await platform('nntp/nntp-article-mozilla-dev-project-link-2016.txt')).toEqual(['nntp']);
    expect(await platform('groupsio/groupsio-updates-export-messages.zip')).toEqual(['groupsio']);
    expect(await platform('mailman/mailman2-pipermail-bigbang-dev-2014-11.txt')).toEqual(['mailman']);
  });
});

// ---------- variants derived from the real bytes ----------

/** UTF-8 quoted-printable for a line inserted into a quoted-printable UTF-8 body. */
function qp(s: string): string {
  return [...enc.encode(s)].map((b) => (b >= 0x80 || b === 0x3d ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
}

describe('attributions in other languages before real quoted blocks', () => {
  const FILE = 'mbox/gnome-desktop-devel-list-2-messages.mbox';
  const raw = latin1(corpusBytes(FILE));
  // The real attribution line of the 2008 reply, and the name it gives.
  const line = /^.*, (.+) wrote:$/m.exec(raw)!;
  const name = line[1]!;
  const variants: [string, string][] = [
    ['English with date', `On Sun, Mar 16, 2008 at 3:02 PM, ${name} <x@example.org> wrote:`],
    ['English, wrapped by the client before "> wrote:"', `On Sun, Mar 16, 2008 at 3:02 PM, ${name} <x at example.org\n> wrote:`],
    ['German, verb before the name', `Am 16.03.2008 um 15:02 schrieb ${name}:`],
    ['German, name first', `${name} schrieb:`],
    ['French', `Le 16/03/2008 à 15:02, ${name} a écrit :`],
    ['Spanish', `El 16/03/2008 a las 15:02, ${name} escribió:`],
    ['Italian', `Il giorno 16/03/2008 15:02, ${name} ha scritto:`],
    ['Dutch', `Op 16-03-2008 15:02 schreef ${name}:`],
    ['Gmail ISO date', `2008-03-16 15:02 GMT+00:00 ${name} <x@example.org>:`],
  ];

  it.each(variants)('%s', async (_label, attribution) => {
    const { threads: base } = await read('a.mbox', fromLatin1(raw));
    const { threads, warnings } = await read('a.mbox', fromLatin1(raw.replace(line[0], qp(attribution))));
    expect(warnings).toEqual([]);
    const before = posts(base).find((p) => p.quotes.length > 1)!;
    const after = posts(threads).find((p) => p.quotes.length > 1)!;
    expect(after.text).toBe(before.text);
    expect(leaksIn(after.text)).toEqual([]);
    expect(digest(after.quotes[0]!.author ?? '')).toBe(digest(name));
  });

  it('the importer is not fooled by the same words inside a sentence', async () => {
    // The writer's own sentence ends in "wrote:" but no quote follows it: it stays text.
    const { threads } = await read('a.mbox', fromLatin1(raw.replace(line[0], 'As the release notes wrote:\n\nthe figures differ.')));
    const p = posts(threads).find((x) => x.quotes.length > 1)!;
    expect(p.text).toContain('the figures differ.');
  });
});

describe('Outlook header blocks with everything after them', () => {
  const FILE = 'nntp/nntp-article-mozilla-dev-project-link-2016.txt';
  const raw = latin1(corpusBytes(FILE));
  // The real French attribution and the quoted block under it, in the text/plain part.
  const block = /^Le .* a =E9crit :\n(?:>.*\n)+/m.exec(raw)!;
  const quoted = block[0].split('\n').slice(1).filter(Boolean).map((l) => l.replace(/^> ?/, ''));
  const from = /^Le [^,]*, (.*) a =E9crit :$/m.exec(block[0])![1]!;
  const to = /^To: (.*)$/m.exec(raw)![1]!;
  const subject = /^Subject: (.*)$/m.exec(raw)![1]!;
  const date = /^Date: (.*)$/m.exec(raw)![1]!;
  const blocks: [string, string][] = [
    ['-----Original Message-----', `-----Original Message-----\nFrom: ${from}\nSent: ${date}\nTo: ${to}\nSubject: ${subject}\n\n`],
    ['-----Ursprüngliche Nachricht-----', `-----Urspr=FCngliche Nachricht-----\nVon: ${from}\nGesendet: ${date}\nAn: ${to}\nBetreff: ${subject}\n\n`],
    ['From:/Sent: without a separator, under a rule', `________________________________\nFrom: ${from} <x@example.org>\nSent: ${date}\nTo: ${to}\nSubject: ${subject}\n\n`],
    ['De :/Envoyé :', `De : ${from}\nEnvoy=E9 : ${date}\n=C0 : ${to}\nObjet : ${subject}\n\n`],
  ];

  it.each(blocks)('%s', async (_label, head) => {
    const { threads: base } = await read('a.txt', fromLatin1(raw));
    const { threads } = await read('a.txt', fromLatin1(raw.replace(block[0], head + quoted.join('\n') + '\n')));
    const [p] = posts(threads);
    expect(p!.text).toBe(posts(base)[0]!.text);
    expect(leaksIn(p!.text)).toEqual([]);
    expect(p!.quotes).toHaveLength(1);
    expect(digest(p!.quotes[0]!.author ?? '')).toBe(digest(posts(base)[0]!.quotes[0]!.author ?? ''));
    expect(p!.quotes[0]!.text).toContain(quoted.find((l) => l.length > 40)!.trim());
  });
});

const ARCHIVES = expectations.filter((e) => !e.file.startsWith('nntp/'));

describe('byte-level variants of every archive', () => {
  for (const e of ARCHIVES) {
    const name = e.file.split('/').pop()!.replace(/\.zip$/, '.mbox');
    const bytes = mailBytes(e.file);
    const summary = (threads: Thread[]) => posts(threads).map((p) => [p.id, p.author.name, p.publishedAt, p.text, p.signature ?? null]);

    it(`${e.name}: a UTF-8 BOM in front loses nothing`, async () => {
      const plain = await read(name, bytes);
      const bom = await read(name, new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]));
      expect(bom.warnings).toEqual([]);
      expect(summary(bom.threads)).toEqual(summary(plain.threads));
    });

    it(`${e.name}: CRLF line ends read as LF`, async () => {
      const plain = await read(name, bytes);
      const crlf = await read(name, fromLatin1(latin1(bytes).replace(/\r?\n/g, '\r\n')));
      expect(summary(crlf.threads)).toEqual(summary(plain.threads));
    });

    it(`${e.name}: a file cut inside its last message says so`, async () => {
      const whole = await read(name, bytes);
      const n = posts(whole.threads).length;
      expect(whole.threads.some((t) => t.truncated)).toBe(false);
      const s = latin1(bytes);
      // The last message starts at the last envelope or notebook rule; cut at points spread over it, never right after a line end.
      const starts = [...s.matchAll(/^(?:From \S.*\d{4}\s*|={40,}\s*)$/gm)].map((m) => m.index);
      const start = starts[starts.length - 1]!;
      const end = s.trimEnd().length;
      for (const f of [0.05, 0.3, 0.6, 0.95]) {
        let at = Math.floor(start + (end - start) * f);
        while (s[at - 1] === '\n' || s[at - 1] === '\r') at++;
        const cut = await read(name, bytes.subarray(0, at));
        const got = posts(cut.threads).length;
        expect([n - 1, n]).toContain(got);
        // Messages are numbered as records in the file (a repeated message counts, as a reader of the file would count it).
        expect(cut.warnings.join('\n')).toMatch(new RegExp(`looks cut off after message ${starts.length - 1}: message ${starts.length} \\(byte \\d+\\)`));
        if (got === n) expect(cut.threads.some((t) => t.truncated)).toBe(true);
      }
    });

    it(`${e.name}: any chunking of the stream gives the same conversations`, async () => {
      const whole = (await read(name, bytes)).threads;
      for (const size of [4096, 997]) {
        const chunks = function* () {
          for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
        };
        const got: Thread[] = [];
        for await (const t of importMboxStream(chunks(), importContext(name, { parseHtml: linkedomKit.parseHtml }))) got.push(t);
        expect(summary(got).sort()).toEqual(summary(whole).sort());
      }
    });
  }

  it('a few unreadable records among many good ones: imported, the skipped counted and the first three named', async () => {
    const s = latin1(corpusBytes('listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox'));
    const envelopes = [...s.matchAll(/^From MAILER-DAEMON .*\n/gm)];
    // Four records lose their header block: the envelope stays, the header lines become noise.
    let damaged = s;
    for (const k of [3, 10, 20, 30].reverse()) {
      const m = envelopes[k]!;
      const headEnd = s.indexOf('\n\n', m.index!);
      const head = s.slice(m.index! + m[0].length, headEnd);
      damaged = damaged.slice(0, m.index! + m[0].length) + head.replace(/[:]/g, ';').replace(/^/gm, '§ ') + damaged.slice(headEnd);
    }
    const good = posts((await read('evs.mbox', fromLatin1(s))).threads).length;
    const { threads, warnings } = await read('evs.mbox', fromLatin1(damaged));
    expect(posts(threads).length).toBe(good - 4);
    expect(warnings.join('\n')).toMatch(/4 of 50 messages could not be read and were skipped: message 4 \(byte \d+\): .*; message 11 .*; message 21 .*; …/);
  });

  it('an archive whose every record is unreadable is refused with the reason', async () => {
    const s = latin1(corpusBytes('mailman/mailman2-pipermail-bigbang-dev-2014-11.txt'));
    const broken = s.replace(/^(?!From )([\w-]+): /gm, '$1; ');
    await expect(read('b.txt', fromLatin1(broken))).rejects.toThrow(ImportError);
    await expect(read('b.txt', fromLatin1(broken))).rejects.toThrow(/no message could be read: message 1 \(byte \d+\)/);
  });
});

describe('streamed reading', () => {
  it('hands out conversations before the whole file has been read', async () => {
    // Ten copies of the LISTSERV archive, each with its own ids and subjects, read in 64 KB chunks.
    const s = latin1(corpusBytes('listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox'));
    const copies = Array.from({ length: 10 }, (_, i) => s.replace(/^(message-id|in-reply-to|references): (.*)$/gim, (_a, k: string, v: string) => `${k}: ${v.replace(/<([^>]+)>/g, `<c${i}.$1>`)}`).replace(/^subject: (.*)$/gim, (_a, v: string) => `subject: ${v} (${i})`));
    const bytes = fromLatin1(copies.join('\n'));
    let pulled = 0;
    const total = Math.ceil(bytes.length / 65536);
    const chunks = function* () {
      for (let i = 0; i < bytes.length; i += 65536) {
        pulled++;
        yield bytes.subarray(i, i + 65536);
      }
    };
    let firstAt = -1;
    let count = 0;
    for await (const t of importMboxStream(chunks(), importContext('ten.mbox'), { limits: { maxHeldBytes: 1 << 20, maxIdleMessages: 60 } })) {
      if (firstAt < 0) firstAt = pulled;
      count += t.posts.length;
    }
    expect(count).toBe(490);
    expect(firstAt).toBeGreaterThan(0);
    expect(firstAt).toBeLessThan(total / 2);
  });
});

describe('Hypermail message pages follow the same rules', () => {
  const HM = 'hypermail/w3c-public-privacy-2018-04-dns-cookies.html';
  const URL = 'https://lists.w3.org/Archives/Public/public-privacy/2018AprJun/0003.html';
  const page = Buffer.from(corpusBytes(HM)).toString('utf8');
  const real = extractText(page, URL).posts[0]!;
  // The page's own first sentence, quoted back as Hypermail marks quoted lines, under an attribution naming its author.
  const sentence = real.text.split('\n')[0]!;
  const author = real.author.name;
  const lastLine = real.text.split('\n').pop()!;
  const quoted = `<em class="quotelev1">&gt; ${sentence}</em>\n`;

  it.each([
    ['English', `On Tue, Apr 10, 2018 at 3:43 PM, ${author} wrote:\n`],
    ['German', `Am 10.04.2018 um 15:43 schrieb ${author}:\n`],
    ['Spanish', `El 10/04/2018 a las 15:43, ${author} escribió:\n`],
  ])('%s attribution, quoted line, cut mark and signature', (_label, attribution) => {
    const html = page.replace(lastLine, `${attribution}${quoted}[...]\n\n${lastLine}\n-- \n${lastLine}`);
    const p = extractText(html, URL).posts[0]!;
    expect(p.text).toBe(real.text);
    expect(leaksIn(p.text)).toEqual([]);
    expect(p.quotes).toHaveLength(1);
    expect(digest(p.quotes[0]!.author ?? '')).toBe(digest(author));
    expect(p.signature).toBe(lastLine);
  });
});

describe('addresses and escapes as archives write them', () => {
  it('a pipermail "x at y" address in the text is an address: it leaves the text as <EMAIL>', async () => {
    const s = latin1(corpusBytes('mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox'));
    // The sender's own obfuscated address, from the first envelope line, set into the first message's text.
    const address = /^From (\S+ at \S+)\s/m.exec(s)![1]!;
    const firstLine = /\n\n(\S[^\n]*)\n/.exec(s)![1]!;
    const { threads } = await read('m.txt', fromLatin1(s.replace(`\n\n${firstLine}\n`, `\n\n${firstLine} ${address}\n`)));
    const p = posts(threads)[0]!;
    expect(p.text).toContain(`${firstLine} <EMAIL>`);
    expect(p.text).not.toContain(address);
  });

  it('mboxrd ">From " lines get their "From " back and do not split the message', async () => {
    const s = latin1(corpusBytes('mbox/gnome-desktop-devel-list-2-messages.mbox'));
    const line = /\n\n(No matter [^\n]*)\n/.exec(s)![1]!;
    const { threads } = await read('g.mbox', fromLatin1(s.replace(`\n${line}\n`, `\n>From ${line}\n`)));
    expect(posts(threads)).toHaveLength(2);
    expect(posts(threads)[0]!.text.startsWith(`From ${line.replace(/\s*\[\.\.\.\]/g, '')}`)).toBe(true);
  });
});
