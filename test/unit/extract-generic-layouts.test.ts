import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../lib/extract/index.ts';
import { extractText } from '../support/extract.ts';

/**
 * Layouts the generic reader must read by structure alone, each built here in the shape the corpus
 * pages show it (names and words invented): header and message in sibling rows, names followed by
 * their verb as plain text, posts named by an attribute beside a user panel, message frames written as
 * blockquotes, posts wrapped in forms, comments under answers, tool labels on every post.
 */

const URL = 'https://forum.example.org/thread/1';

function read(html: string) {
  try {
    return extractText(`<!doctype html><html><head><title>T</title></head><body>${html}</body></html>`, URL, { reader: 'generic' });
  } catch (e) {
    if (e instanceof ExtractError) return null;
    throw e;
  }
}

const WORDS = [
  'I tried the second filter last winter and the pressure dropped within a week of fitting it.',
  'Same here, although my unit needed a new gasket before the readings settled down again.',
  'Thanks both, I will order the gasket first and report back once the pump has run a while.',
  'Worth checking the inlet screen too, mine was half blocked with sand after the spring floods.',
];
const NAMES = ['Ostwind', 'marlies_k', 'Pumpwerk77', 'G. Harrow'];

describe('generic reader: layouts read by structure', () => {
  it('pairs a name-and-date row with the message row after it (old table layouts)', () => {
    const rows = NAMES.map(
      (n, i) =>
        `<tr><td rowspan="2"><a href="/profile.php?id=${i + 10}">${n}</a></td><td>Posted 0${i + 1}.03.2019, 10:1${i}</td></tr>` +
        `<tr><td>${WORDS[i]}</td></tr>`,
    );
    const t = read(`<table>${rows.join('')}</table>`);
    expect(t?.posts.map((p) => p.author.name)).toEqual(NAMES);
    expect(t?.posts.map((p) => p.text)).toEqual(WORDS);
  });

  it('reads a name followed by its verb as plain text, and the words written straight into the block', () => {
    const items = NAMES.map(
      (n, i) => `<div class="item"><div class="num">${i + 1}</div><strong>${n}</strong> Says:<br><time datetime="2005-06-2${i}T10:00:00Z">Jun 2${i}</time><br>${WORDS[i]}</div>`,
    );
    const t = read(`<div>${items.join('')}</div>`);
    expect(t?.posts.map((p) => p.author.name)).toEqual(NAMES);
    expect(t?.posts.map((p) => p.text)).toEqual(WORDS);
    expect(t?.posts[0]!.publishedAt).toBe('2005-06-20T10:00:00Z');
  });

  it('takes a post named by its data-author from the message, not from the user panel beside it', () => {
    const items = NAMES.map(
      (n, i) =>
        `<article class="message" data-author="${n}" id="js-post-${100 + i}">` +
        `<section class="message-user"><span class="username">${n}</span><span>Member since 2014 · 2,345 messages</span></section>` +
        `<div class="message-main"><time datetime="2019-03-0${i + 1}T18:07:20+0100">0${i + 1}.03.2019</time>` +
        `<div class="message-content"><article class="message-body js-selectToQuote"><div class="bbWrapper">${WORDS[i]}</div></article></div></div></article>`,
    );
    const t = read(`<div class="block">${items.join('')}</div>`);
    expect(t?.posts.map((p) => p.author.name)).toEqual(NAMES);
    expect(t?.posts.map((p) => p.text)).toEqual(WORDS);
  });

  it('reads a message framed in a blockquote, leaving the quotes inside it out', () => {
    const items = NAMES.map(
      (n, i) =>
        `<li class="message" id="post-${200 + i}"><a href="/members/${n.replace(/\W/g, '')}.${i}/" class="username">${n}</a>` +
        `<blockquote class="messageText">${i ? `<div class="bbCodeQuote"><div class="attribution">${NAMES[i - 1]} said:</div><blockquote class="quoteContainer">${WORDS[i - 1]}</blockquote></div>` : ''}${WORDS[i]}</blockquote>` +
        `<a href="/posts/${200 + i}/" class="datePermalink"><span class="DateTime" title="May 15, 2018 at 2:4${i} PM">May 15, 2018</span></a></li>`,
    );
    const t = read(`<ol>${items.join('')}</ol>`);
    expect(t?.posts.map((p) => p.text)).toEqual(WORDS);
    expect(t?.posts.slice(1).map((p) => p.quotes.length)).toEqual([1, 1, 1]);
  });

  it('reads posts each wrapped in a form (like buttons), which is no reply box', () => {
    const items = NAMES.map(
      (n, i) =>
        `<div class="response"><form><div class="header"><a href="/user/${i}${n.length}">${n}</a><time datetime="2019-11-15T14:5${i}:34">2 days ago</time></div>` +
        `<div class="text"><p>${WORDS[i]}</p></div><button type="button">Like</button></form></div>`,
    );
    const t = read(`<div>${items.join('')}</div>`);
    expect(t?.posts.map((p) => p.text)).toEqual(WORDS);
    expect(t?.posts.map((p) => p.publishedAt)).toEqual(NAMES.map((_, i) => `2019-11-15T14:5${i}:34`));
  });

  it('reads answers as the thread and the comments under them as replies, each with its own words', () => {
    const comment = (n: string, i: number, w: string) =>
      `<li class="comment" id="comment-${300 + i}"><span class="comment-copy">${w}</span> – <a class="comment-user" href="/users/${400 + i}/x">${n}</a> <span class="relativetime" title="2014-02-07 10:5${i}:03Z">Feb 7, 2014</span></li>`;
    const post = (n: string, i: number, comments: string) =>
      `<div class="answer" itemtype="https://schema.org/Answer" itemscope id="answer-${500 + i}"><div class="post-text"><p>${WORDS[i]}</p></div>` +
      `<div class="user-details"><a href="/users/${600 + i}/y">${n}</a> answered <span class="relativetime" title="2014-02-0${i + 1} 09:00:00Z">Feb ${i + 1}</span></div>` +
      `<ul class="comments">${comments}</ul></div>`;
    const extra = ['A second comment under the first answer, with a few more words to it.', 'And one more comment, longer than the answers themselves put together.'];
    const html = post(NAMES[0]!, 0, comment(NAMES[2]!, 0, extra[0]!) + comment(NAMES[3]!, 1, extra[1]!) + comment(NAMES[1]!, 2, extra[1]! + ' Really.')) +
      post(NAMES[1]!, 1, comment(NAMES[0]!, 3, extra[0]! + ' Indeed.') + comment(NAMES[3]!, 4, extra[1]! + ' Twice.'));
    const t = read(`<div id="answers">${html}</div>`);
    expect(t?.posts.map((p) => p.author.name)).toEqual([NAMES[0], NAMES[2], NAMES[3], NAMES[1], NAMES[1], NAMES[0], NAMES[3]]);
    expect(t?.posts[0]!.text).toBe(WORDS[0]);
    expect(t?.posts[4]!.text).toBe(WORDS[1]);
  });

  it('takes a label every post shows in a profile-link slot ("Post History") for a tool, not the author', () => {
    const items = [...NAMES, ...NAMES.slice(0, 2)].map(
      (n, i) =>
        `<table class="post" id="post${700 + i}"><tr><td class="userinfo"><dl><dt class="author">${n}</dt><dd>Member</dd></dl></td><td class="postbody">${WORDS[i % 4]}</td></tr>` +
        `<tr><td class="postdate">Sep 2${i}, 2012 11:47</td><td><ul><li><a href="/member.php?action=getinfo&userid=${800 + i}">Post History</a></li></ul></td></tr></table>`,
    );
    const t = read(`<div>${items.join('')}</div>`);
    expect(t?.posts.map((p) => p.author.name)).toEqual([...NAMES, ...NAMES.slice(0, 2)]);
  });

  it('leaves out a quote box that has no quote markup, only its "Originally Posted by" line', () => {
    const items = NAMES.map(
      (n, i) =>
        `<div id="post${1000 + i}"><a class="bigusername" href="/member.php?u=${i + 5}">${n}</a> <span>Apr 11, 2020, 1:0${i} PM</span><div id="post_message_${1000 + i}">` +
        (i ? `<div style="margin:20px"><div class="smallfont">Quote:</div><table><tr><td class="alt2"><div>Originally Posted by <strong>${NAMES[i - 1]}</strong></div><div>${WORDS[i - 1]}</div></td></tr></table></div>` : '') +
        `${WORDS[i]}</div></div>`,
    );
    const t = read(`<div id="posts">${items.join('')}</div>`);
    expect(t?.posts.map((p) => p.text)).toEqual(WORDS);
    expect(t?.posts.map((p) => p.quotes.length)).toEqual([0, 1, 1, 1]);
  });

  it('never takes a user panel of "Label:" pairs for a short post', () => {
    const short = ['Aldo, and it is not even close.', 'Undisputed and untainted, the best.', 'Jones, easily, whatever the rest say.', 'Too early to say, ask me next year.'];
    const items = NAMES.map(
      (n, i) =>
        `<li class="message" id="post-${1100 + i}" data-author="${n}"><div class="userinfo"><a class="username" href="/members/${i}/">${n}</a>` +
        `<dl><dt>Joined:</dt><dd>Jul 12, 2018</dd><dt>Messages:</dt><dd>2,445</dd><dt>Likes Received:</dt><dd>10</dd><dt>Location:</dt><dd>Somewhere far away</dd></dl></div>` +
        `<div class="messageInfo"><div class="text">${short[i]}</div><a href="/posts/${1100 + i}/"><span title="Feb 23, 2019 at 11:2${i} AM">Feb 23, 2019</span></a></div></li>`,
    );
    const t = read(`<ol>${items.join('')}</ol>`);
    expect(t?.posts.map((p) => p.text)).toEqual(short);
  });

  it('reads the opening post built from another template than the replies, by its body like theirs', () => {
    const opening =
      `<div class="Discussion"><h1>Pump pressure</h1><div class="DiscussionMeta"><span class="Author"><a href="/profile/${NAMES[3]}">${NAMES[3]}</a></span>` +
      `<time datetime="2019-05-01T08:00:00+00:00">May 1</time></div><div class="Message userContent">${WORDS[3]}</div></div>`;
    const replies = NAMES.slice(0, 3).map(
      (n, i) =>
        `<li class="ItemComment" id="Comment_${1200 + i}"><div class="Meta"><a class="Username" href="/profile/${n}">${n}</a>` +
        `<time datetime="2019-05-0${i + 2}T08:00:00+00:00">May ${i + 2}</time></div><div class="Message userContent">${WORDS[i]}</div></li>`,
    );
    const t = read(`${opening}<ul class="Comments">${replies.join('')}</ul>`);
    expect(t?.posts.map((p) => p.author.name)).toEqual([NAMES[3], ...NAMES.slice(0, 3)]);
    expect(t?.posts.map((p) => p.text)).toEqual([WORDS[3], ...WORDS.slice(0, 3)]);
    expect(t?.posts[0]!.publishedAt).toBe('2019-05-01T08:00:00+00:00');
  });

  it('walks a page whose first <body> is empty and whose content follows in a second one', () => {
    const items = NAMES.map((n, i) => `<div class="post" id="p${900 + i}"><a href="/memberlist.php?mode=viewprofile&u=${i + 2}">${n}</a> <span>Tue Dec 3${i % 2}, 2019 2:2${i} pm</span><div class="content">${WORDS[i]}</div></div>`);
    const html = `<!doctype html><html><head><title>T</title></head><body></body><body class="node">${items.join('')}</body></html>`;
    const t = extractText(html, URL, { reader: 'generic' });
    expect(t.posts.map((p) => p.author.name)).toEqual(NAMES);
  });
});
