import { createHash, randomBytes } from 'node:crypto';

/** Tokens are shown once and stored only as SHA-256: a leaked database does not leak credentials. */
export function newToken(): string {
  return `glr_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
