import type { Entry } from '../model/entry.ts';
import { mdBlock, mdInline } from './markdown-safe.ts';

/**
 * Local exports for people who use no hub. Three forms: the full entry records (JSONL, one per line,
 * exactly as the hub stores them), Markdown for reading, and chat-format JSONL (`{"messages": [...]}`),
 * which fine-tuning tools take as is and some reject with extra keys: the chat file lines up with the JSONL
 * file line by line, and that file carries the licence and attribution each line needs.
 */
export type ExportFormat = 'jsonl' | 'markdown' | 'chat';

export function entriesJsonl(entries: Entry[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
}

export function chatJsonl(entries: Entry[]): string {
  return (
    entries
      .map((e) => JSON.stringify({ messages: e.messages }))
      .join('\n') + (entries.length ? '\n' : '')
  );
}

/**
 * Posts are hostile and Markdown passes HTML through, so every value is made inert for any viewer:
 * one-line values fully escaped, texts keep their Markdown but lose raw HTML, images and script links.
 */
function section(e: Entry): string {
  const lines = [`## ${mdInline(e.title)}`, '', `*${e.kind === 'qa' ? 'Q&A' : 'Strategy'} · ${mdInline(e.language)} · ${mdInline(e.license)}*`, ''];
  if (e.kind === 'qa') {
    lines.push('### Question', '', mdBlock(e.qa.question.text), '');
    e.qa.answers.forEach((a, i) => lines.push(`### Answer ${i + 1}`, '', mdBlock(a.text), ''));
  } else {
    lines.push(`**${mdInline(e.strategy.topic)}**${e.strategy.tags.length ? ` — ${e.strategy.tags.map(mdInline).join(', ')}` : ''}`, '', mdBlock(e.strategy.body.text), '');
  }
  lines.push('### Attribution', '', ...e.attribution.text.split('\n').map((l) => `- ${mdBlock(l)}`), '');
  return lines.join('\n');
}

export function entriesMarkdown(entries: Entry[], title = 'Gleaner entries'): string {
  return [`# ${mdInline(title)}`, '', ...entries.map(section)].join('\n');
}

export function exportEntries(entries: Entry[], format: ExportFormat): { text: string; mime: string; filename: string } {
  switch (format) {
    case 'jsonl':
      return { text: entriesJsonl(entries), mime: 'application/x-ndjson', filename: 'gleaner-entries.jsonl' };
    case 'chat':
      return { text: chatJsonl(entries), mime: 'application/x-ndjson', filename: 'gleaner-chat.jsonl' };
    case 'markdown':
      return { text: entriesMarkdown(entries), mime: 'text/markdown', filename: 'gleaner-entries.md' };
  }
}
