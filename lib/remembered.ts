/**
 * A pure function of a string, remembered: for values a stream repeats (a list's subjects and senders,
 * the licences and language tags entry after entry), so each distinct one is worked out once. Bounded:
 * past `bound` distinct values the memory is emptied and refills, so a stream of values never seen again
 * costs no more than not remembering.
 */
export function remembered<T>(fn: (value: string) => T, bound: number): (value: string) => T {
  const seen = new Map<string, T>();
  return (value) => {
    let answer = seen.get(value);
    if (answer === undefined && !seen.has(value)) {
      answer = fn(value);
      if (seen.size >= bound) seen.clear();
      seen.set(value, answer);
    }
    return answer as T;
  };
}
