import type { Thread } from '../model/thread.ts';

/**
 * Whether a chat client's log ends mid-line: IRC clients and bouncers (irssi, WeeChat, ZNC, Limnoria,
 * dircproxy…) write each line with its line break, so a log without one at its very end was cut while
 * being copied or downloaded, and its last message may be cut mid-word. Only the last two bytes are
 * needed (UTF-16 puts a zero byte beside the break). WhatsApp exports are judged in whatsapp.ts
 * (endsCut): iOS writes a break after the last message, Android none.
 */
export function logEndsMidLine(tail: Uint8Array): boolean {
  if (!tail.length) return false;
  const last = tail.subarray(-2);
  return !last.includes(0x0a) && !last.includes(0x0d);
}

/** The conversations with the last one marked truncated when `cut`. */
export function markLastCut(threads: Thread[], cut: boolean): Thread[] {
  if (cut && threads.length) threads[threads.length - 1] = { ...threads[threads.length - 1]!, truncated: true };
  return threads;
}
