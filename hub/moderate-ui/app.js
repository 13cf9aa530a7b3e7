// The hub's moderation page. Plain ES module so the hub serves it without a build step; Preact's `h`
// instead of JSX. Every piece of entry text is passed to Preact as a string child or attribute, which
// becomes a text node or a property, never markup. Author links are kept only when they are http(s).
import { h, render } from '/moderate/preact.js';
import { TOKEN_KEY } from '/moderate/api.js';
import '/moderate/reports.js';
import '/moderate/subjects.js';

/** Accept and reject wait this long before they are sent, so a slip of the finger can be undone. */
const UNDO_MS = 5000;
// pending: decisions not sent yet (id -> { move, revision, comment, timer }); itemErrors: a failed
// decision's reason, shown on the entry it was about, where the reviewer's eyes and focus are.
const state = { token: sessionStorage.getItem(TOKEN_KEY), items: [], error: null, busy: false, comments: {}, pending: {}, itemErrors: {} };
const WORDS = { accepted: 'Accepted', rejected: 'Rejected', needs_changes: 'Sent back for changes' };

function safeHref(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { authorization: `Bearer ${state.token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    throw new Error('The hub does not know this token (or it was revoked). Enter a moderator token.');
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.detail ?? `The hub answered ${res.status}.`);
  return body;
}

async function load() {
  state.busy = true;
  update();
  try {
    // The queue comes in pages; a moderator reads a screenful at a time, so a few pages are plenty.
    const items = [];
    let cursor = null;
    do {
      const page = await api(`/v1/queue${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor && items.length < 1000);
    state.items = items;
    state.error = null;
  } catch (e) {
    state.error = e.message;
  }
  state.busy = false;
  update();
}

function focusLater(selector) {
  setTimeout(() => document.querySelector(selector)?.focus(), 0);
}

async function send(id, revision, move, comment, keepalive = false) {
  return api(`/v1/entries/${encodeURIComponent(id)}/review`, { method: 'POST', keepalive, headers: { 'if-match': `"r${revision}"` }, body: JSON.stringify({ state: move, comment }) });
}

async function commit(id) {
  const p = state.pending[id];
  if (!p) return;
  delete state.pending[id];
  try {
    await send(id, p.revision, p.move, p.comment);
    delete state.comments[id];
    // Removed in place rather than reloading the queue: the entries the reviewer is reading do not move.
    state.items = state.items.filter((i) => i.status.id !== id);
  } catch (e) {
    state.itemErrors[id] = `Not recorded (${WORDS[p.move].toLowerCase()}): ${e.message} Refresh to see the entry as the hub has it now.`;
    focusLater(`[data-entry-id="${CSS.escape(id)}"] [data-testid="item-error"]`);
  }
  update();
}

function review(id, revision, move) {
  const comment = (state.comments[id] ?? '').trim() || null;
  delete state.itemErrors[id];
  if (move === 'needs_changes') {
    // Sent at once: the contributor can act on it, and the entry comes back as a revision anyway.
    state.pending[id] = { move, revision, comment, timer: null };
    return commit(id);
  }
  state.pending[id] = { move, revision, comment, timer: setTimeout(() => commit(id), UNDO_MS) };
  update();
  focusLater(`[data-entry-id="${CSS.escape(id)}"] [data-action="undo"]`);
}

function undo(id) {
  const p = state.pending[id];
  if (!p) return;
  clearTimeout(p.timer);
  delete state.pending[id];
  update();
  focusLater(`[data-entry-id="${CSS.escape(id)}"] [data-action="${p.move === 'accepted' ? 'accept' : 'reject'}"]`);
}

// Leaving the page sends what is waiting: closing the tab is not an undo.
addEventListener('pagehide', () => {
  for (const [id, p] of Object.entries(state.pending)) {
    clearTimeout(p.timer);
    send(id, p.revision, p.move, p.comment, true).catch(() => {});
  }
  state.pending = {};
});

function Login() {
  const submit = (ev) => {
    ev.preventDefault();
    const token = new FormData(ev.currentTarget).get('token')?.toString().trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    state.token = token;
    load();
  };
  return h('form', { onSubmit: submit, 'data-testid': 'login' }, [
    h('p', null, 'Enter a moderator token (kept for this tab only).'),
    h('input', { name: 'token', type: 'password', autocomplete: 'off', 'aria-label': 'Moderator token' }),
    h('button', { type: 'submit' }, 'Open the queue'),
  ]);
}

function Source({ s }) {
  const author = safeHref(s.author.url ?? '');
  const post = safeHref(s.url);
  return h('li', null, [
    post ? h('a', { href: post, rel: 'noreferrer noopener', target: '_blank' }, s.title || s.url) : s.title || s.url,
    ' by ',
    author ? h('a', { href: author, rel: 'noreferrer noopener', target: '_blank', class: 'author' }, s.author.name) : s.author.name,
    ` (${s.role}, ${s.license ?? 'licence unknown'})`,
  ]);
}

