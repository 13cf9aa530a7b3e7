/**
 * Archive import at scale: a ~200 MB DiscordChatExporter JSON and a Slack export ZIP with 1,000,000
 * messages, both generated here at run time (shaped like the corpus samples' messages; no corpus text is
 * used), each imported by the streaming readers and by a plain JSON.parse of the same bytes; and a
 * ~200 MB mbox built at run time from the corpus's real mail archives (each copy with its own
 * Message-IDs and subjects, so conversations form and end as in a long list archive), read by the
 * streaming mail importer.
 *
 * Every measurement runs in a fresh Node process, so each peak memory (VmHWM on Linux) is its own.
 * Line logs: an IRC log (Limnoria's layout, with joins and quits) and a WhatsApp Android export of
 * BENCH_LINES_MB each, read by the streaming line readers, beside JSON.parse of a JSON export of the same
 * messages padded to the same size, in the same run. Each streamed format (mbox, IRC, WhatsApp) is also
 * read up to half its size, so that its peak memory is seen as the file doubles (it should stay flat).
 * Run: `npx tsx bench/import.bench.ts` (BENCH_DISCORD_MB, BENCH_SLACK_MESSAGES, BENCH_MBOX_MB and
 * BENCH_LINES_MB make it smaller; BENCH_ONLY=discord,slack,mbox,lines picks parts).
 * Temp files are removed at the end, also on failure.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { importContext } from '../lib/import/context.ts';
import { importDiscordStream } from '../lib/import/discord-stream.ts';
import { JsonArrayStream } from '../lib/import/json-stream.ts';
import { importSlackZipStream } from '../lib/import/slack-stream.ts';
import { importMboxStream } from '../lib/import/mbox.ts';
import { importIrcStream } from '../lib/import/irc.ts';
import { importWhatsAppStream } from '../lib/import/whatsapp.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(SELF, '../..');
const DISCORD_MB = Number(process.env.BENCH_DISCORD_MB ?? 200);
const SLACK_MESSAGES = Number(process.env.BENCH_SLACK_MESSAGES ?? 1_000_000);
const MBOX_MB = Number(process.env.BENCH_MBOX_MB ?? 200);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'discord,slack,mbox,lines').split(',').map((x) => x.trim()));
const CHUNK = 1 << 20;
const LINES_MB = Number(process.env.BENCH_LINES_MB ?? 200);

// ---------- generators ----------

async function write(out: WriteStream, s: string | Uint8Array): Promise<void> {
  if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
}

async function close(out: WriteStream): Promise<void> {
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
}

const WORDS = 'the rules say you may move one worker then place a tile but the expansion changes scoring so check the errata first and ask if unsure about this corner case'.split(' ');
function sentence(i: number, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += (k ? ' ' : '') + WORDS[(i * 7 + k * 13) % WORDS.length];
  return s;
}

/** DiscordChatExporter's JSON layout (guild, channel, messages[] with author, attachments, reactions…), indented as it writes it. */
export async function discordFile(path: string, targetBytes: number): Promise<{ messages: number; bytes: number }> {
  const out = createWriteStream(path);
  const head = {
    guild: { id: '748545324524575035', name: 'Bench guild', iconUrl: 'icon.png' },
    channel: { id: '1012224565567721552', type: 'GuildTextChat', categoryId: '1', category: 'Text Channels', name: 'general', topic: 'Benchmark' },
    dateRange: { after: null, before: null },
  };
  await write(out, `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "messages": [\n`);
  let bytes = 0;
  let i = 0;
  let t = Date.parse('2021-01-01T00:00:00Z');
  const batch: string[] = [];
  while (bytes < targetBytes) {
    t += i % 40 === 0 ? 3 * 3600_000 : 45_000;
    const user = i % 60;
    const m: Record<string, unknown> = {
      id: `10451796387600${String(i).padStart(8, '0')}`,
      type: i % 9 === 0 && i ? 'Reply' : 'Default',
      timestamp: new Date(t).toISOString().replace('Z', '+00:00'),
      timestampEdited: null,
      callEndedTimestamp: null,
      isPinned: false,
      content: `${i % 11 === 0 ? '> ' + sentence(i + 1, 6) + '\n' : ''}${sentence(i, 12 + (i % 20))}${i % 17 === 0 ? ' https://example.org/rules#' + i : ''}`,
      author: { id: `5214864769851556${String(user).padStart(2, '0')}`, name: `player${user}`, discriminator: '0000', nickname: `Player ${user}`, color: null, isBot: false, avatarUrl: `avatars/${user}.png` },
      attachments: i % 50 === 0 ? [{ id: `9${i}`, url: `https://cdn.example.org/${i}/board.png`, fileName: 'board.png', fileSizeBytes: 12345 }] : [],
      embeds: [],
      stickers: [],
      reactions: i % 5 === 0 ? [{ emoji: { id: '', name: '👍', code: 'thumbsup', isAnimated: false, imageUrl: 'x.svg' }, count: 1 + (i % 4) }] : [],
      mentions: [],
    };
    if (m.type === 'Reply') m.reference = { messageId: `10451796387600${String(i - 1).padStart(8, '0')}`, channelId: head.channel.id, guildId: head.guild.id };
    const s = (i ? ',\n' : '') + JSON.stringify(m, null, 2).replace(/^/gm, '    ');
    batch.push(s);
    bytes += s.length;
    i++;
    if (batch.length === 2000) await write(out, batch.splice(0).join(''));
  }
  await write(out, batch.join(''));
  await write(out, `\n  ],\n  "messageCount": ${i}\n}\n`);
  await close(out);
  return { messages: i, bytes: statSync(path).size };
}

