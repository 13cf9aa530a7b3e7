import type { Source } from '../../lib/model/entry.ts';
import type { PublicEntry } from '../../lib/model/public.ts';
import type { Hobby, HobbySummary, Subject, SubjectSummary } from '../../lib/model/subject.ts';
import type { EntrySummary, SearchHit } from '../knowledge.ts';
import { SUBJECT_SORTS, type SubjectSort } from '../subject-order.ts';
import { citedSources, entryText } from './data.ts';
import { wordDiff } from './diff.ts';
import { html, safeHref, paragraphs, type Html } from './html.ts';

const BASIS: Record<string, string> = {
  self: 'The contributor wrote these posts themselves.',
  author_opt_in: 'Each author gave permission in a post of their own.',
  moderator_attestation: "A moderator of the community attested that the community's terms license its members' posts.",
  open_license: 'The posts are published under an open licence.',
};
const KIND: Record<string, string> = { qa: 'Q&A', strategy: 'Strategy' };
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);
const time = (iso: string | null | undefined) => (iso ? html`<time datetime="${iso}">${day(iso)}</time>` : html`date unknown`);
const hostOf = (u: string) => {
  try {
    return new URL(u).host || u;
  } catch {
    return u;
  }
};
/** A link when the address is http(s), plain text otherwise. */
const maybeLink = (href: string | null | undefined, text: string | Html) => {
  const h = safeHref(href);
  return h ? html`<a href="${h}" rel="nofollow ugc">${text}</a>` : html`${text}`;
};

export const hobbyPath = (h: string) => `/hobbies/${encodeURIComponent(h)}`;
export const subjectPath = (h: string, s: string) => `/hobbies/${encodeURIComponent(h)}/${encodeURIComponent(s)}`;
export const entryPath = (id: string) => `/entries/${encodeURIComponent(id)}`;

/** A search form; `name` labels its landmark and its field's id, so two forms on a page stay distinct. */
function searchForm(q = '', hidden: Record<string, string | null | undefined> = {}, name = 'Search entries', id = 'q'): Html {
  return html`<form class="search" role="search" aria-label="${name}" method="get" action="/search">
<label for="${id}">${name}</label>
<input id="${id}" name="q" type="search" maxlength="200" value="${q}">
${Object.entries(hidden).map(([k, v]) => (v ? html`<input type="hidden" name="${k}" value="${v}">` : null))}
<button type="submit">Search</button>
</form>`;
}

