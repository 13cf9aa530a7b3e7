import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.ts';
import type { Io } from '../../cli/io.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A fake terminal: stdin arrives in the given chunks (split mid-character on purpose), output is collected. */
function fakeIo(chunks: Array<string | Uint8Array>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    stdin: async function* () {
      for (const c of chunks) yield typeof c === 'string' ? new TextEncoder().encode(c) : c;
    },
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('gleaner redact', () => {
  it('prints plain text redacted, otherwise unchanged, with no newline added', async () => {
    const bytes = new TextEncoder().encode('Café meetup: call +44 20 7946 0958 — or mail zoë@example.com');
    // Split inside "é" and inside "—" to check decoding across chunks.
    const t = fakeIo([bytes.slice(0, 4), bytes.slice(4, 40), bytes.slice(40)]);
    expect(await main(['redact'], t.io)).toBe(0);
    expect(t.out()).toBe('Café meetup: call <PHONE> — or mail <EMAIL>');
    expect(t.err()).toBe('');
  });

  it('keeps a trailing newline exactly as given', async () => {
    const t = fakeIo(['ping @alice\n\n']);
    await main(['redact'], t.io);
    expect(t.out()).toBe('ping <USER>\n\n');
  });

  it('writes one object per JSON line with offsets into the input and drops other fields', async () => {
    const t = fakeIo(['{"text": "mail ana@example.org", "author": "x"}\n{"te', 'xt": "nothing here"}\r\n']);
    expect(await main(['redact', '--jsonl'], t.io)).toBe(0);
    const rows = t.out().trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual([
      { text: 'mail <EMAIL>', findings: [{ type: 'EMAIL', start: 5, end: 20 }] },
      { text: 'nothing here', findings: [] },
    ]);
  });

  it('reports malformed lines by number, still prints the valid ones, and exits 1', async () => {
    const t = fakeIo(['{"text": "a @bob"}\nnot json\n[1,2]\n{"text": 5}\n\n{"text": "IP 203.0.113.9"}']);
    expect(await main(['redact', '--jsonl'], t.io)).toBe(1);
    expect(t.out().trimEnd().split('\n').map((l) => JSON.parse(l).text)).toEqual(['a <USER>', 'IP <IP>']);
    const err = t.err();
    expect(err).toMatch(/line 2: not valid JSON/);
    expect(err).toMatch(/line 3: not a JSON object/);
    expect(err).toMatch(/line 4: has no string "text" field/);
    expect(err).not.toMatch(/line [156]\b/);
  });

  it('rejects unknown arguments with usage', async () => {
    const t = fakeIo([]);
    expect(await main(['redact', '--json'], t.io)).toBe(2);
    expect(t.err()).toMatch(/unexpected argument "--json"/);
  });

  it('runs as a real process with input piped', () => {
    const input = '{"text":"card 4111 1111 1111 1111"}\n{"oops"\n';
    const p = spawnSync(process.execPath, ['bin/gleaner.js', 'redact', '--jsonl'], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
    expect(p.status).toBe(1);
    expect(JSON.parse(p.stdout.trim())).toEqual({ text: 'card <CARD>', findings: [{ type: 'CARD', start: 5, end: 24 }] });
    expect(p.stderr).toMatch(/line 2: not valid JSON/);
  });
});
