/**
 * DiscordChatExporter HTML exports, rendered at test time the way DCE's Razor templates render them,
 * because no real HTML export is in the corpus. Followed (read in Tyrrrz/DiscordChatExporter, not
 * copied): DiscordChatExporter.Core/Exporting/PreambleTemplate.cshtml (head, preamble entries, the
 * `chatlog` opening), MessageGroupTemplate.cshtml (groups, containers, system notifications, replies,
 * header, content, attachments, embeds, stickers, reactions), PostambleTemplate.cshtml ("Exported N
 * message(s)"), HtmlMarkdownVisitor.cs (mentions, emoji, links, quotes, code), HtmlMessageWriter.cs
 * (which messages share a group; minification), MessageExporter.cs (partition file names),
 * ExportRequest.cs (default file name), ExportContext.cs (dates: .NET "g" in the export's locale, in
 * the machine's local time unless --utc), and the older Writers/Html/MessageGroupTemplate.cshtml for the
 * `chatlog__reference…` reply markup of v2.34–v2.39. The stylesheet is abridged (the theme colours of a
 * few rules); the markup is not.
 *
 * The same export renders as DCE JSON too (`renderDceJson`), so tests can hold the HTML importer to the
 * JSON importer's output.
 */

export interface DceUser {
  id: string;
  name: string;
  /** Server nickname: shown instead of the name, except for bots. */
  nick?: string | null;
  discriminator?: string;
  bot?: boolean;
}

export type DceKind = 'Default' | 'Reply' | 'GuildMemberJoin' | 'ChannelPinnedMessage' | 'ThreadCreated' | 'Call' | 'RecipientAdd';

export interface DceAttachment {
  fileName: string;
  url: string;
  size?: string;
  bytes?: number;
  spoiler?: boolean;
}

export interface DceMessage {
  /** A snowflake (`snowflake()`): its time is the message's time. */
  id: string;
  kind?: DceKind;
  author: DceUser;
  /** As typed in Discord (markdown, `<@id>` mentions); rendered as DCE's markdown visitor would. */
  content?: string;
  edited?: Date;
  pinned?: boolean;
  /** The answered message: looked up in the export, else `outside` (a message older than the export), else deleted. */
  reference?: { messageId: string; outside?: { author: DceUser; content: string } };
  attachments?: DceAttachment[];
  stickers?: { name: string; url: string }[];
  reactions?: { emoji: string; code: string; count: number }[];
  /** A rich embed (a link preview): not the author's words. */
  embeds?: { title: string; url: string; description: string }[];
}

export interface DceExport {
  /** Direct messages: `{ id: '0', name: 'Direct Messages' }`. */
  guild: { id: string; name: string; iconHash?: string | null };
  channel: { id: string; name: string; category: string; topic?: string };
  /** Everyone the messages mention, for `<@id>`. */
  users: DceUser[];
  messages: DceMessage[];
}

export interface DceHtmlOptions {
  theme: 'Dark' | 'Light';
  /** The export's locale: how dates are printed. */
  locale?: 'en-US' | 'de-DE';
  /** The exporting machine's UTC offset in minutes (DCE prints local times unless run with --utc). */
  utcOffsetMinutes?: number;
  /** DCE's --partition N: at most N messages per file. */
  partitionMessages?: number;
  /** DCE ≥ 2.35 minifies its HTML: no whitespace between tags, no quotes around plain attribute values. */
  minify?: boolean;
  /** `reply`: the current templates' class names; `reference`: v2.34–v2.39's. */
  replyMarkup?: 'reply' | 'reference';
  /** Newest first (DCE's reverse order option). */
  reverse?: boolean;
  /** Downloaded media (--media): assets become relative paths beside the export. */
  downloadMedia?: boolean;
  /** Instead of DCE's default "GUILD - CATEGORY - CHANNEL [ID].html". */
  fileName?: string;
}

const DISCORD_EPOCH = 1_420_070_400_000n;

/** A Discord snowflake made at `at` (UTC), `seq` telling apart ids of the same millisecond. */
export function snowflake(at: string | Date, seq = 0): string {
  const ms = BigInt(new Date(at).getTime());
  return (((ms - DISCORD_EPOCH) << 22n) | BigInt(seq)).toString();
}

export function snowflakeDate(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH));
}

