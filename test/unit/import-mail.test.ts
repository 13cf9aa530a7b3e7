import { describe, expect, it } from 'vitest';
import { importMbox, importMboxStream, normaliseSubject } from '../../lib/import/mbox.ts';
import { splitMailBody } from '../../lib/import/mail-body.ts';
import { importContext } from '../../lib/import/context.ts';
import { corpusBytes } from '../support/corpus.ts';

describe('Mailman pipermail monthly archive', () => {
  it('4 messages, one thread; "x at y" read as the address but never shown as the name', async () => {
    const threads = await importMbox(corpusBytes('mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox'), importContext('2015-November.txt'));
    expect(threads).toHaveLength(1);
    const t = threads[0]!;
    expect(t.platform).toBe('mailman');
    expect(t.title).toBe('[Metrics-grimoire] Docker and MetricsGrimoire');
    expect(t.posts.map((p) => p.author.name)).toEqual(['Andy Grunwald', 'Jesus M. Gonzalez-Barahona', 'Andy Grunwald', 'Andy Grunwald']);
    // Addresses are personal data: never carried as the author's link.
    expect(t.posts.map((p) => p.author.url)).toEqual(t.posts.map(() => null));
    expect(JSON.stringify(t.posts.map((p) => p.author))).not.toMatch(/@/);
    expect(t.posts[0]!.publishedAt).toBe('2015-11-14T20:29:28Z');
    // The archive rewrote the first reply's In-Reply-To, so it joins by subject and has no explicit link;
    // the later two answer messages that are in the archive.
    expect(t.posts.map((p) => p.replyTo)).toEqual([
      null,
      null,
      '1447627429.3593.319.camel@example.com',
      'CACRHdMZaZtkM9h_=p_HH1Yz9pTJwh6nwU0PmeqQX=kemD8LCjw@example.com',
    ]);
  });

  it('quoted ">" lines become quotes with their author; the "-- " signature and scrubbed attachments are kept apart', async () => {
    const [t] = await importMbox(corpusBytes('mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox'), importContext('2015-November.txt'));
    const [first, second, third] = t!.posts;
    expect(first!.text.startsWith('Hey,\n\nyou might have heard of Docker [1].')).toBe(true);
    expect(first!.text).toContain('[attachment: attachment.htm]');
    expect(first!.html).toContain('href="http://lists.libresoft.es/pipermail/metrics-grimoire/attachments/20151114/35d7c818/attachment.htm"');
    expect(first!.text).not.toContain('next part');
    expect(second!.text).toBe('This is cool, Andy.\n\nWhich rights do you need?\n\n\tJesus');
    expect(second!.quotes).toHaveLength(1);
    expect(second!.quotes[0]!.author).toBe('Andy Grunwald');
    expect(second!.quotes[0]!.text.startsWith('Hey,')).toBe(true);
    expect(second!.signature!.startsWith('http://twitter.com/jgbarah')).toBe(true);
    // Gmail's "2015-11-15 23:43 GMT+01:00 Name <addr>:" attribution names the quoted author.
    expect(third!.quotes[0]!.author).toBe('Jesus M. Gonzalez-Barahona');
    expect(third!.text).not.toMatch(/^>/m);
    expect(third!.text.endsWith('Fine with it?\n[attachment: attachment.htm]')).toBe(true);
    expect(third!.text).not.toContain('GMT+01:00');
  });
});

