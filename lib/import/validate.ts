import type { z } from 'zod';
import { describeIssue } from '../extract/json-shape.ts';
import type { ImportContext } from './context.ts';
import { ImportError } from './errors.ts';

/** How many skipped items are described in full; the rest are counted. */
const DESCRIBED = 3;

/**
 * Checks each item of an export (a message, an event) against its zod schema before a reader builds
 * anything from it. An item that does not fit is skipped and remembered; `report` says how many and
 * where, so one damaged message costs that message, not the import.
 */
export class ItemCheck {
  skipped = 0;
  private readonly described: string[] = [];

  constructor(
    private readonly ctx: Pick<ImportContext, 'warn' | 'file'>,
    /** What an item is called in messages: "message", "event". */
    private readonly noun: string,
  ) {}

  /** The item as the schema gives it back, or null when it does not fit (then remembered for the report). */
  read<T>(schema: z.ZodType<T>, raw: unknown, where: () => string): T | null {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    this.skipped++;
    if (this.described.length < DESCRIBED) this.described.push(`${where()} ${describeIssue(r.error.issues[0]!, raw)}`);
    return null;
  }

  /** Warns about the skipped items, if any. */
  report(): void {
    if (!this.skipped) return;
    const more = this.skipped - this.described.length;
    this.ctx.warn(
      `${this.skipped} ${this.noun}${this.skipped === 1 ? '' : 's'} skipped because a field was not as expected: ${this.described.join('; ')}${more ? `; and ${more} more` : ''}.`,
    );
  }

  /** When nothing was usable because every item was skipped, that is the import's error, not a warning. */
  failIfAllSkipped(read: number): void {
    if (this.skipped && read === 0) {
      throw new ImportError(`none of its ${this.noun}s could be read: ${this.described.join('; ')}. The file may be damaged; export it again.`, this.ctx.file);
    }
  }
}
