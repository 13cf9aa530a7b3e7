import { escapeControls } from '../extract/json-shape.ts';

/** Where in an export the reader stopped: byte offset, and line/column (1-based) when the file is text. */
export interface ImportPosition {
  offset: number;
  line: number | null;
  column: number | null;
}

/**
 * An export that cannot be read. Names the file and the place, so a person can open it there, and says
 * what to do next. Importers throw only this; anything else reaching the CLI is a bug.
 */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly position: ImportPosition | null = null,
  ) {
    // Messages quote file names and input: control characters (terminal escapes) are written visibly.
    super(escapeControls(`${file}${position ? ` (${describePosition(position)})` : ''}: ${message}`));
    this.name = 'ImportError';
  }
}

export function describePosition(p: ImportPosition): string {
  return p.line !== null ? `line ${p.line}, column ${p.column}, byte ${p.offset}` : `byte ${p.offset}`;
}

/** Line and column of a character offset in decoded text. */
export function positionInText(text: string, charOffset: number, byteOffset = charOffset): ImportPosition {
  const before = text.slice(0, charOffset);
  const line = before.split('\n').length;
  const column = charOffset - before.lastIndexOf('\n');
  return { offset: byteOffset, line, column };
}
