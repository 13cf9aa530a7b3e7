import { utf16 } from './encodings.ts';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ExtractError } from '../../lib/extract/index.ts';
import { ImportError } from '../../lib/import/index.ts';

/*
 * Shared by the fuzz suites (test/unit/fuzz-*.test.ts): seeded mutations of corpus bytes, and the one
 * property every reader must keep — a result, or an ImportError/ExtractError a person can read; never
 * another exception, never memory out of proportion to the input.
 *
 * `npm test` runs each property a few dozen times (about two minutes for all suites on a shared
 * two-core machine); `npm run fuzz` sets GLEANER_FUZZ to multiply the case counts.
 */

export const SEED = Number(process.env.GLEANER_FUZZ_SEED ?? 17);
const SCALE = Math.max(1, Number(process.env.GLEANER_FUZZ ?? 1));

/** Case count for a property: `base` in `npm test`, scaled up by `npm run fuzz`. */
export function runs(base: number): number {
  return Math.round(base * SCALE);
}

/** fast-check parameters: seeded, so a failure names a case that replays. */
export function params(base: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: runs(base), endOnFailure: true };
}

/** A timeout for a property of `base` cases of about `msEach`, scaled as the case count is. */
export function budget(base: number, msEach: number): number {
  return Math.max(60_000, runs(base) * msEach * 3);
}

/** One change to a file's bytes; positions are fractions of its length, so one case suits any file. */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'duplicate'; at: number; len: number }
  | { kind: 'nest'; at: number; depth: number; open: string; close: string }
  | { kind: 'encode'; as: 'utf-16le' | 'utf-16be' | 'utf-16le-nobom' | 'latin1' | 'bom' | 'cr' };

const frac = fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000);

/** Nasty bytes more likely than uniform ones: markup, quotes, NUL, invalid UTF-8, escapes. */
const nastyBytes = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 16 }),
  fc.constantFrom(
    ...['<', '>', '"', "'", '&', '\\', '{', '}', '[', ']', ',', ':', '\u0000', '\u001b[2J', '</div>', '<div>', '-->', ']]>', '<![CDATA[', '\r', '\n', '\ufeff'].map((s) =>
      new TextEncoder().encode(s),
    ),
    new Uint8Array([0xff]),
    new Uint8Array([0xc3]),
    new Uint8Array([0xed, 0xa0, 0x80]),
  ),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: frac }),
  fc.record({ kind: fc.constant('flip' as const), at: frac, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: frac, bytes: nastyBytes }),
  fc.record({ kind: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: frac, len: fc.integer({ min: 1, max: 8192 }) }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: frac,
    depth: fc.integer({ min: 100, max: 6000 }),
    pair: fc.constantFrom(['<div>', '</div>'], ['<blockquote>', '</blockquote>'], ['[', ']'], ['{"a":', '}'], ['<b>', '']),
  }).map(({ kind, at, depth, pair }) => ({ kind, at, depth, open: pair[0]!, close: pair[1]! })),
  fc.record({ kind: fc.constant('encode' as const), as: fc.constantFrom('utf-16le' as const, 'utf-16be' as const, 'utf-16le-nobom' as const, 'latin1' as const, 'bom' as const, 'cr' as const) }),
);

export function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.min(bytes.length, Math.floor(('at' in m ? m.at : 0) * bytes.length));
  const join = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) out.set(p, o), (o += p.length);
    return out;
  };
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'flip': {
      const out = bytes.slice();
      if (at < out.length) out[at] = m.byte;
      return out;
    }
    case 'insert':
      return join(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    case 'delete':
      return join(bytes.subarray(0, at), bytes.subarray(at + m.len));
    case 'duplicate':
      return join(bytes.subarray(0, at + m.len), bytes.subarray(at, at + m.len), bytes.subarray(at + m.len));
    case 'nest': {
      const enc = new TextEncoder();
      return join(bytes.subarray(0, at), enc.encode(m.open.repeat(m.depth) + 'x' + m.close.repeat(m.depth)), bytes.subarray(at));
    }
    case 'encode': {
      const text = new TextDecoder().decode(bytes);
      if (m.as === 'bom') return join(new Uint8Array([0xef, 0xbb, 0xbf]), bytes);
      if (m.as === 'cr') return new TextEncoder().encode(text.replace(/\r?\n/g, '\r'));
      if (m.as === 'latin1') return Uint8Array.from(text, (c) => (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f));
      return utf16(text, m.as === 'utf-16be', m.as !== 'utf-16le-nobom');
    }
  }
}