/**
 * A Slack workspace export: channels.json, `<channel>/<day>.json` files, users.json last (the member
 * order of the genuine export in the corpus). Written with sizes in the local headers, as that export
 * is: fflate's streaming Zip would add data descriptors, which Slack's exports do not use.
 */
export async function slackZip(path: string, messages: number): Promise<{ messages: number; bytes: number; unpacked: number }> {
  const CHANNELS = 20;
  const PER_DAY = 100;
  const channels = Array.from({ length: CHANNELS }, (_, c) => ({ id: `C${String(c).padStart(8, '0')}`, name: `channel-${c}`, created: 1600000000 }));
  const files: Record<string, Uint8Array> = { 'channels.json': strToU8(JSON.stringify(channels)) };
  let unpacked = 0;
  const days = Math.ceil(messages / CHANNELS / PER_DAY);
  let n = 0;
  for (const ch of channels) {
    for (let d = 0; d < days && n < messages; d++) {
      const day0 = Date.UTC(2020, 0, 1) / 1000 + d * 86400;
      const list: object[] = [];
      for (let k = 0; k < PER_DAY && n < messages; k++, n++) {
        const ts = `${day0 + k * 300 + (k % 12 === 0 ? 7200 : 0)}.${String(k).padStart(6, '0')}`;
        const parent = k % 10 > 6 ? `${day0 + (k - (k % 10)) * 300}.${String(k - (k % 10)).padStart(6, '0')}` : null;
        list.push({
          client_msg_id: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
          type: 'message',
          text: `<@U${String((k + 1) % 50).padStart(8, '0')}> ${sentence(n, 10 + (k % 15))}`,
          user: `U${String(k % 50).padStart(8, '0')}`,
          ts,
          team: 'T00000000',
          ...(parent ? { thread_ts: parent, parent_user_id: 'U00000000' } : {}),
          ...(k % 8 === 0 ? { reactions: [{ name: 'thumbsup', users: ['U00000001'], count: 1 }] } : {}),
        });
      }
      const bytes = strToU8(JSON.stringify(list, null, 4));
      unpacked += bytes.length;
      files[`${ch.name}/${new Date(day0 * 1000).toISOString().slice(0, 10)}.json`] = bytes;
    }
  }
  files['users.json'] = strToU8(JSON.stringify(Array.from({ length: 50 }, (_, u) => ({ id: `U${String(u).padStart(8, '0')}`, name: `member${u}`, profile: { display_name: `Member ${u}`, real_name: `Member ${u}` } }))));
  const out = createWriteStream(path);
  await write(out, zipSync(files, { level: 1 }));
  await close(out);
  return { messages: n, bytes: statSync(path).size, unpacked };
}