const SYSTEM: ReadonlySet<DceKind> = new Set(['GuildMemberJoin', 'ChannelPinnedMessage', 'ThreadCreated', 'Call', 'RecipientAdd']);

/** .NET's WebUtility.HtmlEncode: the five specials, Latin-1 supplement and astral characters as numeric references. */
export function htmlEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&#39;';
    else if ((cp >= 0xa0 && cp <= 0xff) || cp > 0xffff) out += `&#${cp};`;
    else out += ch;
  }
  return out;
}

/** Razor's attribute/text encoding (HtmlEncoder.Default) is stricter, but reads the same after parsing. */
const enc = htmlEncode;

const EMOJI_CODES: Record<string, string> = { '👍': 'thumbsup', '🎉': 'tada', '🎲': 'game_die', '😀': 'grinning' };

function twemoji(ch: string): string {
  return `https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/${[...ch].map((c) => c.codePointAt(0)!.toString(16)).join('-')}.svg`;
}

function displayName(u: DceUser): string {
  return u.bot ? u.name : (u.nick ?? u.name);
}

function fullName(u: DceUser): string {
  return u.discriminator && u.discriminator !== '0000' ? `${u.name}#${u.discriminator}` : u.name;
}

// ---------------------------------------------------------------------------------------------------
// Markdown, as HtmlMarkdownVisitor writes it (the subset the tests type: quotes, bold, italics, inline
// and multi-line code, user mentions, standard and custom emoji, auto and masked links).

interface Ctx {
  users: Map<string, DceUser>;
  opts: Required<Pick<DceHtmlOptions, 'locale' | 'utcOffsetMinutes'>> & DceHtmlOptions;
}

