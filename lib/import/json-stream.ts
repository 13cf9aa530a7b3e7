import { firstInvalidUtf8, parseJson } from './decode.ts';
import { ImportError, type ImportPosition } from './errors.ts';

/** What the splitter hands out: a top-level member of the object, or one element of the streamed array. */
export type JsonStreamItem = { kind: 'member'; key: string; value: unknown } | { kind: 'element'; value: unknown };

const enum S {
  Start,
  KeyOrEnd,
  Key,
  Colon,
  ValueStart,
  Value,
  ElemOrEnd,
  Done,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

interface ScanState {
  nest: number;
  inString: boolean;
  escape: boolean;
  /** The value opened with { or [ (else it is a string, number, true, false or null). */
  container: boolean;
}

/** Strings longer than this are searched by the engine (Uint8Array.indexOf) rather than byte by byte. */
const SHORT_STRING = 24;

/**
 * The hot loop, kept small and monomorphic so V8 optimises it (inside the class's state machine it ran
 * ten times slower). Returns i + 1 when the value ends on byte i (a closing bracket or quote),
 * -(i + 1) when byte i already belongs to what follows (a comma after a number), NOT_FOUND when the
 * chunk ran out first.
 *
 * Inside a string only quotes and backslashes matter: member names are short and read byte by byte,
 * message text is long and skipped to its next quote by indexOf (native, several times faster), then
 * the backslashes just before that quote say whether it is escaped.
 */
function scanValue(chunk: Uint8Array, from: number, st: ScanState): number {
  let nest = st.nest;
  let inString = st.inString;
  let escape = st.escape;
  const container = st.container;
  const n = chunk.length;
  let result = NOT_FOUND;
  let i = from;
  while (i < n) {
    if (inString) {
      if (escape) {
        escape = false;
        i++;
        continue;
      }
      let j = i;
      const stop = Math.min(n, i + SHORT_STRING);
      while (j < stop) {
        const b = chunk[j]!;
        if (b === QUOTE || b === BACKSLASH) break;
        j++;
      }
      const q = j < stop && chunk[j] === QUOTE ? j : j >= n ? -1 : chunk.indexOf(QUOTE, j);
      // Bytes before i are settled, so a run of backslashes that escapes the quote starts at i or later.
      let k = (q < 0 ? n : q) - 1;
      while (k >= i && chunk[k] === BACKSLASH) k--;
      const escaped = ((q < 0 ? n : q) - 1 - k) % 2 === 1;
      if (q < 0) {
        // The string goes on in the next chunk, which starts escaped after an odd run of backslashes.
        escape = escaped;
        i = n;
        break;
      }
      i = q + 1;
      if (escaped) continue;
      inString = false;
      if (nest === 0 && !container) {
        result = i;
        break;
      }
      continue;
    }
    const b = chunk[i]!;
    if (b === QUOTE) inString = true;
    else if (b === 0x7b || b === 0x5b) nest++;
    else if (b === 0x7d || b === 0x5d) {
      nest--;
      if (nest === 0 && container) {
        result = i + 1;
        break;
      }
      if (nest < 0) {
        result = -(i + 1);
        break;
      }
    } else if (nest === 0 && !container && (b === 0x2c || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09)) {
      result = -(i + 1);
      break;
    }
    i++;
  }
  st.nest = nest;
  st.inString = inString;
  st.escape = escape;
  return result;
}

const NOT_FOUND = Number.MIN_SAFE_INTEGER;

/**
 * A top-level JSON object read chunk by chunk, where one member is a huge array (an export's
 * "messages"): each element is cut out by a byte scanner and handed to the engine's own JSON.parse,
 * which is several times faster than a token-by-token streaming parser and keeps memory at one
 * element. Other members are parsed whole when they end (they are small: guild, channel, counts).
 */
export class JsonArrayStream {
  private state = S.Start;
  private key = '';
  private keyBytes: number[] = [];
  /** Pieces of the value being captured, from earlier chunks. */
  private pieces: Uint8Array[] = [];
  private valueStart = 0;
  /** Absolute offset where the captured value starts. */
  private valueAt = 0;
  private readonly scan: ScanState = { nest: 0, inString: false, escape: false, container: false };
  private inArray = false;
  private offset = 0;

  constructor(
    private readonly arrayKey: string,
    private readonly file: string,
  ) {}

  /** Bytes consumed so far. */
  get position(): number {
    return this.offset;
  }

  /** Feeds one chunk; returns the members and elements that ended inside it, in order. */
  write(chunk: Uint8Array): JsonStreamItem[] {
    const out: JsonStreamItem[] = [];
    this.each(chunk, (item) => out.push(item));
    return out;
  }

  /**
   * Feeds one chunk, handing each member and element to `take` as soon as it is parsed. An importer
   * that converts each message on the spot keeps one parsed message alive at a time rather than a
   * chunk's thousand, which keeps the garbage collector's work small.
   */
  each(chunk: Uint8Array, take: (item: JsonStreamItem) => void): void {
    let i = 0;
    const n = chunk.length;
    if (this.state === S.Value) this.valueStart = 0;
    while (i < n) {
      const c = chunk[i]!;
      switch (this.state) {
        case S.Value: {
          const found = scanValue(chunk, i, this.scan);
          if (found === NOT_FOUND) {
            i = n;
            break;
          }
          // found > 0: the value's last byte is at found - 1; found < 0: the value ended just before -found - 1.
          const stop = found > 0 ? found : -found - 1;
          take(this.finishValue(chunk.subarray(this.valueStart, stop)));
          i = stop;
          this.state = this.inArray ? S.ElemOrEnd : S.KeyOrEnd;
          continue;
        }
        case S.Start:
          // A byte-order mark may open the file (and arrive split across chunks).
          if (isSpace(c) || (this.offset + i < 3 && (c === 0xef || c === 0xbb || c === 0xbf))) break;
          if (c !== 0x7b) this.fail('the file is not a JSON object (it should start with "{").', i);
          this.state = S.KeyOrEnd;
          break;
        case S.KeyOrEnd:
          if (isSpace(c) || c === 0x2c) break;
          if (c === 0x7d) this.state = S.Done;
          else if (c === QUOTE) {
            this.state = S.Key;
            this.keyBytes = [];
            this.scan.escape = false;
          } else this.fail(`unexpected "${String.fromCharCode(c)}" where a member name should be.`, i);
          break;
        case S.Key:
          if (this.scan.escape) this.scan.escape = false;
          else if (c === BACKSLASH) this.scan.escape = true;
          else if (c === QUOTE) {
            this.key = this.memberName(i);
            this.state = S.Colon;
            break;
          }
          this.keyBytes.push(c);
          break;
        case S.Colon:
          if (isSpace(c)) break;
          if (c !== 0x3a) this.fail(`expected ":" after "${this.key}".`, i);
          this.state = S.ValueStart;
          break;
        case S.ValueStart:
          if (isSpace(c)) break;
          if (c === 0x5b && this.key === this.arrayKey && !this.inArray) {
            this.inArray = true;
            this.state = S.ElemOrEnd;
            break;
          }
          this.begin(chunk, i);
          continue;
        case S.ElemOrEnd:
          if (isSpace(c) || c === 0x2c) break;
          if (c === 0x5d) {
            this.inArray = false;
            this.state = S.KeyOrEnd;
            break;
          }
          this.begin(chunk, i);
          continue;
        case S.Done:
          if (!isSpace(c)) this.fail('there is more after the end of the JSON object.', i);
          break;
      }
      i++;
    }
    if (this.state === S.Value) {
      const rest = chunk.subarray(this.valueStart);
      // Copy: callers may reuse their chunk buffers.
      if (rest.length) this.pieces.push(rest.slice());
    }
    this.offset += n;
  }

  /** Call when the input ends: a JSON object that has not closed means the file was cut short. */
  end(): void {
    if (this.state !== S.Done) {
      throw new ImportError(
        this.state === S.Start ? 'the file is empty.' : 'the JSON ends early: the file looks truncated. Export or download it again.',
        this.file,
        { offset: this.offset, line: null, column: null },
      );
    }
  }

  /** The member name just read; one that is not UTF-8 or not a JSON string is the file's damage, said where. */
  private memberName(i: number): string {
    const at = i - this.keyBytes.length - 1;
    let raw: string;
    try {
      raw = utf8.decode(new Uint8Array(this.keyBytes));
    } catch {
      this.fail('a member name is not valid UTF-8. Re-export the file, or convert it to UTF-8 first.', at);
    }
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      this.fail('a member name is not a valid JSON string (a control character or a bad escape in it).', at);
    }
  }

  private begin(chunk: Uint8Array, i: number): void {
    const c = chunk[i]!;
    this.state = S.Value;
    this.pieces = [];
    this.valueStart = i;
    this.valueAt = this.offset + i;
    // The hot loop reads the opening byte itself (it opens the nesting or the string).
    this.scan.container = c === 0x7b || c === 0x5b;
    this.scan.nest = 0;
    this.scan.inString = false;
    this.scan.escape = false;
  }

  private finishValue(last: Uint8Array): JsonStreamItem {
    let bytes = last;
    if (this.pieces.length) {
      const total = this.pieces.reduce((s, p) => s + p.length, 0) + last.length;
      bytes = new Uint8Array(total);
      let o = 0;
      for (const p of this.pieces) bytes.set(p, o), (o += p.length);
      bytes.set(last, o);
      this.pieces = [];
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      const at = firstInvalidUtf8(bytes);
      this.fail('the file is not valid UTF-8 here. Re-export it, or convert it to UTF-8 first.', this.valueAt - this.offset + Math.max(0, at));
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      // The slow path only on failure: parseJson finds the place when V8's message does not state it.
      let at = 0;
      try {
        parseJson(text, this.file);
      } catch (located) {
        if (located instanceof ImportError && located.position) at = located.position.offset;
      }
      this.fail(`the file is not valid JSON (${(e as Error).message.slice(0, 80)}).`, this.valueAt - this.offset + at);
    }
    return this.inArray ? { kind: 'element', value } : { kind: 'member', key: this.key, value };
  }

  private fail(message: string, indexInChunk: number): never {
    const position: ImportPosition = { offset: this.offset + indexInChunk, line: null, column: null };
    throw new ImportError(message, this.file, position);
  }
}
