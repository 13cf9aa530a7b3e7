import { randomFillSync } from 'node:crypto';
import { ulid } from 'ulid';

const pool = new Uint8Array(4096);
let next = pool.length;

/**
 * ulid's own generator asks the system for one random byte per character, sixteen calls per id; this
 * one draws the same bytes from a pool refilled 4 KiB at a time. A byte / 256 is an exact multiple of
 * ulid's 32 symbols, so every symbol stays equally likely.
 */
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

/** A ULID (time, then 80 random bits) for hub-made ids: accounts, submissions. */
export const newId = (): string => ulid(undefined, pooledRandom);
