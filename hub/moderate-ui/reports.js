// Reports on published entries, on the moderation page: each open report with its entry id, category
// and the reporter's words (as text, never markup), and two decisions, "Remove entry" (it leaves the next
// release and its contributor is told) and "Dismiss". Same token as the review queue (this tab's).
import { h, render } from '/moderate/preact.js';
import { api } from '/moderate/api.js';

const CATEGORY = { copyright: 'Copyright', privacy: 'Privacy', wrong_attribution: 'Wrong attribution' };
const state = { open: null, decided: [], error: null, comments: {}, busy: false };

async function load() {
  state.busy = true;
  update();
  try {
    state.open = (await api('/v1/reports')).reports;
    state.decided = (await api('/v1/reports?decided=1')).reports.slice(0, 20);
    state.error = null;
  } catch (e) {
    state.error = e.message;
  }
  state.busy = false;
  update();
}

async function decide(id, outcome) {
  try {
    await api(`/v1/reports/${encodeURIComponent(id)}/decision`, { method: 'POST', body: JSON.stringify({ outcome, comment: (state.comments[id] ?? '').trim() || null }) });
    await load();
  } catch (e) {
    state.error = `Not recorded: ${e.message}`;
    update();
  }
}

function Report({ r }) {
  return h('article', { class: 'entry', 'data-report-id': r.id }, [
    h('h3', null, `${CATEGORY[r.category] ?? r.category} · entry ${r.entryId}`),
    h('p', { class: 'meta' }, `reported ${r.createdAt}`),
    r.details ? h('p', { class: 'msg' }, r.details) : null,
    h('textarea', { 'aria-label': `Note on the decision about report ${r.id}`, placeholder: 'Note kept with the decision (optional)', value: state.comments[r.id] ?? '', onInput: (ev) => (state.comments[r.id] = ev.currentTarget.value) }),
    h('div', { class: 'actions' }, [
      h('button', { onClick: () => decide(r.id, 'removed'), 'data-action': 'remove' }, 'Remove entry'),
      h('button', { onClick: () => decide(r.id, 'dismissed'), 'data-action': 'dismiss' }, 'Dismiss'),
    ]),
  ]);
}

function Reports() {
  return h('div', null, [
    h('header', null, [h('h2', null, 'Reports'), h('button', { onClick: load, disabled: state.busy, 'data-action': 'load-reports' }, state.open ? 'Refresh reports' : 'Show reports')]),
    state.error ? h('p', { class: 'error', role: 'alert' }, state.error) : null,
    state.open && state.open.length === 0 ? h('p', null, 'No report waits for a decision.') : null,
    ...(state.open ?? []).map((r) => h(Report, { r, key: r.id })),
    state.decided.length ? h('h3', null, 'Decided lately') : null,
    state.decided.length ? h('ul', null, state.decided.map((r) => h('li', { key: r.id }, `${r.decidedAt}: ${CATEGORY[r.category] ?? r.category} report on entry ${r.entryId}, ${r.outcome}${r.comment ? ` (${r.comment})` : ''}`))) : null,
  ]);
}

function update() {
  render(h(Reports, null), document.getElementById('reports'));
}

update();