let gc: (() => void) | null = null;
/** The engine's collector, so a case's memory is measured from a clean heap. */
function collect(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose_gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

/** Heap a case may still hold when it ends, beyond the heap before it: generous, it catches blow-ups (gigabytes), not noise. */
export function memoryBound(inputBytes: number): number {
  return 96 * 1024 * 1024 + 64 * inputBytes;
}

/**
 * Runs one case. A result or an ImportError/ExtractError with a readable message passes; anything else
 * fails with the case described. Returns 'ok' or 'refused' so suites can check both outcomes occur.
 */
export async function clearOutcome(describe: string, inputBytes: number, run: () => unknown): Promise<'ok' | 'refused'> {
  collect();
  const before = process.memoryUsage().heapUsed;
  let outcome: 'ok' | 'refused';
  try {
    await run();
    outcome = 'ok';
  } catch (e) {
    if (!(e instanceof ImportError || e instanceof ExtractError)) {
      const err = e as Error;
      throw new Error(`${describe}: ${err?.name ?? typeof e}: ${err?.message ?? String(e)}\n${err?.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`);
    }
    expect(e.message.length, `${describe}: message too short: ${e.message}`).toBeGreaterThan(20);
    // Messages quote input only with control characters escaped (the CLI escapes again on output).
    outcome = 'refused';
  }
  const grew = process.memoryUsage().heapUsed - before;
  expect(grew, `${describe}: heap grew by ${Math.round(grew / 1048576)} MB for ${inputBytes} bytes of input`).toBeLessThan(memoryBound(inputBytes));
  return outcome;
}

export function describeMutation(m: Mutation): string {
  const { kind, ...rest } = m as Mutation & { bytes?: Uint8Array };
  return `${kind} ${JSON.stringify(rest, (k, v) => (v instanceof Uint8Array ? Array.from(v) : v))}`;
}

/** A value put where a JSON response had another: wrong types, impossible numbers, depth. */
export type JsonReplacement = 'delete' | 'null' | 'true' | 'five' | 'text' | 'emptyList' | 'emptyObject' | 'huge' | 'negative' | 'far' | 'deepList' | 'deepObject';
export const jsonReplacement = fc.constantFrom<JsonReplacement>('delete', 'null', 'true', 'five', 'text', 'emptyList', 'emptyObject', 'huge', 'negative', 'far', 'deepList', 'deepObject');

const MARK = '\u0000gleaner-fuzz\u0000';
const TEXT: Record<Exclude<JsonReplacement, 'delete'>, string> = {
  null: 'null',
  true: 'true',
  five: '5',
  text: '"\\u001b[2Jtext"',
  emptyList: '[]',
  emptyObject: '{}',
  huge: '1e400',
  negative: '-1e16',
  far: '1e16',
  deepList: '['.repeat(5000) + '1' + ']'.repeat(5000),
  deepObject: '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
};

/**
 * The JSON with the value at one place (picked by `pick`, a fraction over every value in document
 * order) replaced. Written as text, so values JSON.stringify cannot write (1e400) and depth it would
 * recurse through are possible. Null when the text is not JSON.
 */
export function mutateJson(text: string, pick: number, to: JsonReplacement): string | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  // Every container slot, found without recursion.
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const stack: unknown[] = [data];
  while (stack.length && slots.length < 200_000) {
    const v = stack.pop();
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i }), stack.push(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) slots.push({ parent: v as Record<string, unknown>, key: k }), stack.push(x);
  }
  if (!slots.length) return null;
  const slot = slots[Math.min(slots.length - 1, Math.floor(pick * slots.length))]!;
  if (to === 'delete') {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete slot.parent[slot.key as string];
    return JSON.stringify(data);
  }
  (slot.parent as Record<string | number, unknown>)[slot.key] = MARK;
  return JSON.stringify(data).replace(JSON.stringify(MARK), TEXT[to]);
}

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