function Item({ item }) {
  const { status, entry, contributor } = item;
  const id = status.id;
  const c = entry.consent;
  const pending = state.pending[id];
  if (pending && pending.timer)
    return h('article', { class: 'entry entry--pending', 'data-entry-id': id, 'aria-label': entry.title }, [
      h('p', { role: 'status', 'data-testid': 'pending' }, `${WORDS[pending.move]}: “${entry.title}”. Sent in ${UNDO_MS / 1000} s unless you undo.`),
      h('button', { onClick: () => undo(id), 'data-action': 'undo' }, 'Undo'),
    ]);
  const err = state.itemErrors[id];
  return h('article', { class: 'entry', 'data-entry-id': id }, [
    err ? h('p', { class: 'error', role: 'alert', tabindex: '-1', 'data-testid': 'item-error' }, err) : null,
    h('h2', { class: 'title' }, entry.title),
    h('p', { class: 'meta' }, `${entry.kind} · ${status.state} · from ${contributor} · received ${status.receivedAt}${status.revisionOf ? ` · revision of r${status.revisionOf.revision}` : ''}`),
    ...entry.messages.map((m) => h('div', { class: `msg ${m.role}` }, [h('strong', null, `${m.role}: `), m.content])),
    h('dl', null, [
      h('dt', null, 'Licence'), h('dd', null, entry.license),
      h('dt', null, 'Attribution'), h('dd', { class: 'attribution' }, entry.attribution.text + (entry.attribution.modified ? ' (modified)' : '')),
      h('dt', null, 'Consent'), h('dd', { class: 'consent' }, `${c.basis}, ${c.license}, by ${c.who} at ${c.at} (statement ${c.statementVersion}): “${c.statement}”`),
      ...evidence(c),
      h('dt', null, 'Sources'), h('dd', null, h('ul', null, entry.sources.map((s) => h(Source, { s })))),
    ]),
    ...duplicates(item),
    h('textarea', {
      'aria-label': `Comment for the contributor on “${entry.title}”`,
      placeholder: 'Comment for the contributor (required for “needs changes”)',
      value: state.comments[id] ?? '',
      onInput: (ev) => (state.comments[id] = ev.currentTarget.value),
    }),
    h('div', { class: 'actions' }, [
      h('button', { onClick: () => review(id, status.revision, 'accepted'), 'data-action': 'accept' }, 'Accept'),
      h('button', { onClick: () => review(id, status.revision, 'needs_changes'), 'data-action': 'needs_changes' }, 'Needs changes'),
      h('button', { onClick: () => review(id, status.revision, 'rejected'), 'data-action': 'reject' }, 'Reject'),
    ]),
  ]);
}

// ---- Possible duplicates: the hub's flags, both entries side by side, keep both or fold one into the other. ----

const REASON = { same_sources: (f) => `draws on ${f.sharedSources} of the same source post${f.sharedSources === 1 ? '' : 's'}`, similar_question: (f) => `asks a near-identical question (${Math.round(f.score * 100)} % alike)` };
// compare: id -> { other: queue item, or null while loading }, the pair shown side by side.
state.compare = {};

async function openCompare(id, otherId) {
  state.compare[id] = { otherId, other: null };
  update();
  try {
    state.compare[id].other = await api(`/v1/queue/${encodeURIComponent(otherId)}`);
  } catch (e) {
    state.itemErrors[id] = `Could not open the other entry: ${e.message}`;
    delete state.compare[id];
  }
  update();
  focusLater(`[data-entry-id="${CSS.escape(id)}"] [data-testid="compare"]`);
}

async function keepBoth(id, otherId) {
  try {
    const r = await api(`/v1/entries/${encodeURIComponent(id)}/similar/dismiss`, { method: 'POST', body: JSON.stringify({ other: otherId }) });
    delete state.compare[id];
    state.items = state.items.map((i) => (i.status.id === id ? { ...i, similar: r.similar } : i.status.id === otherId ? { ...i, similar: (i.similar ?? []).filter((f) => f.id !== id) } : i));
  } catch (e) {
    state.itemErrors[id] = `Not recorded (keep both): ${e.message}`;
  }
  update();
}

