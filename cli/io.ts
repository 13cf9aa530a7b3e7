import { escapeControls } from '../lib/extract/json-shape.ts';

/** What a CLI command may touch: injected so tests can run commands in-process. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Standard input as a byte stream. */
  stdin: () => AsyncIterable<Uint8Array>;
}

export const stdio: Io = {
  out: (s) => process.stdout.write(s),
  // Messages may quote the input (a file name, a field's value): control characters are written
  // visibly, so a crafted file cannot send escape sequences to the terminal.
  err: (s) => process.stderr.write(escapeControls(s)),
  stdin: () => process.stdin,
};

/** Exit status of a program whose output pipe was closed by its reader (128 + SIGPIPE), as shells report. */
export const EXIT_PIPE_CLOSED = 141;

/**
 * `gleaner … | head -1`: once the reader has what it wanted and closes the pipe, the next write fails
 * with EPIPE. That is the reader's choice, not an error: end at once, silently, with the status a
 * program killed by SIGPIPE has.
 */
export function endQuietlyWhenPipeCloses(stream: NodeJS.WriteStream = process.stdout, exit: (code: number) => void = (c) => process.exit(c)): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit(EXIT_PIPE_CLOSED);
    else throw e;
  });
}