/**
 * An mbox of about `targetBytes` made of the corpus's real mail archives (Mailman, LISTSERV, groups.io,
 * GNOME), copy after copy, each copy's Message-IDs, In-Reply-To, References and subjects made its own.
 */
export async function mboxFile(path: string, targetBytes: number): Promise<{ messages: number; bytes: number; largest: number }> {
  const corpus = resolve(ROOT, '../shared/corpus');
  const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
  const sources = [
    'listserv/listserv-3gpp-tsg-sa-wg4-evs.mbox',
    'mailman/mailman2-pipermail-metrics-grimoire-2015-11.mbox',
    'mailman/mailman2-pipermail-bigbang-dev-2014-11.txt',
    'mbox/gnome-desktop-devel-list-2-messages.mbox',
  ].map((f) => latin1(readFileSync(join(corpus, f))));
  sources.push(latin1(unzipSync(readFileSync(join(corpus, 'groupsio/groupsio-updates-export-messages.zip')))['messages.mbox']!));
  const largest = Math.max(...sources.flatMap((s) => s.split(/^(?=From \S.*\d{4}\s*$)/m).map((m) => m.length)));
  const perCopy = sources.reduce((n, s) => n + (s.match(/^From \S.*\d{4}\s*$/gm)?.length ?? 0), 0);
  const out = createWriteStream(path);
  let bytes = 0;
  let copy = 0;
  while (bytes < targetBytes) {
    for (const s of sources) {
      const t = s
        .replace(/^(message-id|in-reply-to|references):(.*)$/gim, (_a, k: string, v: string) => `${k}:${v.replace(/<([^>]+)>/g, `<c${copy}.$1>`)}`)
        .replace(/^(subject):(.*)$/gim, (_a, k: string, v: string) => `${k}:${v} (${copy})`);
      const chunk = Buffer.from(t.endsWith('\n') ? `${t}\n` : `${t}\n\n`, 'latin1');
      await write(out, chunk);
      bytes += chunk.length;
    }
    copy++;
  }
  await close(out);
  return { messages: copy * perCopy, bytes: statSync(path).size, largest };
}

/**
 * A line log of about `targetBytes` (IRC in Limnoria's layout, or a WhatsApp Android export), and a JSON
 * export of the same messages (each [timestamp, author, text], the most compact JSON a chat export could
 * be) padded to the same size.
 */
export async function lineLogFiles(kind: 'irc' | 'whatsapp', path: string, jsonPath: string, targetBytes: number): Promise<{ messages: number; bytes: number }> {
  const out = createWriteStream(path);
  const json = createWriteStream(jsonPath);
  await write(json, '{"messages":[\n');
  let bytes = 0;
  let jsonBytes = 15;
  let i = 0;
  let messages = 0;
  let t = Date.parse('2019-01-01T00:00:00Z');
  const batch: string[] = [];
  const jbatch: string[] = [];
  while (bytes < targetBytes) {
    t += i % 200 === 0 ? 3 * 3600_000 : 20_000;
    const d = new Date(t);
    const nick = `player${i % 60}`;
    const text = sentence(i, 6 + (i % 18));
    let line: string;
    if (kind === 'irc') {
      const stamp = d.toISOString().slice(0, 19);
      line = i % 25 === 0 ? `${stamp}  *** ${nick} <${nick}!~u@host.example> has joined #bench\n` : `${stamp}  <${nick}> ${text}\n`;
    } else {
      const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}, ${d.toISOString().slice(11, 16)}`;
      line = i % 25 === 0 ? `${stamp} - ${nick} joined using this group's invite link\n` : `${stamp} - ${nick}: ${text}${i % 10 === 0 ? `\n${sentence(i + 3, 8)}` : ''}\n`;
    }
    if (!line.includes('joined')) {
      messages++;
      const j = `${messages > 1 ? ',' : ''}["${d.toISOString().slice(0, 19)}","${nick}","${text}"]\n`;
      jbatch.push(j);
      jsonBytes += j.length;
    }
    batch.push(line);
    bytes += line.length;
    i++;
    if (batch.length === 5000) {
      await write(out, batch.splice(0).join(''));
      await write(json, jbatch.splice(0).join(''));
    }
  }
  await write(out, batch.join(''));
  await write(json, jbatch.join(''));
  // Padding keeps both files the same size, so MB/s compare like with like.
  await write(json, `],"padding":"${' '.repeat(Math.max(0, bytes - jsonBytes - 16))}"}`);
  await close(out);
  await close(json);
  return { messages, bytes: statSync(path).size };
}

