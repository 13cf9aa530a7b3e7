import type { Subject, SubjectRef } from '../model/subject.ts';
import type { Thread } from '../model/thread.ts';
import { domainFromThread, domainSuggestions } from './domain.ts';

/**
 * Names compared as the hub compares them (compatibility-decomposed, marks dropped, lowercased), and
 * with every run of other characters one space, so "Ark Nova:" in a title meets the subject "Ark Nova".
 */
export function nameKey(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** `needle` as whole words inside `hay` (both keys). */
const hasWords = (hay: string, needle: string) => !!needle && ` ${hay} `.includes(` ${needle} `);

export type MatchReason = 'bgg' | 'place' | 'title';

export interface SubjectMatch {
  subject: Subject;
  /** The strongest evidence: the page's BoardGameGeek id, a place in the forum's trail, words of the title. */
  reason: MatchReason;
  score: number;
}

/**
 * The hub's subjects that fit a thread, best first. The page's BoardGameGeek id equal to a subject's is
 * certain; a place in the trail named like the subject (or holding its name) comes next, the board the
 * thread is in before the boards above it; then a name or alias found as whole words in the title, longer
 * names first (they say more). Subjects nothing points to are left out.
 */
export function rankSubjects(subjects: Subject[], thread: Pick<Thread, 'url' | 'platform' | 'title' | 'breadcrumbs'>): SubjectMatch[] {
  const bgg = domainFromThread(thread).externalIds.bgg ?? null;
  const places = domainSuggestions(thread).subjects.map(nameKey).filter(Boolean);
  const title = nameKey(thread.title);
  const seen = new Set<string>();
  const out: SubjectMatch[] = [];
  for (const s of subjects) {
    const id = `${s.hobby}/${s.slug}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const names = [...new Set([s.name, ...s.aliases].map(nameKey).filter(Boolean))];
    let best: { reason: MatchReason; score: number } | null = null;
    const offer = (reason: MatchReason, score: number) => {
      if (!best || score > best.score) best = { reason, score };
    };
    if (bgg && s.externalIds.bgg === bgg) offer('bgg', 10_000);
    places.forEach((p, i) => {
      const depth = Math.max(0, 10 - i);
      for (const n of names) {
        if (p === n) offer('place', 5_000 + depth * 10);
        else if (hasWords(p, n)) offer('place', 3_000 + depth * 10 + Math.min(n.length, 9));
      }
    });
    for (const n of names) if (hasWords(title, n)) offer('title', 1_000 + Math.min(n.length, 200));
    if (best) out.push({ subject: s, ...(best as { reason: MatchReason; score: number }) });
  }
  return out.sort((a, b) => b.score - a.score || a.subject.name.localeCompare(b.subject.name) || a.subject.slug.localeCompare(b.subject.slug));
}

/** Words shorter than this bring back too many subjects to be worth a lookup of their own. */
const MIN_TITLE_WORD = 4;

/**
 * What to ask the hub's autocomplete for to find the subjects a thread may be about: the trail's places
 * (most specific first) and the title's longest words. The hub matches by "contains", so each query
 * brings candidates that rankSubjects then orders or drops.
 */
export function subjectQueries(thread: Pick<Thread, 'title' | 'breadcrumbs'>, max = 6): string[] {
  const places = domainSuggestions(thread).subjects.slice(0, 3);
  const words = [...new Set(nameKey(thread.title).split(' ').filter((w) => w.length >= MIN_TITLE_WORD))].sort((a, b) => b.length - a.length);
  const out: string[] = [];
  for (const q of [...places, ...words]) {
    const k = nameKey(q);
    if (k && !out.some((o) => nameKey(o) === k)) out.push(q.trim().slice(0, 100));
    if (out.length >= max) break;
  }
  return out;
}

/**
 * A slug for a subject the contributor proposes: the hub's slug rule (lowercase ASCII letters and digits
 * in hyphen-joined runs, at most 80), accents dropped. Null when nothing of the name survives (a name in
 * a non-Latin script): a moderator then chooses the slug.
 */
export function proposedSlug(name: string): string | null {
  const ascii = name.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/ß/g, 'ss');
  let slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length > 80) slug = slug.slice(0, 80).replace(/-[^-]*$/, '') || slug.slice(0, 80);
  slug = slug.replace(/-+$/, '');
  return slug || null;
}

/** The reference a proposal is sent with, or why there can be none yet. */
export function proposalRef(hobbyText: string, name: string): { ok: true; ref: SubjectRef } | { ok: false; reason: string } {
  if (!name.trim()) return { ok: false, reason: 'Type the name of the subject to propose.' };
  if (!hobbyText.trim()) return { ok: false, reason: 'Name the hobby too: a new subject is proposed within a hobby.' };
  const hobby = proposedSlug(hobbyText);
  const slug = proposedSlug(name);
  if (!hobby || !slug) return { ok: false, reason: `“${!hobby ? hobbyText.trim() : name.trim()}” has no letters a–z or digits to make an address from. The entry keeps the name as free text; a moderator files it.` };
  return { ok: true, ref: { hobby, slug } };
}

export type SubjectOption = { kind: 'hub'; subject: Subject; reason: MatchReason | null } | { kind: 'propose'; name: string };

/**
 * The picker's list: the subjects matched to the page first, then the autocomplete's answers for what
 * is typed, then "propose a new subject" for the typed name unless a listed subject already carries it.
 * While something is typed, matched subjects that do not contain it are left out.
 */
export function subjectOptions(matched: SubjectMatch[], found: Subject[], typed: string, limit = 12): SubjectOption[] {
  const t = nameKey(typed);
  const fits = (s: Subject) => !t || [s.name, s.slug, ...s.aliases].some((n) => nameKey(n).includes(t));
  const out: SubjectOption[] = [];
  const ids = new Set<string>();
  for (const m of matched) if (fits(m.subject) && !ids.has(`${m.subject.hobby}/${m.subject.slug}`)) (ids.add(`${m.subject.hobby}/${m.subject.slug}`), out.push({ kind: 'hub', subject: m.subject, reason: m.reason }));
  for (const s of found) if (!ids.has(`${s.hobby}/${s.slug}`)) (ids.add(`${s.hobby}/${s.slug}`), out.push({ kind: 'hub', subject: s, reason: null }));
  const listed = out.slice(0, limit);
  const named = listed.some((o) => o.kind === 'hub' && [o.subject.name, ...o.subject.aliases].some((n) => nameKey(n) === t));
  if (t && !named) listed.push({ kind: 'propose', name: typed.trim() });
  return listed;
}
