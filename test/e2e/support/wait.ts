/** Polls until `ok(value)` holds, or fails saying what it waited for and the last value it saw. */
export async function waitFor<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000, every = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