describe('LISTSERV mbox', () => {
  it('50 messages (one repeated), 30 threads; quoted-printable decoded; Archived-At as permalink', async () => {
    const threads = await importMbox(corpusBytes('listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox'), importContext('evs.mbox'));
    expect(threads.every((t) => t.platform === 'listserv')).toBe(true);
    expect(threads.reduce((n, t) => n + t.posts.length, 0)).toBe(49);
    expect(threads).toHaveLength(30);
    const evs = threads.find((t) => t.title === 'Draft EVS-8a')!;
    expect(evs.posts).toHaveLength(7); // the original and 6 "Re: Draft EVS-8a"
    expect(evs.posts[0]!.author.name).toBe('Milan Jelinek');
    expect(evs.posts.slice(1).every((p) => p.replyTo !== null)).toBe(true);
    expect(new Set(evs.posts.map((p) => p.author.name))).toEqual(new Set(['Milan Jelinek', 'Imre Varga', 'Tomas Toftgård']));
    const last = evs.posts[evs.posts.length - 1]!;
    expect(last.author.name).toBe('Tomas Toftgård'); // =?utf-8?q?Toftg=C3=A5rd?=
    expect(last.text.startsWith('Hi Milan,\n\nThanks for the clarification, it sounds good to me. It is just that earlier we have also agreed')).toBe(true);
    expect(last.text).not.toContain('-----Original Message-----');
    expect(last.quotes.some((q) => q.author === 'Milan Jelinek' && q.text.includes('The skeleton is the structure'))).toBe(true);
    expect(last.permalink).toBe('https://list.etsi.org/scripts/wa.exe?A2=3GPP_TSG_SA_WG4_EVS;467c1147.2108D&S=');
    expect(evs.url).toBe(evs.posts[0]!.permalink);
  });

  it('subjects normalise across Re:/AW:/list tags/quotes', () => {
    expect(normaliseSubject("'Re: AW: [list] Draft EVS-8a'")).toBe('draft evs-8a');
    expect(normaliseSubject('Fwd: Re: Hello  world')).toBe('hello world');
  });

  it('body split: Outlook original-message tail and signature', () => {
    const b = splitMailBody('Yes.\n\n-- \nAnn\n');
    expect(b).toMatchObject({ text: 'Yes.', signature: 'Ann', quotes: [] });
    const o = splitMailBody('Agreed.\n\n-----Original Message-----\nFrom: Bob Smith <b@x.org>\nSent: today\n\nPlease agree.');
    expect(o.text).toBe('Agreed.');
    expect(o.quotes[0]!.author).toBe('Bob Smith');
  });
});

describe('the first bytes in pieces', () => {
  it('a LISTSERV notebook with a UTF-8 byte order mark reads the same fed a byte at a time', async () => {
    const rule = '='.repeat(73);
    const msg = (n: number) => `${rule}\nDate:         Mon, ${n} May 2017 10:00:00 +0000\nFrom:         Member ${n} <m${n}@example.org>\nSubject:      Topic ${n}\n\nWords of message ${n}.\n`;
    const bytes = new TextEncoder().encode(`\ufeff${msg(1)}${msg(2)}`);
    const read = async (size: number) => {
      const warnings: string[] = [];
      const chunks = function* () {
        for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
      };
      const threads = [];
      for await (const t of importMboxStream(chunks(), importContext('LOG1705B', {}, warnings))) threads.push(t);
      return { threads, warnings };
    };
    const whole = await read(1 << 20);
    expect(whole.threads.flatMap((t) => t.posts.map((p) => p.text))).toEqual(['Words of message 1.', 'Words of message 2.']);
    for (const size of [1, 2, 3]) expect(await read(size)).toEqual(whole);
  });
});

describe('repeated Message-IDs', () => {
  it('count once, however many ids came before (past the growth of the table that remembers them)', async () => {
    const mail = (i: number, id: number) => `From a@example.org Mon Jan  1 10:00:00 2024\nFrom: A <a@example.org>\nSubject: topic ${i}\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <m${id}@example.org>\n\nText ${i}.\n\n`;
    let text = '';
    // 6,000 ids, then every hundredth again, then a new one.
    for (let i = 0; i < 6000; i++) text += mail(i, i);
    for (let i = 0; i < 6000; i += 100) text += mail(6000 + i, i);
    text += mail(9999, 9999);
    let posts = 0;
    const ids = new Set<string>();
    for await (const t of importMboxStream([new TextEncoder().encode(text)], importContext('list.mbox'))) {
      posts += t.posts.length;
      for (const p of t.posts) ids.add(p.id);
    }
    expect(posts).toBe(6001);
    expect(ids.size).toBe(6001);
    expect(ids.has('m9999@example.org')).toBe(true);
  });
});
