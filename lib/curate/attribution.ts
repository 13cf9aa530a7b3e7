import type { Source } from '../model/entry.ts';

/**
 * TASL attribution (title, author, source, licence), one line per source post, plus "modified" when the
 * contributor edited the words. Every author is named and linked, as CC BY-SA §3 and Stack Exchange ask.
 */
export function attributionText(sources: Source[], modified: boolean): string {
  const lines = sources.map((s) => {
    const author = s.author.url ? `${s.author.name} (${s.author.url})` : s.author.name;
    const licence = s.license ? `licensed ${s.license}` : 'used with the permission recorded in this entry\'s consent';
    return `"${s.title}" by ${author}, ${s.url}, ${licence}`;
  });
  const unique = [...new Set(lines)];
  return `${unique.join('\n')}${modified ? '\nModified: text edited and condensed for this entry.' : ''}`;
}
