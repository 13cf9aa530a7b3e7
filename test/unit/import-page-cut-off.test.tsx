// @vitest-environment jsdom
import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { ImportPage, type ImportPageProps } from '../../components/ImportPage.tsx';
import { importArchive } from '../../lib/import/index.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { conversationSummary } from '../../lib/import/summary.ts';
import { corpusBytes } from '../support/corpus.ts';

/*
 * The import page says where an archive was cut, in the words the command line uses ("this file looks
 * cut off after post N"), and marks the conversation it was cut in. The archives are corpus files cut at
 * run time.
 */

async function page(file: string, name: string, bytes: Uint8Array): Promise<HTMLElement> {
  const { threads } = await importArchive({ name, bytes }, { parseHtml: linkedomKit.parseHtml });
  const all = threads.map(conversationSummary);
  // The table draws the first 200 rows; the last ones are what a search for the end of the log shows.
  const rows = all.slice(-100);
  const props: ImportPageProps = {
    phase: 'done',
    fileName: file,
    progress: null,
    rows,
    found: all.length,
    cutOff: all.filter((r) => r.truncated),
    query: '',
    error: null,
    warnings: [],
    status: '',
    onFile: () => {},
    onCancel: () => {},
    onQuery: () => {},
    onOpen: () => {},
  };
  const root = document.createElement('div');
  document.body.append(root);
  render(<ImportPage {...props} />, root);
  return root;
}

describe('import page: an archive cut off is said to be', () => {
  it.each([
    ['a Telegram HTML export cut mid-way', 'telegram/tdesktop-html-group-vkusvill-olympiad-messages.html', 'messages.html', 100_000],
    ['an IRC log cut mid-line', 'irc/irclog2html-dircproxy-example.log', 'x.log', -5],
  ])('%s: the notice names the conversation and its last post; the row is marked', async (_label, file, name, cut) => {
    const whole = corpusBytes(file);
    const bytes = cut > 0 ? whole.subarray(0, cut) : whole.subarray(0, whole.length + cut);
    const { threads } = await importArchive({ name, bytes }, { parseHtml: linkedomKit.parseHtml });
    const last = threads.at(-1)!;
    const root = await page(file, name, bytes);
    const notice = root.querySelector('[data-testid="import-cut-off"]');
    expect(notice?.textContent).toContain(`this file looks cut off after post ${last.posts.length}`);
    expect(notice?.textContent).toContain(conversationSummary(last, 0).channel);
    const marked = [...root.querySelectorAll('[data-testid="conversation"]')].filter((r) => r.querySelector('[data-testid="conversation-cut-off"]'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toBe([...root.querySelectorAll('[data-testid="conversation"]')].at(-1));
  });

  it('the whole archive shows no such notice', async () => {
    const file = 'irc/irclog2html-dircproxy-example.log';
    const root = await page(file, 'x.log', corpusBytes(file));
    expect(root.querySelector('[data-testid="import-cut-off"]')).toBeNull();
    expect(root.querySelector('[data-testid="conversation-cut-off"]')).toBeNull();
  });
});
