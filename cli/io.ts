/** What a CLI command may touch: injected so tests can run commands in-process. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Standard input as a byte stream. */
  stdin: () => AsyncIterable<Uint8Array>;
}

export const stdio: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  stdin: () => process.stdin,
};