export function layout(title: string, body: Html, opts: { crumbs?: [string, string][]; q?: string } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Gleaner hub</title>
<link rel="stylesheet" href="/public/style.css">
</head>
<body>
<header>
<a class="home" href="/">Gleaner hub</a>
${searchForm(opts.q)}
</header>
${opts.crumbs?.length ? html`<nav aria-label="Breadcrumb"><ol>${opts.crumbs.map(([href, text]) => html`<li><a href="${href}">${text}</a></li>`)}</ol></nav>` : null}
<main>
${body}
</main>
<footer><p>Community knowledge from hobby forums, each passage cited to its authors. Only entries moderators accepted are shown.</p></footer>
</body>
</html>
`.value;
}

export function homePage(hobbies: HobbySummary[]): string {
  return layout(
    'Hobbies',
    html`<h1>Hobbies</h1>
${hobbies.length ? html`<ul class="list">${hobbies.map((h) => html`<li><a href="${hobbyPath(h.slug)}">${h.name}</a> <span class="meta">${h.subjects} subjects · ${h.entries} entries</span></li>`)}</ul>` : html`<p>No hobby yet.</p>`}`,
  );
}

export function hobbyPage(h: Hobby, subjects: SubjectSummary[]): string {
  return layout(
    h.name,
    html`<h1>${h.name}</h1>
${subjects.length ? html`<ul class="list">${subjects.map((s) => html`<li><a href="${subjectPath(h.slug, s.slug)}">${s.name}</a> <span class="meta">${s.entries} entries</span></li>`)}</ul>` : html`<p>No subject in this hobby yet.</p>`}`,
    { crumbs: [['/', 'Hobbies']] },
  );
}

function entryList(entries: EntrySummary[]): Html {
  return html`<ul class="list">${entries.map((e) => html`<li><a href="${entryPath(e.id)}" lang="${e.language}">${e.title}</a> <span class="meta">${KIND[e.kind]} · ${time(e.listedAt)} · ${e.cites === 1 ? '1 source' : `${e.cites} sources`}</span></li>`)}</ul>`;
}

const SORT_LABEL: Record<SubjectSort, string> = { newest: 'Newest', cited: 'Most cited' };

/** The order switch: plain links (no script), the current order marked for screen readers too. */
function sortSwitch(path: string, current: SubjectSort): Html {
  const link = (o: SubjectSort) => {
    const href = o === 'newest' ? path : `${path}?sort=${o}`;
    return o === current ? html`<a href="${href}" aria-current="page"><strong>${SORT_LABEL[o]}</strong></a> ` : html`<a href="${href}">${SORT_LABEL[o]}</a> `;
  };
  return html`<nav class="sort" aria-label="Order of entries"><span>Order:</span> ${SUBJECT_SORTS.map(link)}</nav>`;
}

export function subjectPage(h: Hobby, s: Subject, entries: EntrySummary[], nextCursor: string | null, sort: SubjectSort = 'newest'): string {
  const ids = [
    s.externalIds.bgg ? html`<li>BoardGameGeek: <a href="${`https://boardgamegeek.com/boardgame/${s.externalIds.bgg}`}">${s.externalIds.bgg}</a></li>` : null,
    s.externalIds.wikidata ? html`<li>Wikidata: <a href="${`https://www.wikidata.org/wiki/${s.externalIds.wikidata}`}">${s.externalIds.wikidata}</a></li>` : null,
  ];
  const qa = entries.filter((e) => e.kind === 'qa');
  const strategy = entries.filter((e) => e.kind === 'strategy');
  return layout(
    s.name,
    html`<h1>${s.name}</h1>
${s.aliases.length ? html`<p class="meta">Also known as ${s.aliases.join(', ')}</p>` : null}
${ids.some(Boolean) ? html`<ul class="ids">${ids}</ul>` : null}
${searchForm('', { hobby: h.slug, subject: s.slug }, `Search ${s.name}`, 'q-subject')}
${sortSwitch(subjectPath(h.slug, s.slug), sort)}
<h2>Rules questions and answers</h2>
${qa.length ? entryList(qa) : html`<p>None yet.</p>`}
<h2>Strategy</h2>
${strategy.length ? entryList(strategy) : html`<p>None yet.</p>`}
${nextCursor ? html`<p><a href="${`${subjectPath(h.slug, s.slug)}?${sort === 'newest' ? '' : `sort=${sort}&`}cursor=${encodeURIComponent(nextCursor)}`}">${sort === 'newest' ? 'Older entries' : 'More entries'}</a></p>` : null}`,
    { crumbs: [['/', 'Hobbies'], [hobbyPath(h.slug), h.name]] },
  );
}

function citation(s: Source, fallbackLicense: string): Html {
  return html`<li>${maybeLink(s.url, s.author.name)}, ${maybeLink(s.threadUrl, hostOf(s.threadUrl))} (${s.platform}), ${time(s.postedAt)}, licence ${s.license ?? fallbackLicense}</li>`;
}

/** One revision against the version that replaced it: removed words struck through, added words marked. */
function revisionDiff(r: PublicEntry['revisions'][number], next: string): Html {
  const parts = wordDiff(r.text, next);
  return html`<details class="diff"><summary>Revision ${r.revision}, replaced ${time(r.at)} <span class="meta">(sha256 ${r.contentSha256.slice(0, 12)})</span></summary>
<p class="diff-text">${parts.map((d) => (d.op === 'same' ? d.text : d.op === 'del' ? html`<del>${d.text}</del>` : html`<ins>${d.text}</ins>`))}</p></details>`;
}

export function entryPage(p: PublicEntry, hobbyName: string | null, current: string): string {
  const e = p.entry;
  const passages = p.passages.map((x) => {
    const heading = x.role === 'question' ? 'Question' : x.role === 'answer' ? `Answer ${x.rank}` : null;
    const cites = citedSources(e, x.sourcePostIds);
    return html`<section class="passage">
${heading ? html`<h2>${heading}</h2>` : null}
<div lang="${e.language}">${paragraphs(x.text)}</div>
<p class="cite-label">From:</p>
<ul class="cite">${cites.map((s) => citation(s, e.license))}</ul>
</section>`;
  });
  const crumbs: [string, string][] = [['/', 'Hobbies']];
  if (p.subject) crumbs.push([hobbyPath(p.subject.hobby), hobbyName ?? p.subject.hobby], [subjectPath(p.subject.hobby, p.subject.slug), p.subject.name]);
  return layout(
    e.title,
    html`<article>
<h1 lang="${e.language}">${e.title}</h1>
<p class="meta">${KIND[e.kind]} · licence ${e.license} · ${p.state === 'published' && p.release ? html`published in release ${p.release}` : 'accepted'}</p>
${e.kind === 'strategy' && e.topic ? html`<p class="meta">Topic: <span lang="${e.language}">${e.topic}</span></p>` : null}
${passages}
<section>
<h2>Attribution</h2>
<ul>${e.attribution.text.split('\n').filter(Boolean).map((line) => html`<li>${line}</li>`)}</ul>
${e.attribution.modified ? html`<p>The text was edited from the posts (modified).</p>` : null}
</section>
<section>
<h2>Consent</h2>
<p>${BASIS[e.consent.basis] ?? e.consent.basis} Shared under ${e.consent.license}; statement version ${e.consent.statementVersion}, agreed ${time(e.consent.at)}.</p>
<details><summary>The statement agreed to</summary><p>${e.consent.statement}</p></details>
</section>
<section>
<h2>History</h2>
<ol class="history">${p.history.map((h) => html`<li>${h.state.replace('_', ' ')} ${time(h.at)}</li>`)}</ol>
${p.revisions.length ? html`<h3>Changes between versions</h3>${p.revisions.map((r, i) => revisionDiff(r, p.revisions[i + 1]?.text ?? current))}` : null}
</section>
<p class="report"><a href="${p.reportUrl}">Report a problem with this entry</a></p>
</article>`,
    { crumbs },
  );
}

export function searchPage(q: string, terms: string[], hits: SearchHit[], filters: Record<string, string | null>, nextOffset: number | null, problem: string | null): string {
  const more = new URLSearchParams({ q, ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v) as [string, string][]), offset: String(nextOffset ?? 0) });
  return layout(
    q ? `Search: ${q}` : 'Search',
    html`<h1>Search</h1>
${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
${terms.length ? html`<p class="meta">Entries with every word of: ${terms.join(' ')}${Object.entries(filters).filter(([, v]) => v).map(([k, v]) => html` · ${k} ${v}`)}</p>` : null}
${hits.length ? entryList(hits) : terms.length ? html`<p>No accepted entry holds all these words.</p>` : null}
${nextOffset !== null ? html`<p><a href="${`/search?${more}`}">More results</a></p>` : null}`,
    { q },
  );
}

export function notFoundPage(what: string): string {
  return layout('Not found', html`<h1>Not found</h1><p>${what}</p><p><a href="/">All hobbies</a></p>`);
}
