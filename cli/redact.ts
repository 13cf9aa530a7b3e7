import type { Io } from './io.ts';
import { redact } from '../lib/privacy/index.ts';

const USAGE = `Usage: gleaner redact [--jsonl]
  Reads text on standard input and prints it with personal data replaced by <EMAIL>, <PHONE>, <KEY>, …
  --jsonl  read one JSON object {"text": "..."} per line; print {"text": redacted, "findings": [{"type","start","end"}]}
           per line, offsets into the input text.
`;

/** Standard input as text lines, decoded as they arrive so a large file is never held whole. */
async function* lines(stdin: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of stdin) {
    pending += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
    }
  }
  pending += decoder.decode();
  if (pending !== '') yield pending.replace(/\r$/, '');
}

function textOf(line: string): string | Error {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return new Error(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new Error('not a JSON object');
  const text = (value as { text?: unknown }).text;
  if (typeof text !== 'string') return new Error('has no string "text" field');
  return text;
}

async function redactJsonl(io: Io): Promise<number> {
  let n = 0;
  let bad = 0;
  for await (const line of lines(io.stdin())) {
    n++;
    if (line.trim() === '') continue;
    const text = textOf(line);
    if (text instanceof Error) {
      bad++;
      io.err(`gleaner redact: line ${n}: ${text.message}; skipped. Each line must be an object like {"text": "..."}.\n`);
      continue;
    }
    const r = redact(text);
    io.out(JSON.stringify({ text: r.text, findings: r.findings.map((f) => ({ type: f.type, start: f.start, end: f.end })) }) + '\n');
  }
  return bad ? 1 : 0;
}

async function redactText(io: Io): Promise<number> {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  for await (const chunk of io.stdin()) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  io.out(redact(text).text);
  return 0;
}

export async function run(args: string[], io: Io): Promise<number> {
  const jsonl = args.includes('--jsonl');
  const unknown = args.filter((a) => a !== '--jsonl');
  if (unknown.length) {
    io.err(`gleaner redact: unexpected argument "${unknown[0]}".\n${USAGE}`);
    return 2;
  }
  return jsonl ? redactJsonl(io) : redactText(io);
}
