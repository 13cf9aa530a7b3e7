/** SHA-256 hex with Web Crypto: the same function in the extension, the hub and the CLI. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Messages normalised for hashing: NFC, unix newlines, trimmed lines, so cosmetic edits do not fork duplicates. */
export function normaliseForHash(messages: { role: string; content: string }[]): string {
  return JSON.stringify(
    messages.map((m) => [m.role, m.content.normalize('NFC').replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd()).join('\n').trim()]),
  );
}

export async function contentHash(messages: { role: string; content: string }[]): Promise<string> {
  return sha256Hex(normaliseForHash(messages));
}
