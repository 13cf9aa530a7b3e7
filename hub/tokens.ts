import { createHash, randomBytes } from 'node:crypto';

/** Tokens are shown once and stored only as SHA-256: a leaked database does not leak credentials. */
export function newToken(): string {
  return `glr_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Crockford's base32 without I, L, O, U: nothing to misread when typing a code off a screen.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short pairing code, shown as `XXXX-XXXX`: 40 bits, one use, minutes of life, rate-limited redemption. */
export function newPairCode(): string {
  const bytes = randomBytes(8);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** What a person may type (lower case, spaces, dashes, O for 0, I/L for 1) mapped to the stored form. */
export function normalisePairCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