/** Folds `from` into `into`, pinned to the revisions on screen: a change since is refused by the hub, in words. */
async function merge(viewId, from, into) {
  try {
    await api(`/v1/entries/${encodeURIComponent(from.status.id)}/merge`, {
      method: 'POST',
      headers: { 'if-match': `"r${from.status.revision}"` },
      body: JSON.stringify({ into: into.status.id, intoRevision: into.status.revision, comment: (state.comments[from.status.id] ?? '').trim() || null }),
    });
    delete state.compare[viewId];
    await load();
  } catch (e) {
    state.itemErrors[viewId] = `Not merged: ${e.message} Refresh to see both entries as the hub has them now.`;
    update();
    focusLater(`[data-entry-id="${CSS.escape(viewId)}"] [data-testid="item-error"]`);
  }
}

function Side({ item, label }) {
  const { status, entry } = item;
  return h('div', { class: 'side', 'data-side-id': status.id }, [
    h('h3', null, `${label}: ${entry.title}`),
    h('p', { class: 'meta' }, `${status.state} · r${status.revision} · ${entry.license} · ${entry.sources.length} source post${entry.sources.length === 1 ? '' : 's'}`),
    ...entry.messages.map((m) => h('div', { class: `msg ${m.role}` }, [h('strong', null, `${m.role}: `), m.content])),
    h('ul', null, entry.sources.map((s) => h(Source, { s }))),
  ]);
}

function duplicates(item) {
  const flags = item.similar ?? [];
  if (!flags.length) return [];
  const id = item.status.id;
  const cmp = state.compare[id];
  return [
    h('section', { class: 'similar', 'aria-label': 'Possible duplicates', 'data-testid': 'similar' }, [
      h('h3', null, 'Possible duplicates'),
      h('ul', null, flags.map((f) => h('li', { 'data-similar-id': f.id }, [
        `“${f.title}” (${f.state}) ${REASON[f.reason]?.(f) ?? f.reason} `,
        h('button', { onClick: () => openCompare(id, f.id), 'data-action': 'compare', 'aria-expanded': cmp?.otherId === f.id ? 'true' : 'false' }, 'Compare'),
      ]))),
      cmp
        ? h('div', { class: 'compare', 'data-testid': 'compare', tabindex: '-1', role: 'region', 'aria-label': 'Both entries side by side' }, cmp.other
            ? [
                h('div', { class: 'sides' }, [h(Side, { item, label: 'This entry' }), h(Side, { item: cmp.other, label: 'The other' })]),
                h('div', { class: 'actions' }, [
                  h('button', { onClick: () => merge(id, cmp.other, item), 'data-action': 'merge-into-this' }, 'Keep this one, fold the other into it'),
                  h('button', { onClick: () => merge(id, item, cmp.other), 'data-action': 'merge-into-other' }, 'Fold this one into the other'),
                  h('button', { onClick: () => keepBoth(id, cmp.otherId), 'data-action': 'keep-both' }, 'Keep both'),
                  h('button', { onClick: () => (delete state.compare[id], update()), 'data-action': 'close-compare' }, 'Close'),
                ]),
              ]
            : [h('p', { role: 'status' }, 'Opening the other entry…')])
        : null,
    ]),
  ];
}

function App() {
  if (!state.token) return h(Login, null);
  return h('div', null, [
    h('header', null, [
      h('h1', null, 'Review queue'),
      h('button', { onClick: load, disabled: state.busy }, 'Refresh'),
      h('button', { onClick: () => (sessionStorage.removeItem(TOKEN_KEY), (state.token = null), update()) }, 'Forget token'),
    ]),
    state.error ? h('p', { class: 'error', role: 'alert' }, state.error) : null,
    state.items.length === 0 && !state.busy ? h('p', null, 'Nothing waits for review.') : null,
    ...state.items.map((item) => h(Item, { item, key: item.status.id })),
  ]);
}

function update() {
  render(h(App, null), document.getElementById('app'));
}

update();
if (state.token) load();

/** The evidence behind the basis, already checked by the hub on receipt (hashes recomputed, vouch looked up). */
function evidence(c) {
  const a = c.attestation;
  if (c.basis === 'moderator_attestation' && a) {
    const page = a.rulesPage;
    return [
      h('dt', null, 'Attestation'),
      h('dd', { 'data-testid': 'attestation' }, `${a.community}, ${a.license}, attested as ${a.role} at ${a.attestedAt}` + (page ? `; rules page ${page.url} read at ${page.readAt}: “${page.excerpt}”` : '; no rules page recorded')),
    ];
  }
  if (c.basis === 'author_opt_in' && c.permissions && c.permissions.length) {
    return [
      h('dt', null, 'Permissions'),
      h('dd', null, h('ul', null, c.permissions.map((p) => h('li', null, p.post ? `${p.author.name}: ${p.post.url} — “${p.post.text.slice(0, 300)}”` : `${p.author.name}: hub grant ${p.hubGrant ? p.hubGrant.grantId : ''}`)))),
    ];
  }
  return [];
}