const INLINE =
  /```(?:(\w*)\n)?([\s\S]+?)```|(`{1,2})([^`]+)\3|\*\*([\s\S]+?)\*\*(?!\*)|\*(?!\s)([\s\S]+?)(?<!\s|\*)\*(?!\*)|<@!?(\d+)>|<(a)?:(.+?):(\d+?)>|\[(.+?)\]\((.+?)\)|(https?:\/\/\S*[^.,:;"'\s])|(\p{Extended_Pictographic})/u;

function emojiImg(alt: string, title: string, src: string, jumbo: boolean): string {
  // The visitor's raw string literal keeps its line breaks between attributes.
  return `<img\n    loading="lazy"\n    class="chatlog__emoji ${jumbo ? 'chatlog__emoji--large' : ''}"\n    alt="${alt}"\n    title="${title}"\n    src="${src}">`;
}

function inline(s: string, ctx: Ctx, jumbo: boolean): string {
  let out = '';
  let rest = s;
  for (;;) {
    const m = INLINE.exec(rest);
    if (!m) return out + enc(rest);
    out += enc(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
    if (m[2] !== undefined) out += `<code class="chatlog__markdown-pre chatlog__markdown-pre--multiline ${m[1] ? `language-${m[1]}` : 'nohighlight'}">${enc(m[2].replace(/^[\r\n]+|[\r\n]+$/g, ''))}</code>`;
    else if (m[4] !== undefined) out += `<code class="chatlog__markdown-pre chatlog__markdown-pre--inline">${enc(m[4])}</code>`;
    else if (m[5] !== undefined) out += `<strong>${inline(m[5], ctx, false)}</strong>`;
    else if (m[6] !== undefined) out += `<em>${inline(m[6], ctx, false)}</em>`;
    else if (m[7] !== undefined) {
      const u = ctx.users.get(m[7]);
      out += `<span class="chatlog__markdown-mention" title="${enc(u ? fullName(u) : 'Unknown')}">@${enc(u ? (u.nick ?? u.name) : 'Unknown')}</span>`;
    } else if (m[9] !== undefined) {
      out += emojiImg(m[9], `:${m[9]}:`, `https://cdn.discordapp.com/emojis/${m[10]}.${m[8] ? 'gif' : 'png'}`, jumbo);
    } else if (m[11] !== undefined) out += `<a href="${enc(m[12]!)}">${inline(m[11], ctx, false)}</a>`;
    else if (m[13] !== undefined) out += `<a href="${enc(m[13])}">${enc(m[13])}</a>`;
    else if (m[14] !== undefined) out += emojiImg(m[14], `:${EMOJI_CODES[m[14]] ?? 'emoji'}:`, twemoji(m[14]), jumbo);
  }
}

/** A message body as DCE renders it: quote lines (`> `) become quote blocks that keep their line breaks. */
export function renderMarkdown(content: string, ctx: Ctx, allowJumbo = true): string {
  const jumbo = allowJumbo && /^(?:\s|\p{Extended_Pictographic}|<a?:.+?:\d+>)+$/u.test(content);
  const lines = content.split(/(?<=\n)/);
  let out = '';
  for (let i = 0; i < lines.length; ) {
    if (/^> /.test(lines[i]!)) {
      let j = i;
      let inner = '';
      while (j < lines.length && /^> /.test(lines[j]!)) inner += inline(lines[j++]!.slice(2), ctx, false);
      out += `<div class="chatlog__markdown-quote"><div class="chatlog__markdown-quote-border"></div><div class="chatlog__markdown-quote-content">${inner}</div></div>`;
      i = j;
    } else {
      let j = i;
      let plain = '';
      while (j < lines.length && !/^> /.test(lines[j]!)) plain += lines[j++]!;
      out += inline(plain, ctx, jumbo);
      i = j;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Dates: ExportContext.FormatDate (.NET "g") and the short "t" beside grouped messages.

function local(d: Date, ctx: Ctx): Date {
  return new Date(d.getTime() + ctx.opts.utcOffsetMinutes * 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

function timeOfDay(l: Date, locale: string): string {
  if (locale === 'de-DE') return `${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())}`;
  const h = l.getUTCHours();
  return `${h % 12 || 12}:${pad(l.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

export function formatDate(d: Date, ctx: Ctx): string {
  const l = local(d, ctx);
  if (ctx.opts.locale === 'de-DE') return `${pad(l.getUTCDate())}.${pad(l.getUTCMonth() + 1)}.${l.getUTCFullYear()} ${timeOfDay(l, 'de-DE')}`;
  return `${l.getUTCMonth() + 1}/${l.getUTCDate()}/${l.getUTCFullYear()} ${timeOfDay(l, 'en-US')}`;
}

function formatCount(n: number, locale: string): string {
  return n.toLocaleString(locale === 'de-DE' ? 'de-DE' : 'en-US');
}

// ---------------------------------------------------------------------------------------------------
// Templates.

function themed(theme: DceHtmlOptions['theme'], dark: string, light: string): string {
  return theme === 'Dark' ? dark : light;
}

function asset(url: string, ctx: Ctx): string {
  if (!ctx.opts.downloadMedia) return url;
  const name = url.split('/').pop()!.split('?')[0]!;
  return `export.html_Files/${name.replace(/(\.\w+)$/, '-5F3A1B$1')}`;
}

function preamble(exp: DceExport, ctx: Ctx): string {
  const t = ctx.opts.theme;
  const fonts = [400, 500, 600, 700, 800]
    .map((w) => `        @font-face {\n            src: url("${asset(`https://cdn.jsdelivr.net/gh/Tyrrrz/DiscordFonts@master/ggsans-normal-${w}.woff2`, ctx)}");\n            font-family: gg sans;\n            font-weight: ${w};\n            font-style: normal;\n        }\n`)
    .join('\n');
  const icon =
    exp.guild.iconHash && exp.guild.id !== '0' ? `https://cdn.discordapp.com/icons/${exp.guild.id}/${exp.guild.iconHash}.png` : 'https://cdn.discordapp.com/embed/avatars/0.png';
  return `<!DOCTYPE html>
<html lang="en">

<head>
    <title>${enc(exp.guild.name)} - ${enc(exp.channel.name)}</title>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width">

    <style>
${fonts}
        html, body {
            margin: 0;
            padding: 0;
            background-color: ${themed(t, '#36393e', '#ffffff')};
            color: ${themed(t, '#dcddde', '#23262a')};
            font-family: "gg sans", "Helvetica Neue", Helvetica, Arial, sans-serif;
            font-size: 17px;
            font-weight: ${themed(t, '400', '500')};
            scroll-behavior: smooth;
        }

        .preamble {
            display: grid;
            grid-template-columns: auto 1fr;
            max-width: 100%;
            padding: 1rem;
        }

        .preamble__entry {
            margin-bottom: 0.15rem;
            color: ${themed(t, '#ffffff', '#2f3136')};
            font-size: 1.4rem;
        }

        .preamble__entry--small {
            font-size: 1rem;
        }

        .chatlog {
            padding: 1rem 0;
            width: 100%;
            border-top: 1px solid ${themed(t, 'rgba(255, 255, 255, 0.1)', '#eceeef')};
            border-bottom: 1px solid ${themed(t, 'rgba(255, 255, 255, 0.1)', '#eceeef')};
        }

        .chatlog__message-group {
            margin-bottom: 1rem;
        }

        .chatlog__message-container--pinned {
            background-color: ${themed(t, 'rgba(249, 168, 37, 0.05)', 'rgba(249, 168, 37, 0.05)')};
        }

        .chatlog__author {
            font-weight: ${themed(t, '500', '600')};
            color: ${themed(t, '#ffffff', '#2f3136')};
        }

        .chatlog__timestamp {
            margin-left: 0.3rem;
            color: ${themed(t, '#a3a6aa', '#5e6772')};
            font-size: 0.75rem;
        }

        .chatlog__markdown-preserve {
            white-space: pre-wrap;
        }

        .chatlog__markdown-mention {
            border-radius: 3px;
            padding: 0 2px;
            background-color: ${themed(t, 'rgba(88, 101, 242, .3)', 'rgba(88, 101, 242, .15)')};
            color: ${themed(t, '#dee0fc', '#505cdc')};
        }

        .postamble {
            padding: 1.25rem;
        }

        .postamble__entry {
            color: ${themed(t, '#ffffff', '#2f3136')};
        }
    </style>

    <link rel="stylesheet" href="${asset(`https://cdnjs.cloudflare.com/ajax/libs/highlight.js/9.15.6/styles/solarized-${t.toLowerCase()}.min.css`, ctx)}">
    <script src="${asset('https://cdnjs.cloudflare.com/ajax/libs/highlight.js/9.15.6/highlight.min.js', ctx)}"></script>
    <script>
        document.addEventListener('DOMContentLoaded', () => {
            document.querySelectorAll('.chatlog__markdown-pre--multiline').forEach(e => hljs.highlightBlock(e));
        });
    </script>

    <script src="${asset('https://cdnjs.cloudflare.com/ajax/libs/lottie-web/5.8.1/lottie.min.js', ctx)}"></script>

    <script>
        function scrollToMessage(event, id) {
            const element = document.getElementById('chatlog__message-container-' + id);
            if (!element)
                return;

            event.preventDefault();
            element.classList.add('chatlog__message-container--highlighted');
        }

        function showSpoiler(event, element) {
            if (element && element.classList.contains('chatlog__attachment--hidden')) {
                event.preventDefault();
                element.classList.remove('chatlog__attachment--hidden');
            }
        }
    </script>

    <svg style="display: none" xmlns="http://www.w3.org/2000/svg">
        <defs>
            <symbol id="attachment-icon" viewBox="0 0 720 960">
                <path fill="#f4f5fb" d="M50,935a25,25,0,0,1-25-25V50A25,25,0,0,1,50,25H519.6L695,201.32V910a25,25,0,0,1-25,25Z" />
            </symbol>
            <symbol id="join-icon" viewBox="0 0 18 18">
                <path fill="#3ba55c" d="m0 8h14.2l-3.6-3.6 1.4-1.4 6 6-6 6-1.4-1.4 3.6-3.6h-14.2" />
            </symbol>
            <symbol id="pin-icon" viewBox="0 0 18 18">
                <path fill="#b9bbbe" d="m16.908 8.39684-8.29587-8.295827-1.18584 1.184157 1.18584 1.18584-4.14834 4.1475z" />
            </symbol>
        </defs>
    </svg>
</head>
<body>

<div class="preamble">
    <div class="preamble__guild-icon-container">
        <img class="preamble__guild-icon" src="${asset(icon, ctx)}" alt="Guild icon" loading="lazy">
    </div>
    <div class="preamble__entries-container">
        <div class="preamble__entry">${enc(exp.guild.name)}</div>
        <div class="preamble__entry">${enc(exp.channel.category)} / ${enc(exp.channel.name)}</div>
${exp.channel.topic ? `\n        <div class="preamble__entry preamble__entry--small">${renderMarkdown(exp.channel.topic, ctx)}</div>\n` : ''}    </div>
</div>

<!--wmm:ignore-->
<div class="chatlog">
<!--/wmm:ignore-->
`;
}

function postamble(count: number, ctx: Ctx): string {
  return `<!--wmm:ignore-->
</div>
<!--/wmm:ignore-->

<div class="postamble">
    <div class="postamble__entry">Exported ${formatCount(count, ctx.opts.locale)} message(s)</div>
</div>

</body>

</html>
`;
}

function colorStyle(): string {
  return ''; // no role colours in these exports: Razor drops an attribute whose value is null
}

function systemNotification(m: DceMessage, ctx: Ctx): string {
  const icon = { GuildMemberJoin: 'join-icon', RecipientAdd: 'join-icon', Call: 'call-icon', ChannelPinnedMessage: 'pin-icon', ThreadCreated: 'thread-icon' }[m.kind as string] ?? 'pencil-icon';
  let content: string;
  if (m.kind === 'ChannelPinnedMessage' && m.reference) {
    content = `<span>pinned </span>\n                            <a class="chatlog__system-notification-link" href="#chatlog__message-container-${m.reference.messageId}">a message</a>\n                            <span> to this channel.</span>`;
  } else if (m.kind === 'ThreadCreated') content = '<span>started a thread.</span>';
  else if (m.kind === 'GuildMemberJoin') content = '<span>joined the server.</span>';
  else content = `<span>${enc((m.content ?? '').toLowerCase())}</span>`;
  return `                <div class="chatlog__message-aside">
                    <svg class="chatlog__system-notification-icon">
                        <use href="#${icon}"></use>
                    </svg>
                </div>

                <div class="chatlog__message-primary">
                    <span class="chatlog__system-notification-author"${colorStyle()} title="${enc(fullName(m.author))}" data-user-id="${m.author.id}">${enc(displayName(m.author))}</span>

                    <span> </span>

                    <span class="chatlog__system-notification-content">
                        ${content}
                    </span>

                    <span class="chatlog__system-notification-timestamp">
                        <a href="#chatlog__message-container-${m.id}">${formatDate(snowflakeDate(m.id), ctx)}</a>
                    </span>
                </div>
`;
}

function replyBlock(m: DceMessage, byId: Map<string, DceMessage>, ctx: Ctx): string {
  const r = ctx.opts.replyMarkup === 'reference' ? 'reference' : 'reply';
  const ref = m.reference!;
  const target = byId.get(ref.messageId) ?? (ref.outside ? { id: ref.messageId, author: ref.outside.author, content: ref.outside.content, attachments: [] } : null);
  if (!target) {
    return `                        <div class="chatlog__${r}">
                            <div class="chatlog__${r}-unknown">
                                Original message was deleted or could not be loaded.
                            </div>
                        </div>
`;
  }
  const body = target.content?.trim()
    ? `<!--wmm:ignore-->${renderMarkdown(target.content, ctx, false)}<!--/wmm:ignore-->`
    : target.attachments?.length
      ? '<em>Click to see attachment</em>\n                                        <span>🖼️</span>'
      : '<em>Click to see original message</em>';
  return `                        <div class="chatlog__${r}">
                            <img class="chatlog__${r}-avatar" src="${asset(`https://cdn.discordapp.com/embed/avatars/${Number(BigInt(target.author.id) % 5n)}.png`, ctx)}" alt="Avatar" loading="lazy">
                            <div class="chatlog__${r}-author"${colorStyle()} title="${enc(fullName(target.author))}">${enc(displayName(target.author))}</div>
                            <div class="chatlog__${r}-content">
                                <span class="chatlog__${r}-link" onclick="scrollToMessage(event, '${target.id}')">
                                    ${body}
                                </span>
                            </div>
                        </div>
`;
}

function attachmentBlock(a: DceAttachment, ctx: Ctx): string {
  const url = asset(a.url, ctx);
  const size = a.size ?? '12.34 KB';
  const ext = (a.fileName.split('.').pop() ?? '').toLowerCase();
  let preview: string;
  if (['png', 'jpg', 'jpeg', 'gif', 'webp'].includes(ext)) {
    preview = `<a href="${enc(url)}">
                                <img class="chatlog__attachment-media" src="${enc(url)}" alt="Image attachment" title="Image: ${enc(a.fileName)} (${size})" loading="lazy">
                            </a>`;
  } else if (['mp4', 'webm', 'mov'].includes(ext)) {
    preview = `<video class="chatlog__attachment-media" controls>
                                <source src="${enc(url)}" alt="Video attachment" title="Video: ${enc(a.fileName)} (${size})">
                            </video>`;
  } else if (['mp3', 'ogg', 'wav'].includes(ext)) {
    preview = `<audio class="chatlog__attachment-media" controls>
                                <source src="${enc(url)}" alt="Audio attachment" title="Audio: ${enc(a.fileName)} (${size})">
                            </audio>`;
  } else {
    preview = `<div class="chatlog__attachment-generic">
                                <svg class="chatlog__attachment-generic-icon">
                                    <use href="#attachment-icon"/>
                                </svg>
                                <div class="chatlog__attachment-generic-name">
                                    <a href="${enc(url)}">
                                        ${enc(a.fileName)}
                                    </a>
                                </div>
                                <div class="chatlog__attachment-generic-size">
                                    ${size}
                                </div>
                            </div>`;
  }
  return `                    <div class="chatlog__attachment${a.spoiler ? ' chatlog__attachment--hidden' : ''}"${a.spoiler ? ' onclick="showSpoiler(event, this)"' : ''}>
${a.spoiler ? '                        <div class="chatlog__attachment-spoiler-caption">SPOILER</div>\n' : ''}                        ${preview}
                    </div>
`;
}

function embedBlock(e: NonNullable<DceMessage['embeds']>[number], ctx: Ctx): string {
  return `                    <div class="chatlog__embed">
                        <div class="chatlog__embed-color-pill chatlog__embed-color-pill--default"></div>
                        <div class="chatlog__embed-content-container">
                            <div class="chatlog__embed-content">
                                <div class="chatlog__embed-text">
                                    <div class="chatlog__embed-title">
                                        <a class="chatlog__embed-title-link" href="${enc(e.url)}">
                                            <div class="chatlog__markdown chatlog__markdown-preserve"><!--wmm:ignore-->${renderMarkdown(e.title, ctx, false)}<!--/wmm:ignore--></div>
                                        </a>
                                    </div>
                                    <div class="chatlog__embed-description">
                                        <div class="chatlog__markdown chatlog__markdown-preserve"><!--wmm:ignore-->${renderMarkdown(e.description, ctx, false)}<!--/wmm:ignore--></div>
                                    </div>
                                </div>
                            </div>
                        </div>
                    </div>
`;
}

function regularMessage(m: DceMessage, isFirst: boolean, byId: Map<string, DceMessage>, ctx: Ctx): string {
  const r = ctx.opts.replyMarkup === 'reference' ? 'reference' : 'reply';
  const when = snowflakeDate(m.id);
  let aside: string;
  if (isFirst) {
    aside = `${m.reference ? `                    <div class="chatlog__${r}-symbol"></div>\n` : ''}                    <img class="chatlog__avatar" src="${asset(`https://cdn.discordapp.com/avatars/${m.author.id}/0a1b2c.png?size=512`, ctx)}" alt="Avatar" loading="lazy">\n`;
  } else {
    aside = `                    <div class="chatlog__short-timestamp" title="${formatDate(when, ctx)}">${timeOfDay(local(when, ctx), ctx.opts.locale)}</div>\n`;
  }
  let primary = '';
  if (isFirst) {
    if (m.reference) primary += replyBlock(m, byId, ctx);
    const tag = m.author.bot ? (r === 'reference' ? '\n                        <span class="chatlog__bot-label">BOT</span>\n' : '\n                        <span class="chatlog__author-tag">BOT</span>\n') : '';
    primary += `                    <div class="chatlog__header">
                        <span class="chatlog__author"${colorStyle()} title="${enc(fullName(m.author))}" data-user-id="${m.author.id}">${enc(displayName(m.author))}</span>
${tag}
                        <span class="chatlog__timestamp"><a href="#chatlog__message-container-${m.id}">${formatDate(when, ctx)}</a></span>
                    </div>
`;
  }
  if (m.content?.trim() || m.edited) {
    primary += `                    <div class="chatlog__content chatlog__markdown">
${m.content?.trim() ? `                        <span class="chatlog__markdown-preserve"><!--wmm:ignore-->${renderMarkdown(m.content, ctx)}<!--/wmm:ignore--></span>\n` : ''}${m.edited ? `                        <span class="chatlog__edited-timestamp" title="${formatDate(m.edited, ctx)}">(edited)</span>\n` : ''}                    </div>
`;
  }
  for (const a of m.attachments ?? []) primary += attachmentBlock(a, ctx);
  for (const e of m.embeds ?? []) primary += embedBlock(e, ctx);
  for (const s of m.stickers ?? []) {
    primary += `                    <div class="chatlog__sticker" title="${enc(s.name)}">
                        <img class="chatlog__sticker--media" src="${asset(s.url, ctx)}" alt="Sticker">
                    </div>
`;
  }
  if (m.reactions?.length) {
    primary += `                    <div class="chatlog__reactions">
${m.reactions
  .map(
    (x) => `                        <div class="chatlog__reaction" title="${enc(x.code)}">
                            <img class="chatlog__emoji chatlog__emoji--small" alt="${x.emoji}" src="${asset(twemoji(x.emoji), ctx)}" loading="lazy">
                            <span class="chatlog__reaction-count">${x.count}</span>
                        </div>
`,
  )
  .join('')}                    </div>
`;
  }
  return `                <div class="chatlog__message-aside">
${aside}                </div>

                <div class="chatlog__message-primary">
${primary}                </div>
`;
}

function messageGroup(group: DceMessage[], byId: Map<string, DceMessage>, ctx: Ctx): string {
  let out = '<div class="chatlog__message-group">\n';
  group.forEach((m, i) => {
    out += `    <div id="chatlog__message-container-${m.id}" class="chatlog__message-container ${m.pinned ? 'chatlog__message-container--pinned' : ''}" data-message-id="${m.id}">
        <div class="chatlog__message">
${SYSTEM.has(m.kind ?? 'Default') ? systemNotification(m, ctx) : regularMessage(m, i === 0, byId, ctx)}        </div>
    </div>
`;
  });
  return out + '</div>\n';
}

const isReplyLike = (m: DceMessage) => m.kind === 'Reply' || (!!m.reference && !SYSTEM.has(m.kind ?? 'Default'));
const isSystem = (m: DceMessage) => SYSTEM.has(m.kind ?? 'Default');

/** HtmlMessageWriter.CanJoinGroup. */
function canJoin(group: DceMessage[], m: DceMessage, reverse: boolean): boolean {
  const last = group[group.length - 1];
  if (!last) return true;
  if (isReplyLike(m)) return false;
  if (reverse && isReplyLike(group[0]!)) return false;
  if (isSystem(m)) return isSystem(last);
  if (isSystem(last)) return false;
  if (Math.abs(snowflakeDate(m.id).getTime() - snowflakeDate(last.id).getTime()) > 7 * 60_000) return false;
  return m.author.id === last.author.id && fullName(m.author) === fullName(last.author);
}

/** WebMarkupMin's effect on DCE's pages, roughly: whitespace between tags gone, plain attribute values unquoted; ignored blocks kept. */
function minify(html: string): string {
  return html
    .split(/(<!--wmm:ignore-->[\s\S]*?<!--\/wmm:ignore-->)/)
    .map((part) =>
      part.startsWith('<!--wmm:ignore-->')
        ? part.slice('<!--wmm:ignore-->'.length, -'<!--/wmm:ignore-->'.length)
        : part
            .replace(/>\s+</g, '><')
            .replace(/\s{2,}/g, ' ')
            .replace(/<[a-z][^<>]*>/g, (tag) => tag.replace(/(\s[\w-]+)="([^\s"'=<>`]+)"(?!\/)/g, '$1=$2')),
    )
    .join('');
}

export function defaultFileName(exp: DceExport): string {
  return `${exp.guild.name} - ${exp.channel.category} - ${exp.channel.name} [${exp.channel.id}].html`;
}

/** The export's files, as DCE writes them: the first under the plain name, then "… [part N].html". */
export function renderDceHtml(exp: DceExport, options: DceHtmlOptions): { name: string; html: string }[] {
  const ctx: Ctx = { users: new Map(exp.users.map((u) => [u.id, u])), opts: { locale: 'en-US', utcOffsetMinutes: 0, ...options } };
  const byId = new Map(exp.messages.map((m) => [m.id, m]));
  const messages = options.reverse ? exp.messages.slice().reverse() : exp.messages;
  const base = options.fileName ?? defaultFileName(exp);
  const files: { name: string; html: string }[] = [];
  let html = '';
  let written = 0;
  let group: DceMessage[] = [];
  const open = () => {
    const n = files.length + 1;
    html = preamble(exp, ctx);
    written = 0;
    files.push({ name: n === 1 ? base : base.replace(/(\.html)$/, ` [part ${n}]$1`), html: '' });
  };
  const close = () => {
    if (group.length) html += messageGroup(group, byId, ctx);
    group = [];
    html += postamble(written, ctx);
    files[files.length - 1]!.html = options.minify ? minify(html) : html;
  };
  open();
  for (const m of messages) {
    if (options.partitionMessages && written >= options.partitionMessages) {
      close();
      open();
    }
    written++;
    if (canJoin(group, m, !!options.reverse)) group.push(m);
    else {
      html += messageGroup(group, byId, ctx);
      group = [m];
    }
  }
  close();
  return files;
}

/** The same export as DCE's JSON format (the fields Gleaner's JSON importer reads, and their neighbours). */
export function renderDceJson(exp: DceExport, utcOffsetMinutes = 0): string {
  const stamp = (d: Date) => {
    const l = new Date(d.getTime() + utcOffsetMinutes * 60_000).toISOString().replace('Z', '');
    const sign = utcOffsetMinutes < 0 ? '-' : '+';
    const off = Math.abs(utcOffsetMinutes);
    return `${l}${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
  };
  const users = new Map(exp.users.map((u) => [u.id, u]));
  const user = (u: DceUser) => ({ id: u.id, name: u.name, discriminator: u.discriminator ?? '0000', nickname: u.bot ? u.name : (u.nick ?? u.name), color: null, isBot: !!u.bot, roles: [], avatarUrl: `https://cdn.discordapp.com/avatars/${u.id}/0a1b2c.png?size=512` });
  return JSON.stringify(
    {
      guild: { id: exp.guild.id, name: exp.guild.name, iconUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' },
      channel: { id: exp.channel.id, type: 'GuildTextChat', categoryId: '0', category: exp.channel.category, name: exp.channel.name, topic: exp.channel.topic ?? null },
      dateRange: { after: null, before: null },
      exportedAt: stamp(new Date('2024-01-01T00:00:00Z')),
      messages: exp.messages.map((m) => ({
        id: m.id,
        type: m.kind ?? (m.reference ? 'Reply' : 'Default'),
        timestamp: stamp(snowflakeDate(m.id)),
        timestampEdited: m.edited ? stamp(m.edited) : null,
        callEndedTimestamp: null,
        isPinned: !!m.pinned,
        content: m.content ?? '',
        author: user(m.author),
        attachments: (m.attachments ?? []).map((a, i) => ({ id: snowflake(snowflakeDate(m.id), i + 1), url: a.url, fileName: a.fileName, fileSizeBytes: a.bytes ?? 12636 })),
        embeds: (m.embeds ?? []).map((e) => ({ title: e.title, url: e.url, timestamp: null, description: e.description, color: null, thumbnail: null, images: [], fields: [] })),
        stickers: (m.stickers ?? []).map((s) => ({ id: '1', name: s.name, format: 'Png', sourceUrl: s.url })),
        reactions: (m.reactions ?? []).map((r) => ({ emoji: { id: '', name: r.emoji, code: r.code.replace(/:/g, ''), isAnimated: false, imageUrl: twemoji(r.emoji) }, count: r.count, users: [] })),
        mentions: [...(m.content ?? '').matchAll(/<@!?(\d+)>/g)].map((x) => users.get(x[1]!)).filter((u): u is DceUser => !!u).map(user),
        ...(m.reference ? { reference: { messageId: m.reference.messageId, channelId: exp.channel.id, guildId: exp.guild.id } } : {}),
      })),
      messageCount: exp.messages.length,
    },
    null,
    2,
  );
}
