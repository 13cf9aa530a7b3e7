#!/usr/bin/env python3
"""
An independent reading of the corpus's chat archives (JSON, and Telegram Desktop HTML), for test/expect-archives/: written from each
exporter's documented format with Python's json module, sharing no code with Gleaner's readers, so a
test comparing the two catches a reader that drops, invents or misattributes messages.

Per archive: how many messages a person wrote, and for the first and last ten in time order, the
author and the first four words of the message's own text (quoted lines left out), each as the first 12
hex characters of sha256 of the NFC-normalised, space-collapsed string (chat participants are real
people: their names and words are not written into the repository).

Run: python3 scripts/expect-archives.py ../shared/corpus test/expect-archives
"""
import hashlib, html, json, re, sys, unicodedata, zipfile
from pathlib import Path

def digest(s):
    s = re.sub(r'\s+', ' ', unicodedata.normalize('NFC', s)).strip()
    return hashlib.sha256(s.encode('utf-8')).hexdigest()[:12]

def start(text, words=4):
    return ' '.join(text.split()[:words])

def own_words(text):
    # Lines quoting someone else ("> …") are not the writer's own words.
    return '\n'.join(l for l in text.split('\n') if not re.match(r'^\s*>', l)).strip()

def record(items, file, note):
    """items: (time, order, author, text) for each message a person wrote."""
    items = sorted(items, key=lambda m: (m[0], m[1]))
    pick = lambda ms: [{'author': digest(a), 'start': digest(start(t))} for _, _, a, t in ms]
    return {'file': file, 'reading': note, 'messages': len(items), 'first': pick(items[:10]), 'last': pick(items[-10:])}

def iso_ms(s):
    from datetime import datetime
    return datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()

def discord(path, rel):
    d = json.loads(Path(path).read_text('utf-8'))
    out = []
    seen = set()
    for i, m in enumerate(d['messages']):
        # A message id is the message: one exported twice (edited during the export) is one message.
        if m.get('type') not in ('Default', 'Reply') or m['id'] in seen:
            continue
        seen.add(m['id'])
        names = {x['id']: x.get('nickname') or x.get('name') for x in m.get('mentions') or []}
        text = re.sub(r'<@!?(\d+)>', lambda g: '@' + names[g.group(1)] if g.group(1) in names else g.group(0), m.get('content') or '')
        text = own_words(text)
        files = [a.get('fileName') or 'attachment' for a in m.get('attachments') or []]
        text = '\n'.join([t for t in [text] if t] + [f'[attachment: {f}]' for f in files])
        if not text and not (m.get('stickers') or []):
            continue
        a = m.get('author') or {}
        out.append((iso_ms(m['timestamp']), i, a.get('nickname') or a.get('name') or 'Unknown', text))
    return record(out, rel, 'DiscordChatExporter JSON: messages of type Default or Reply with words, an attachment or a sticker, each id once; author nickname, else name')

SLACK_SPOKEN = {None, '', 'file_share', 'file_comment', 'thread_broadcast', 'me_message'}

def slack_text(s, users):
    def link(g):
        inner = g.group(1)
        target, _, label = inner.partition('|')
        if target.startswith('@'):
            return '@' + (label or users.get(target[1:], target[1:]))
        if target.startswith('#'):
            return '#' + (label or target[1:])
        if target.startswith('!'):
            return '@' + (label or target[1:].split('^')[0])
        return f'{label} ({target})' if label and label != target else target
    s = re.sub(r'<([^<>]+)>', link, s)
    return s.replace('&lt;', '<').replace('&gt;', '>').replace('&amp;', '&')

def slack_messages(msgs, users, out, order):
    for m in msgs:
        if (m.get('type') or 'message') != 'message' or m.get('subtype') not in SLACK_SPOKEN or not m.get('ts'):
            continue
        uid = m.get('user') or (m.get('comment') or {}).get('user')
        name = users.get(uid) if uid else None
        if not name:
            p = m.get('user_profile') or {}
            name = p.get('display_name') or p.get('real_name') or m.get('username') or uid or 'Unknown'
        body = (m.get('comment') or {}).get('comment', '') if m.get('subtype') == 'file_comment' else (m.get('text') or '')
        text = own_words(slack_text(body, users))
        files = [f.get('name') or f.get('title') or 'file' for f in m.get('files') or []]
        if m.get('file') and m.get('subtype') != 'file_comment':
            files.append(m['file'].get('name') or m['file'].get('title') or 'file')
        text = '\n'.join([t for t in [text] if t] + [f'[attachment: {f}]' for f in files])
        if text:
            out.append((float(m['ts']), len(order), name, text))
            order.append(1)