// ---------- measurements (each in its own process) ----------

interface Measure {
  ms: number;
  /** CPU time of the whole process (all its threads): on a shared machine, wall time also counts waiting for a core. */
  cpuMs: number;
  messages: number;
  threads: number;
  maxRssMB: number;
  maxHeapMB: number;
  /** ArrayBuffers (file chunks, inflated members) alive at a sample, collected or not. */
  maxBuffersMB: number;
}

async function measure(mode: string, file: string, limit = Infinity): Promise<Omit<Measure, 'maxRssMB' | 'maxHeapMB' | 'maxBuffersMB'>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let messages = 0;
  let threads = 0;
  // A limit reads only the file's first bytes (the memory of a file half the size, without writing one).
  const chunks = () => createReadStream(file, { highWaterMark: CHUNK, ...(Number.isFinite(limit) ? { end: limit - 1 } : {}) });
  if (mode === 'discord-stream') {
    for await (const t of importDiscordStream(chunks(), undefined, importContext(file))) {
      threads++;
      messages += t.posts.length;
    }
  } else if (mode === 'discord-scan') {
    // The parsing layer alone: every message cut out and JSON.parse'd, no thread building.
    const json = new JsonArrayStream('messages', file);
    for await (const c of chunks()) for (const item of json.write(c)) if (item.kind === 'element') messages++;
    json.end();
  } else if (mode === 'discord-parse') {
    const data = JSON.parse(new TextDecoder().decode(await readFile(file))) as { messages: unknown[] };
    messages = data.messages.length;
  } else if (mode === 'slack-stream') {
    for await (const t of importSlackZipStream(chunks, importContext(file))) {
      threads++;
      messages += t.posts.length;
    }
  } else if (mode === 'slack-parse') {
    // The plain way: unzip everything in memory, JSON.parse every member.
    const files = unzipSync(await readFile(file));
    const dec = new TextDecoder();
    for (const [name, b] of Object.entries(files)) {
      const v = JSON.parse(dec.decode(b)) as unknown[];
      if (/\/\d{4}-\d{2}-\d{2}\.json$/.test(name)) messages += v.length;
    }
  } else if (mode === 'mbox-stream') {
    for await (const t of importMboxStream(chunks(), importContext(file))) {
      threads++;
      messages += t.posts.length;
    }
  } else if (mode === 'irc-stream') {
    for await (const th of importIrcStream(chunks(), importContext(file))) {
      threads++;
      messages += th.posts.length;
    }
  } else if (mode === 'whatsapp-stream') {
    for await (const th of importWhatsAppStream(chunks, importContext(file))) {
      threads++;
      messages += th.posts.length;
    }
  } else if (mode === 'json-parse') {
    const data = JSON.parse(new TextDecoder().decode(await readFile(file))) as { messages: unknown[] };
    messages = data.messages.length;
  } else if (mode !== 'baseline') throw new Error(`unknown mode ${mode}`);
  const cpu = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, messages, threads };
}

async function child(mode: string, file: string, limit = Infinity): Promise<Measure> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, '--measure', mode, file, String(limit)], {
    cwd: ROOT,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measure;
}

