/**
 * The hub's bounds on one entry and one request, shared by the hub (which refuses anything over them)
 * and the extension (which checks an entry against them before building and sending it, so an entry
 * never sits "held" for a reason the contributor could have been told about up front).
 *
 * They bound what one moderator can read and one dataset row should hold, and they keep the work one
 * request can cause proportional to its size: every array and object is capped, so checking an entry
 * costs at most a few thousand steps whatever the body holds.
 */
export interface EntryLimits {
  titleChars: number;
  messages: number;
  messageChars: number;
  sources: number;
  attributionChars: number;
  /** An entry id (also the key it is stored under). */
  idChars: number;
  /** Any other text field. */
  textChars: number;
  /** Any other list (answers, passages, tags, licence notes, a passage's source posts). */
  listItems: number;
  /** Keys of any one object (the free-form maps: PII counts, external ids). */
  objectKeys: number;
  /** Nesting depth of objects and arrays. */
  depth: number;
}

export const HUB_LIMITS: EntryLimits = {
  titleChars: 300,
  messages: 64,
  messageChars: 50_000,
  sources: 100,
  attributionChars: 20_000,
  idChars: 200,
  textChars: 50_000,
  listItems: 500,
  objectKeys: 100,
  depth: 12,
};

/** Entries per submission request. */
export const HUB_BATCH_ENTRIES = 100;
/** Bytes per request body (submissions and revisions). */
export const HUB_BODY_BYTES = 5 * 1024 * 1024;

export interface LimitIssue {
  /** JSON pointer relative to the entry. */
  pointer: string;
  detail: string;
}

/** Issues reported per entry at most: one broken entry cannot make an answer (or the work behind it) large. */
export const MAX_ISSUES_PER_ENTRY = 20;

/**
 * Every field of an entry over its bound, as a pointer and a sentence saying the bound. Works on an
 * entry built by the extension and on any parsed JSON (the hub runs it before the schema): lists over
 * their cap are reported and not looked into, and the walk stops after `maxIssues` issues.
 */
export function checkEntryLimits(value: unknown, limits: EntryLimits = HUB_LIMITS, maxIssues = MAX_ISSUES_PER_ENTRY): LimitIssue[] {
  const out: LimitIssue[] = [];
  // The path is kept as a stack and turned into a pointer only for an issue: the walk runs on every
  // entry of every request, and most entries have no issue at all.
  const path: (string | number)[] = [];
  const pointer = () => (path.length ? path.map((k) => `/${typeof k === 'number' ? k : escapePointer(k)}`).join('') : '/');
  const add = (detail: string) => out.push({ pointer: pointer(), detail });
  const textLimit = (): number => {
    const d = path.length;
    if (d === 1) return path[0] === 'title' ? limits.titleChars : path[0] === 'id' ? limits.idChars : limits.textChars;
    if (d === 2 && path[0] === 'attribution' && path[1] === 'text') return limits.attributionChars;
    if (d === 3 && path[0] === 'messages' && path[2] === 'content') return limits.messageChars;
    return limits.textChars;
  };
  const walk = (v: unknown, depth: number): void => {
    if (out.length >= maxIssues) return;
    if (typeof v === 'string') {
      const max = textLimit();
      if (v.length > max) add(`is ${v.length} characters long; the hub accepts at most ${max}`);
      // PostgreSQL text cannot hold NUL, and a lone surrogate would be stored as U+FFFD: refuse both on every backend alike.
      else if (v.includes('\u0000')) add('contains a NUL character (U+0000); remove it');
      // An id is also a URL path segment and a cursor: printable text only, or it could not be addressed.
      else if (path.length === 1 && path[0] === 'id' && /[\u0001-\u001f\u007f]/.test(v)) add('contains a control character; an id is printable text');
      else if (!v.isWellFormed()) add('contains a broken UTF-16 surrogate; the text was cut in the middle of a character');
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth > limits.depth) {
      add(`is nested more than ${limits.depth} levels deep`);
      return;
    }
    if (Array.isArray(v)) {
      const top = path.length === 1 ? path[0] : undefined;
      const [max, what] = top === 'messages' ? [limits.messages, 'messages'] : top === 'sources' ? [limits.sources, 'sources'] : [limits.listItems, 'items'];
      if (v.length > max) {
        add(`has ${v.length} ${what}; the hub accepts at most ${max}`);
        return;
      }
      for (let i = 0; i < v.length && out.length < maxIssues; i++) {
        path.push(i);
        walk(v[i], depth + 1);
        path.pop();
      }
      return;
    }
    let keys = 0;
    for (const k in v) if (Object.hasOwn(v, k) && ++keys > limits.objectKeys) break;
    if (keys > limits.objectKeys) {
      add(`has more than ${limits.objectKeys} keys; the hub accepts at most ${limits.objectKeys}`);
      return;
    }
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (out.length >= maxIssues) return;
      if (k.length > limits.idChars) {
        out.push({ pointer: `${path.length ? pointer() : ''}/${escapePointer(k.slice(0, 40))}…`, detail: `names a key ${k.length} characters long; the hub accepts at most ${limits.idChars}` });
        continue;
      }
      path.push(k);
      walk((v as Record<string, unknown>)[k], depth + 1);
      path.pop();
    }
  };
  walk(value, 0);
  return out;
}

const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** One line naming the first few issues, for the extension's "why was this not sent" message and the hub's per-entry result. */
export function describeLimitIssues(issues: LimitIssue[], max = 3): string {
  const shown = issues.slice(0, max).map((i) => `${i.pointer.slice(1).replace(/\//g, '.') || 'entry'} ${i.detail}`);
  return shown.join('; ') + (issues.length > max ? `; and ${issues.length - max} more` : '');
}