def slack_users(raw):
    users = {}
    for u in raw:
        p = u.get('profile') or {}
        users[u['id']] = p.get('display_name') or p.get('real_name') or u.get('real_name') or u.get('name') or u['id']
    return users

def slack_export(files, rel):
    users = slack_users(json.loads(files['users.json'])) if 'users.json' in files else {}
    out, order = [], []
    for ch in json.loads(files['channels.json']):
        for day in sorted(p for p in files if re.match(re.escape(ch['name']) + r'/\d{4}-\d{2}-\d{2}\.json$', p)):
            slack_messages(json.loads(files[day]), users, out, order)
    return record(out, rel, 'Slack workspace export: channels.json channels, their day files; messages without a subtype (or file_share, file_comment, thread_broadcast, me_message) with words or a file; author from users.json (display name, real name, name)')

def slackdump(path, rel):
    d = json.loads(Path(path).read_text('utf-8'))
    msgs = []
    for m in d['messages']:
        msgs.append(m)
        msgs.extend(m.get('slackdump_thread_replies') or [])
    out, order = [], []
    slack_messages(msgs, {}, out, order)
    return record(out, rel, 'slackdump dump: messages and their nested thread replies, as a Slack export day file; authors by user id (the dump has no names)')

def telegram(path, rel):
    d = json.loads(Path(path).read_text('utf-8'))
    out = []
    for i, m in enumerate(d['messages']):
        if m.get('type') != 'message':
            continue
        t = m.get('text')
        text = t if isinstance(t, str) else ''.join(p if isinstance(p, str) else p.get('text', '') for p in t or [])
        text = own_words(text)
        # A file the export left out is named by its kind ("photo"), else by its file name.
        media = [m.get('file_name') or ((m.get('media_type') or k) if str(m.get(k, '')).startswith('(File not included') else Path(m[k]).name) for k in ('photo', 'file') if m.get(k)]
        text = '\n'.join([x for x in [text] if x] + [f'[attachment: {f}]' for f in media])
        if not text:
            continue
        when = float(m['date_unixtime']) if m.get('date_unixtime') else iso_ms(m['date'] + 'Z')
        out.append((when, i, m.get('from') or str(m.get('from_id') or 'Unknown'), text))
    return record(out, rel, 'Telegram Desktop JSON: items of type "message" with words or media; author "from", else from_id')

def mattermost(path, rel):
    d = json.loads(Path(path).read_text('utf-8'))
    out = []
    ids = list(dict.fromkeys([str(i) for i in d['order']] + list(d['posts'])))
    for i, pid in enumerate(ids):
        p = d['posts'].get(pid)
        if not p or (p.get('delete_at') or 0) > 0 or p.get('type'):
            continue
        text = own_words(p.get('message') or '')
        if not text:
            continue
        out.append((p['create_at'] / 1000, i, (p.get('props') or {}).get('override_username') or p.get('user_id') or 'Unknown', text))
    return record(out, rel, 'Mattermost posts response: untyped, undeleted posts with words; author override_username, else user_id')

def main(corpus, dest):
    corpus, dest = Path(corpus), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    jobs = [
        ('discord/dce-json-example-guild-general.json', discord),
        ('discord/dce-json-example-guild-thread.json', discord),
        ('discord/mlomb_dce_GC_3A_5M.json', discord),
        ('discord/mlomb_dce_SV_5A_5M.json', discord),
        ('slack/slackdump-native-dump-CHY5HUESG.json', slackdump),
        ('telegram/mlomb_tg_DM_2A_7M.json', telegram),
        ('mattermost/mattermost-api-channel-posts-page1.json', mattermost),
    ]
    results = [fn(corpus / rel, rel) for rel, fn in jobs]
    for rel in ['telegram/football_predictions_botchat_messages.html', 'telegram/tdesktop-html-group-vkusvill-olympiad-messages.html', 'telegram/tdesktop-html-channel-premium-house-tutors-messages5.html']:
        results.append(telegram_html(corpus / rel, rel))
    with zipfile.ZipFile(corpus / 'slack/slack-export-viewer-testarchive.zip') as z:
        files = {n: z.read(n).decode('utf-8') for n in z.namelist() if not n.endswith('/')}
    results.append(slack_export(files, 'slack/slack-export-viewer-testarchive.zip'))
    for r in results:
        name = r['file'].replace('/', '--').rsplit('.', 1)[0] + '.json'
        (dest / name).write_text(json.dumps(r, indent=2, ensure_ascii=False) + '\n', 'utf-8')
        print(r['file'], r['messages'])