/**
 * This process's own peak RSS. On Linux getrusage's maxRSS keeps the high-water mark of the process
 * image replaced by exec, i.e. of the forked parent: after the parent had built a Slack ZIP in memory,
 * every child reported the parent's ~460 MB. VmHWM belongs to the address space exec created.
 */
function peakRssMB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS / 1024;
}

const MB = 1024 * 1024;

/**
 * Peak memory reading the first half of a file and the whole of it: a streaming reader's stays flat as
 * the file doubles (goal: under 300 MB for a 1 GB log). Beside the largest message where one is known.
 */
function flatness(label: string, half: Measure, whole: Measure, largest?: number): string {
  const msg = largest ? `; largest message ${fmt(largest / 1024)} kB` : '';
  return `${label}: peak RSS ${fmt(half.maxRssMB, 0)} MB reading half the file, ${fmt(whole.maxRssMB, 0)} MB the whole (× ${fmt(whole.maxRssMB / half.maxRssMB, 2)} as the size doubles); heap ≤ ${fmt(half.maxHeapMB, 0)} / ${fmt(whole.maxHeapMB, 0)} MB${msg}`;
}
const fmt = (n: number, d = 1) => n.toFixed(d);

function row(label: string, m: Measure, bytes: number, base?: Measure): string {
  const mbs = bytes / MB / (m.ms / 1000);
  const ratio = base ? ` ${fmt(base.ms / m.ms, 2)}× JSON.parse (CPU time: ${fmt(base.cpuMs / m.cpuMs, 2)}×)` : '';
  return `${label.padEnd(38)} ${fmt(m.ms / 1000, 2).padStart(7)} s ${fmt(mbs).padStart(7)} MB/s ${Math.round(m.messages / (m.ms / 1000)).toLocaleString('en').padStart(10)} msg/s  peak RSS ${fmt(m.maxRssMB, 0).padStart(5)} MB (${fmt((m.maxRssMB * MB) / bytes, 2)}× file), heap ≤ ${fmt(m.maxHeapMB, 0)} MB, buffers ≤ ${fmt(m.maxBuffersMB, 0)} MB, CPU ${fmt(m.cpuMs / 1000, 2)} s = ${fmt(bytes / MB / (m.cpuMs / 1000))} MB/s${ratio}`;
}

