/**
 * Word-level differences between two versions of an entry's text, for the revision history: the common
 * start and end are set aside, the middle compared by longest common subsequence. A middle longer than
 * MAX_WORDS on either side (a rewrite, not an edit) is shown as removed then added, so a page never
 * costs more than MAX_WORDS² steps.
 */
export const MAX_WORDS = 1500;

export type DiffPart = { op: 'same' | 'del' | 'ins'; text: string };

/** Words with the spaces after them, so a change of several words reads as one change. */
const words = (s: string) => s.match(/^\s+|\S+\s*/g) ?? [];

export function wordDiff(before: string, after: string): DiffPart[] {
  const a = words(before);
  const b = words(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const midA = a.slice(start, a.length - end);
  const midB = b.slice(start, b.length - end);
  const parts: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last?.op === op) last.text += text;
    else parts.push({ op, text });
  };
  push('same', a.slice(0, start).join(''));
  if (midA.length > MAX_WORDS || midB.length > MAX_WORDS) {
    push('del', midA.join(''));
    push('ins', midB.join(''));
  } else {
    // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
    const n = midA.length;
    const m = midB.length;
    const lcs = new Uint16Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = midA[i] === midB[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) (push('same', midA[i]!), i++, j++);
      else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!)) (push('del', midA[i]!), i++);
      else (push('ins', midB[j]!), j++);
    }
  }
  push('same', a.slice(a.length - end).join(''));
  return parts;
}
