import type { Io } from './io.ts';

export async function run(_args: string[], io: Io): Promise<number> {
  io.err('gleaner import: not available yet in this version.\n');
  return 2;
}