export default async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gleaner-import-bench-'));
  const started = performance.now();
  try {
    const base = await child('baseline', '-');
    console.log(`Node + tsx alone: peak RSS ${fmt(base.maxRssMB, 0)} MB (included in every figure below)`);
    if (ONLY.has('mbox')) {
      const mPath = join(dir, 'archive.mbox');
      const t0 = performance.now();
      const m = await mboxFile(mPath, MBOX_MB * MB);
      console.log(`Generated mbox from the corpus's mail archives: ${fmt(m.bytes / MB)} MB, ${m.messages.toLocaleString('en')} messages, largest message ${fmt(m.largest / 1024)} kB (${fmt((performance.now() - t0) / 1000)} s)`);
      const mStream = await child('mbox-stream', mPath);
      console.log(row(`mbox: streaming importer (${mStream.threads.toLocaleString('en')} threads)`, mStream, m.bytes));
      console.log(`mbox: ${fmt(m.bytes / MB / (mStream.cpuMs / 1000))} MB/s of process CPU time (goal ≥ 50 MB/s); ${mStream.messages.toLocaleString('en')} of ${m.messages.toLocaleString('en')} messages read (a Message-ID repeated in an archive counts once)`);
      console.log(flatness('mbox', await child('mbox-stream', mPath, Math.floor(m.bytes / 2)), mStream, m.largest));
      rmSync(mPath);
    }
    for (const kind of ONLY.has('lines') ? (['irc', 'whatsapp'] as const) : []) {
      const lPath = join(dir, `${kind}.txt`);
      const jPath = join(dir, `${kind}.json`);
      const tl = performance.now();
      const l = await lineLogFiles(kind, lPath, jPath, LINES_MB * MB);
      console.log(`Generated ${kind} log: ${fmt(l.bytes / MB)} MB, ${l.messages.toLocaleString('en')} messages, and a JSON export of them of ${fmt(statSync(jPath).size / MB)} MB (${fmt((performance.now() - tl) / 1000)} s)`);
      const lStream = await child(`${kind}-stream`, lPath);
      const jParse = await child('json-parse', jPath);
      if (lStream.messages !== l.messages || jParse.messages !== l.messages) throw new Error(`message counts differ: ${JSON.stringify({ l, lStream, jParse })}`);
      console.log(row(`${kind}: JSON.parse of the same as JSON`, jParse, statSync(jPath).size));
      console.log(row(`${kind}: streaming reader (${lStream.threads.toLocaleString('en')} threads)`, lStream, l.bytes, jParse));
      console.log(flatness(kind, await child(`${kind}-stream`, lPath, Math.floor(l.bytes / 2)), lStream));
      rmSync(lPath);
      rmSync(jPath);
    }
    if (!ONLY.has('discord') && !ONLY.has('slack')) return;
    const dPath = join(dir, 'discord.json');
    let t = performance.now();
    const d = await discordFile(dPath, DISCORD_MB * MB);
    console.log(`Generated DiscordChatExporter JSON: ${fmt(d.bytes / MB)} MB, ${d.messages.toLocaleString('en')} messages (${fmt((performance.now() - t) / 1000)} s)`);
    const dStream = await child('discord-stream', dPath);
    const dScan = await child('discord-scan', dPath);
    const dParse = await child('discord-parse', dPath);
    if (dStream.messages !== d.messages || dScan.messages !== d.messages || dParse.messages !== d.messages) throw new Error(`message counts differ: ${JSON.stringify({ d, dStream, dScan, dParse })}`);
    console.log(row('discord: JSON.parse (read + decode + parse)', dParse, d.bytes));
    console.log(row('discord: streaming parse layer only', dScan, d.bytes, dParse));
    console.log(row(`discord: streaming importer (${dStream.threads.toLocaleString('en')} threads)`, dStream, d.bytes, dParse));
    rmSync(dPath);

    const sPath = join(dir, 'slack.zip');
    t = performance.now();
    const s = await slackZip(sPath, SLACK_MESSAGES);
    console.log(`Generated Slack export ZIP: ${fmt(s.bytes / MB)} MB (${fmt(s.unpacked / MB)} MB unpacked), ${s.messages.toLocaleString('en')} messages (${fmt((performance.now() - t) / 1000)} s)`);
    const sStream = await child('slack-stream', sPath);
    const sParse = await child('slack-parse', sPath);
    if (sStream.messages !== s.messages || sParse.messages !== s.messages) throw new Error(`message counts differ: ${JSON.stringify({ s, sStream, sParse })}`);
    console.log('(Slack MB/s are of unpacked JSON; peak RSS is compared with the unpacked size, and the ZIP is', fmt(s.bytes / MB), 'MB)');
    console.log(row('slack: unzipSync + JSON.parse', sParse, s.unpacked));
    console.log(row(`slack: streaming importer (${sStream.threads.toLocaleString('en')} threads)`, sStream, s.unpacked, sParse));
    console.log(`Total ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const i = process.argv.indexOf('--measure');
  if (i >= 0) {
    // Heap in use, sampled while the streaming readers yield (a synchronous JSON.parse shows only in maxRSS).
    let maxHeap = 0;
    let maxBuffers = 0;
    const sampler = setInterval(() => {
      const u = process.memoryUsage();
      maxHeap = Math.max(maxHeap, u.heapUsed);
      maxBuffers = Math.max(maxBuffers, u.arrayBuffers);
    }, 20);
    const r = await measure(process.argv[i + 1]!, process.argv[i + 2]!, Number(process.argv[i + 3] ?? Infinity));
    clearInterval(sampler);
    console.log(JSON.stringify({ ...r, maxRssMB: peakRssMB(), maxHeapMB: maxHeap / MB, maxBuffersMB: maxBuffers / MB }));
  } else await main();
}
