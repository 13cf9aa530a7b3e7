// Subjects on the moderation page: a hobby's subjects with their entry counts; one subject to rename or
// merge into another, and its entries to choose from and "Move" to another subject or to a new one made
// in the same call. Every change names the versions the moderator read, so a subject another moderator
// changed meanwhile is refused with the hub's reason (shown as text) and the lists are read again. Same
// token as the review queue (this tab's).
import { h, render } from '/moderate/preact.js';
import { api } from '/moderate/api.js';

const NEW = '';
// hobbies/subjects: as last read; open: the subject whose entries are shown, with the version read;
// chosen: entry ids ticked; target: a subject slug or NEW; fresh: the new subject's slug and name.
// edit: the open subject's name and slug as typed; mergeInto: the subject to fold it into.
const state = { hobbies: null, hobby: null, subjects: [], open: null, entries: [], nextCursor: null, chosen: new Set(), target: null, fresh: { slug: '', name: '' }, edit: { name: '', slug: '' }, mergeInto: null, error: null, done: null, busy: false };

async function step(fn) {
  state.busy = true;
  update();
  try {
    await fn();
    state.error = null;
  } catch (e) {
    state.error = e.message;
  }
  state.busy = false;
  update();
}

const loadHobbies = () =>
  step(async () => {
    state.hobbies = (await api('/v1/public/hobbies')).hobbies;
  });

async function readSubjects() {
  state.subjects = (await api(`/v1/public/hobbies/${encodeURIComponent(state.hobby)}`)).subjects;
}

const chooseHobby = (slug) =>
  step(async () => {
    Object.assign(state, { hobby: slug || null, open: null, entries: [], nextCursor: null, chosen: new Set(), target: null, done: null });
    if (state.hobby) await readSubjects();
  });

async function readEntries(more = false) {
  const path = `/v1/public/hobbies/${encodeURIComponent(state.hobby)}/subjects/${encodeURIComponent(state.open.slug)}?limit=50${more && state.nextCursor ? `&cursor=${encodeURIComponent(state.nextCursor)}` : ''}`;
  const page = await api(path);
  if (!more) state.open = page.subject; // the version the choice is made on
  state.entries = more ? [...state.entries, ...page.entries] : page.entries;
  state.nextCursor = page.nextCursor;
}

const openSubject = (s) =>
  step(async () => {
    Object.assign(state, { open: s, chosen: new Set(), target: null, done: null, fresh: { slug: '', name: '' }, edit: { name: s.name, slug: s.slug }, mergeInto: null });
    await readEntries();
  });

/** Rename or merge the open subject, naming the version read; the lists are read again either way. */
function change(path, init, message) {
  return step(async () => {
    state.done = null;
    try {
      const r = await api(`/v1/subjects/${encodeURIComponent(state.hobby)}/${encodeURIComponent(state.open.slug)}${path}`, init);
      state.done = message(r);
      state.open = r;
    } finally {
      await readSubjects();
      state.open = state.subjects.find((x) => x.slug === state.open.slug) ?? null;
      if (state.open) {
        state.edit = { name: state.open.name, slug: state.open.slug };
        await readEntries();
      } else state.entries = [];
    }
  });
}

const rename = () => {
  const was = state.open;
  const body = { expectVersion: was.version };
  if (state.edit.name.trim() !== was.name) body.name = state.edit.name.trim();
  if (state.edit.slug.trim() !== was.slug) body.slug = state.edit.slug.trim();
  return change('', { method: 'PATCH', body: JSON.stringify(body) }, (r) => `Renamed: ${r.name} (${r.slug})${r.slug !== was.slug ? `; ${was.slug} redirects there` : ''}.`);
};

const merge = () => {
  const was = state.open;
  const into = state.subjects.find((s) => s.slug === state.mergeInto);
  return change('/merge', { method: 'POST', body: JSON.stringify({ into: into.slug, expectVersion: was.version, expectIntoVersion: into.version }) }, (r) => `Merged ${was.name} into ${r.name}; ${was.slug} redirects there.`);
};

const move = () =>
  step(async () => {
    state.done = null;
    const from = state.open;
    const into = state.target === NEW ? null : state.subjects.find((s) => s.slug === state.target);
    const body = { entries: [...state.chosen], expectVersion: from.version };
    if (into) Object.assign(body, { into: into.slug, expectIntoVersion: into.version });
    else body.create = { slug: state.fresh.slug.trim(), name: state.fresh.name.trim(), aliases: [], externalIds: {} };
    try {
      const r = await api(`/v1/subjects/${encodeURIComponent(state.hobby)}/${encodeURIComponent(from.slug)}/move`, { method: 'POST', body: JSON.stringify(body) });
      state.done = `Moved ${r.moved.length} ${r.moved.length === 1 ? 'entry' : 'entries'} from ${r.from.name} to ${r.into.name}.`;
    } finally {
      // Moved or refused, the lists are read again: a refusal usually means someone else changed them.
      state.chosen = new Set();
      await readSubjects();
      await readEntries();
    }
  });

function toggle(id, on) {
  if (on) state.chosen.add(id);
  else state.chosen.delete(id);
  update();
}

