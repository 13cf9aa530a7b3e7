/** A string's UTF-16 code units as bytes, in either byte order, with or without a byte-order mark. */
export function utf16(s: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const b = Buffer.from((bom ? '\ufeff' : '') + s, 'utf16le');
  if (bigEndian) b.swap16();
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
