// Draws the toolbar icon (a green disc with a white wheat ear) at every size the manifests use.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x / size, y / size), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const green = [31, 122, 70, 255];
const white = [255, 250, 235, 255];
const clear = [0, 0, 0, 0];
function pixel(u, v) {
  const dx = u - 0.5, dy = v - 0.5;
  if (dx * dx + dy * dy > 0.24) return clear;
  // Stem, and grains as ellipses alternating left and right of it.
  if (Math.abs(dx) < 0.025 && v > 0.2 && v < 0.85) return white;
  // Grains: ellipses leaning up and out from the stem, alternating sides, one on top.
  const grains = [[0.5, 0.2, 0]];
  for (let i = 0; i < 4; i++) for (const side of [-1, 1]) grains.push([0.5 + side * 0.075, 0.3 + i * 0.115, side]);
  for (const [cx, cy, side] of grains) {
    const a = side * 0.6;
    const rx = (u - cx) * Math.cos(a) + (v - cy) * Math.sin(a);
    const ry = -(u - cx) * Math.sin(a) + (v - cy) * Math.cos(a);
    if ((rx / 0.04) ** 2 + (ry / 0.075) ** 2 < 1) return white;
  }
  return green;
}
for (const size of [16, 32, 48, 96, 128]) writeFileSync(new URL(`../public/icon/${size}.png`, import.meta.url), png(size, pixel));
