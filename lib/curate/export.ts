import type { Entry } from '../model/entry.ts';

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

function section(e: Entry): string {
  const lines = [`## ${e.title}`, '', `*${e.kind === 'qa' ? 'Q&A' : 'Strategy'} · ${e.language} · ${e.license}*`, ''];
  if (e.kind === 'qa') {
    lines.push('### Question', '', e.qa.question.text, '');
    e.qa.answers.forEach((a, i) => lines.push(`### Answer ${i + 1}`, '', a.text, ''));
  } else {
    lines.push(`**${e.strategy.topic}**${e.strategy.tags.length ? ` — ${e.strategy.tags.join(', ')}` : ''}`, '', e.strategy.body.text, '');
  }
  lines.push('### Attribution', '', ...e.attribution.text.split('\n').map((l) => `- ${l}`), '');
  return lines.join('\n');
}

export function entriesMarkdown(entries: Entry[], title = 'Gleaner entries'): string {
  return [`# ${title}`, '', ...entries.map(section)].join('\n');
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