# --- Telegram Desktop HTML: a small tree from html.parser, read by its documented markup ---------------
from html.parser import HTMLParser

VOID = {'br', 'img', 'hr', 'meta', 'link', 'input', 'source', 'wbr', 'area', 'base', 'col', 'embed', 'param', 'track'}

class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []
    def cls(self):
        return (self.attrs.get('class') or '').split()
    def text(self):
        out, stack = [], [self]
        while stack:
            n = stack.pop()
            if isinstance(n, str):
                out.append(n)
            elif n.tag == 'br':
                out.append('\n')
            else:
                stack.extend(reversed(n.children))
        return ''.join(out)

class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node('#root', [], None)
        self.at = self.root
    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.at)
        self.at.children.append(n)
        if tag not in VOID:
            self.at = n
    def handle_endtag(self, tag):
        n = self.at
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.at = n.parent
    def handle_data(self, data):
        self.at.children.append(data)

def walk(n):
    stack = [n]
    while stack:
        x = stack.pop()
        if isinstance(x, Node):
            yield x
            stack.extend(reversed([c for c in x.children if isinstance(c, Node)]))

def telegram_html(path, rel):
    t = Tree()
    t.feed(Path(path).read_text('utf-8'))
    out, sender = [], None
    history = next(n for n in walk(t.root) if 'history' in n.cls())
    for i, m in enumerate(c for c in history.children if isinstance(c, Node) and 'message' in c.cls()):
        if 'default' not in m.cls():
            continue
        body = next((c for c in m.children if isinstance(c, Node) and 'body' in c.cls()), None)
        if body is None:
            continue
        kids = [c for c in body.children if isinstance(c, Node)]
        frm = next((c for c in kids if 'from_name' in c.cls()), None)
        if frm is not None:
            sender = re.sub(r'\s*via @\S+$', '', ' '.join(frm.text().split()))
        elif 'joined' not in m.cls():
            sender = None
        textdiv = next((c for c in kids if 'text' in c.cls()), None)
        text = own_words('\n'.join(' '.join(l.split()) for l in textdiv.text().split('\n')) if textdiv is not None else '')
        files = []
        for n in walk(body):
            if any('media_wrap' in a.cls() for a in [p for p in [n.parent] if p]) or any('media_wrap' in x.cls() for x in ancestors(n)):
                if n.tag == 'a' and n.attrs.get('href'):
                    files.append(Path(n.attrs['href']).name)
                elif 'title' in n.cls():
                    files.append(' '.join(n.text().split()))
        files = list(dict.fromkeys(f for f in files if f))
        text = '\n'.join([x for x in [text] if x] + [f'[attachment: {f}]' for f in files])
        if not text:
            continue
        date = next((n for n in walk(body) if 'date' in n.cls() and n.attrs.get('title')), None)
        mm = re.search(r'(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: UTC([+-]\d{2}):?(\d{2}))?', date.attrs['title'] if date else '')
        when = iso_ms(f'{mm[3]}-{mm[2]}-{mm[1]}T{mm[4]}:{mm[5]}:{mm[6]}' + (f'{mm[7]}:{mm[8]}' if mm[7] else 'Z')) if mm else float('inf')
        out.append((when, i, sender or 'Unknown', text))
    return record(out, rel, 'Telegram Desktop HTML: div.message.default in the history; sender from from_name, carried over by "joined" messages; words of div.text, files of .media_wrap')

def ancestors(n):
    p = n.parent
    while p is not None:
        yield p
        p = p.parent


if __name__ == '__main__':
    main(*sys.argv[1:3])
