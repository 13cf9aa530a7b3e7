import { describe, expect, it } from 'vitest';
import { chatJsonl, entriesJsonl, entriesMarkdown, exportEntries } from '../../lib/curate/export.ts';
import { Entry } from '../../lib/model/entry.ts';
import { qaEntry } from '../support/entries.ts';

describe('local export', () => {
  it('JSONL: one valid entry record per line, in order', async () => {
    const a = await qaEntry(undefined, { title: 'First' });
    const b = await qaEntry(undefined, { title: 'Second' });
    const lines = entriesJsonl([a, b]).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const parsed = lines.map((l) => Entry.parse(JSON.parse(l)));
    expect(parsed.map((e) => e.title)).toEqual(['First', 'Second']);
    expect(parsed[0]).toEqual(a);
    expect(entriesJsonl([])).toBe('');
  });

  it('chat JSONL: {"messages": [...]} per line with user/assistant turns, lined up with the JSONL file', async () => {
    const a = await qaEntry();
    const [line] = chatJsonl([a]).trimEnd().split('\n');
    const obj = JSON.parse(line!);
    expect(Object.keys(obj)).toEqual(['messages']);
    expect(obj.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(obj.messages[0].content).toBe(a.messages[0]!.content);
  });

  it('Markdown: title, question, answers and the attribution', async () => {
    const a = await qaEntry(undefined, { title: 'Octoverse stars' });
    const md = entriesMarkdown([a]);
    expect(md).toContain('## Octoverse stars');
    expect(md).toContain('### Question');
    expect(md).toContain('### Answer 1');
    expect(md).toContain('- "Congratulations');
    expect(md).toContain('techAPJ (https://meta.discourse.org/u/techAPJ)');
    expect(exportEntries([a], 'markdown')).toMatchObject({ mime: 'text/markdown', filename: 'gleaner-entries.md' });
    expect(exportEntries([a], 'chat').filename).toBe('gleaner-chat.jsonl');
  });
});
