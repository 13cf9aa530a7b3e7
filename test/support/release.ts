import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every record a release folder holds, from each shard of its hobby and subject folders, in path order. */
export function releaseRows(out: string): Record<string, unknown>[] {
  return readdirSync(join(out, 'data'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(join(out, 'data', f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
