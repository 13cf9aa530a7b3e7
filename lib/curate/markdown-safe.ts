/**
 * Markdown that stays inert in any ordinary Markdown viewer. Markdown passes raw HTML through, and
 * viewers differ in what they sanitise (many do not), so text we write into Markdown files (exports,
 * a release's card and attribution) carries no HTML of its own, no script-capable link and nothing that
 * loads on display. Posts keep their Markdown formatting; only what would become markup is escaped.
 */

const SAFE_SCHEME = /^(?:https?:|mailto:)/i;

/** Text for one inline spot (a title, a name, a table cell): every Markdown and HTML character escaped. */
export function mdInline(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~&]/g, '\\$&').replace(/[\r\n]+/g, ' ');
}

/**
 * A link destination, or null when the URL is not http(s) or mailto (javascript:, data:, relative…).
 * Angle-bracketed, with the characters that could end the destination percent-encoded.
 */
export function mdUrl(url: string): string | null {
  const u = url.trim();
  if (!SAFE_SCHEME.test(u)) return null;
  return `<${u.replace(/[<>\s"'`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>`;
}

/**
 * A block of Markdown (a post, a message) with its formatting kept and its raw HTML, script-capable
 * links and images neutralised: outside code, a `<` that would open a tag, comment or autolink is escaped,
 * images become plain links (nothing loads on display), and a link or link definition whose target is
 * not http(s) or mailto is escaped into text. Code blocks and code spans are left as they are: their
 * content is shown as text by every renderer.
 */
export function mdBlock(markdown: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    if (fence) {
      out.push(line);
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)) fence = null;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (open && !(open[1]![0] === '`' && line.slice(open[0].length).includes('`'))) {
      fence = open[1]!;
      out.push(line);
      continue;
    }
    // An indented code block (four spaces) is code too; a line that merely continues a list item is not
    // distinguishable here, so it is treated as text: escaping there only adds a visible backslash.
    out.push(inlineSafe(line));
  }
  return out.join('\n');
}

function inlineSafe(line: string): string {
  // Link reference definitions: `[x]: javascript:…`.
  const def = /^( {0,3})\[([^\]]*)\]:\s*<?([^\s>]*)/.exec(line);
  if (def && !SAFE_SCHEME.test(def[3]!)) line = `${def[1]}\\[${line.slice(def[1]!.length + 1)}`;
  let out = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '`') {
      // A code span: the same number of backticks closes it; its content stays verbatim.
      const run = /^`+/.exec(line.slice(i))![0];
      const close = line.indexOf(run, i + run.length);
      if (close !== -1 && line[close + run.length] !== '`') {
        out += line.slice(i, close + run.length);
        i = close + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    // Raw HTML (a tag, closing tag, comment, declaration, processing instruction) and autolinks all
    // start with `<` and a letter, `/`, `!` or `?`; a `<` before anything else ("a < b") is already text.
    if (c === '<' && /[A-Za-z/!?]/.test(line[i + 1] ?? '')) {
      out += '&lt;';
      i++;
      continue;
    }
    if (c === '!' && line[i + 1] === '[') {
      out += '\\!';
      i++;
      continue;
    }
    if (c === ']' && line[i + 1] === '(') {
      const target = line.slice(i + 2).trimStart().replace(/^&lt;|^</, '');
      out += SAFE_SCHEME.test(target) ? '](' : ']\\(';
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