function MoveForm() {
  const others = state.subjects.filter((s) => s.slug !== state.open.slug);
  const ready = state.chosen.size > 0 && state.target !== null && (state.target !== NEW || (state.fresh.slug.trim() && state.fresh.name.trim()));
  return h('div', { class: 'actions move' }, [
    h('label', { for: 'move-target' }, 'Move the chosen entries to'),
    h(
      'select',
      { id: 'move-target', value: state.target ?? '-', onChange: (ev) => ((state.target = ev.currentTarget.value === '-' ? null : ev.currentTarget.value), update()) },
      [h('option', { value: '-' }, 'Choose a subject…'), ...others.map((s) => h('option', { value: s.slug, key: s.slug }, `${s.name} (${s.slug})`)), h('option', { value: NEW }, 'A new subject…')],
    ),
    state.target === NEW
      ? [
          h('input', { 'aria-label': 'New subject slug', placeholder: 'slug, e.g. catan-seafarers', value: state.fresh.slug, onInput: (ev) => ((state.fresh.slug = ev.currentTarget.value), update()) }),
          h('input', { 'aria-label': 'New subject name', placeholder: 'Name', value: state.fresh.name, onInput: (ev) => ((state.fresh.name = ev.currentTarget.value), update()) }),
        ]
      : null,
    h('button', { onClick: move, disabled: state.busy || !ready, 'data-action': 'move-entries' }, `Move ${state.chosen.size} ${state.chosen.size === 1 ? 'entry' : 'entries'}`),
  ]);
}

function EditForm() {
  const s = state.open;
  const others = state.subjects.filter((x) => x.slug !== s.slug);
  const changed = state.edit.name.trim() && state.edit.slug.trim() && (state.edit.name.trim() !== s.name || state.edit.slug.trim() !== s.slug);
  return h('div', { class: 'edit' }, [
    h('div', { class: 'actions' }, [
      h('input', { 'aria-label': 'Subject name', value: state.edit.name, onInput: (ev) => ((state.edit.name = ev.currentTarget.value), update()) }),
      h('input', { 'aria-label': 'Subject slug', value: state.edit.slug, onInput: (ev) => ((state.edit.slug = ev.currentTarget.value), update()) }),
      h('button', { onClick: rename, disabled: state.busy || !changed, 'data-action': 'rename-subject' }, 'Rename'),
    ]),
    others.length
      ? h('div', { class: 'actions' }, [
          h('label', { for: 'merge-into' }, 'Merge this subject into'),
          h('select', { id: 'merge-into', value: state.mergeInto ?? '-', onChange: (ev) => ((state.mergeInto = ev.currentTarget.value === '-' ? null : ev.currentTarget.value), update()) }, [
            h('option', { value: '-' }, 'Choose a subject…'),
            ...others.map((x) => h('option', { value: x.slug, key: x.slug }, `${x.name} (${x.slug})`)),
          ]),
          h('button', { onClick: merge, disabled: state.busy || !state.mergeInto, 'data-action': 'merge-subject' }, 'Merge'),
        ])
      : null,
  ]);
}

function OpenSubject() {
  const s = state.open;
  return h('article', { class: 'entry', 'data-subject': s.slug }, [
    h('h3', null, `${s.name} · version ${s.version}`),
    h(EditForm, null),
    state.entries.length === 0 ? h('p', null, 'No public entry under this subject.') : null,
    h(
      'ul',
      { class: 'choose' },
      state.entries.map((e) =>
        h('li', { key: e.id }, h('label', null, [h('input', { type: 'checkbox', checked: state.chosen.has(e.id), onChange: (ev) => toggle(e.id, ev.currentTarget.checked), 'data-entry': e.id }), ` ${e.title} `, h('span', { class: 'meta' }, `${e.kind} · ${e.listedAt.slice(0, 10)}`)])),
      ),
    ),
    state.nextCursor ? h('button', { onClick: () => step(() => readEntries(true)), disabled: state.busy }, 'More entries') : null,
    state.entries.length ? h(MoveForm, null) : null,
  ]);
}

function Subjects() {
  return h('div', null, [
    h('header', null, [h('h2', null, 'Subjects'), h('button', { onClick: loadHobbies, disabled: state.busy, 'data-action': 'load-subjects' }, state.hobbies ? 'Refresh hobbies' : 'Manage subjects')]),
    state.error ? h('p', { class: 'error', role: 'alert' }, state.error) : null,
    state.done ? h('p', { role: 'status' }, state.done) : null,
    state.hobbies
      ? h('p', null, [
          h('label', { for: 'subjects-hobby' }, 'Hobby '),
          h('select', { id: 'subjects-hobby', value: state.hobby ?? '', onChange: (ev) => chooseHobby(ev.currentTarget.value) }, [h('option', { value: '' }, 'Choose a hobby…'), ...state.hobbies.map((x) => h('option', { value: x.slug, key: x.slug }, x.name))]),
        ])
      : null,
    state.hobby
      ? h(
          'ul',
          { class: 'subjects' },
          state.subjects.map((s) =>
            h('li', { key: s.slug }, [h('button', { onClick: () => openSubject(s), 'aria-pressed': state.open?.slug === s.slug ? 'true' : 'false', 'data-open': s.slug }, s.name), h('span', { class: 'meta' }, ` ${s.slug} · ${s.entries} entries · v${s.version}`)]),
          ),
        )
      : null,
    state.open ? h(OpenSubject, null) : null,
  ]);
}

function update() {
  render(h(Subjects, null), document.getElementById('subjects'));
}

update();
