import type { Author } from '../model/thread.ts';
import type { AuthorPermission } from '../model/entry.ts';

/**
 * Author permissions (basis `author_opt_in`): which authors of an entry's sources have a permission
 * record and which do not. The curate view, buildEntry and the hub's checks share these rules, so an
 * entry the extension lets through is one the hub accepts.
 */

/**
 * Two authors are the same person when their profile addresses match; without an address on both
 * sides, by the name the page shows (case and spacing aside). Names alone can collide on a forum with
 * display names, which is why a profile address wins when both have one.
 */
export function sameAuthor(a: Author, b: Author): boolean {
  if (a.url && b.url) return a.url === b.url;
  const norm = (n: string) => n.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
  return norm(a.name) === norm(b.name);
}

/** The distinct authors, in first-seen order. */
export function distinctAuthors(authors: Author[]): Author[] {
  const out: Author[] = [];
  for (const a of authors) if (!out.some((o) => sameAuthor(o, a))) out.push(a);
  return out;
}

/** Authors of the sources that no permission record covers. */
export function authorsWithoutPermission(sourceAuthors: Author[], permissions: Pick<AuthorPermission, 'author'>[]): Author[] {
  return distinctAuthors(sourceAuthors).filter((a) => !permissions.some((p) => sameAuthor(p.author, a)));
}

/** "Ann, Bob and Cy": names for a message. */
export function nameList(authors: Author[]): string {
  const names = authors.map((a) => a.name);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** What the contributor is told when authors lack a permission record. */
export function missingPermissionMessage(missing: Author[]): string {
  const n = missing.length;
  return (
    `No permission is recorded for ${n === 1 ? 'this author' : `these ${n} authors`}: ${nameList(missing)}. ` +
    `For each, mark the post in which they grant permission, remove their posts from the entry, or choose another basis.`
  );
}

/**
 * A hub grant covers only the licence the author chose on the hub: the hub refuses an entry under any
 * other, so the curate view and buildEntry say it first, with what to do.
 */
export function hubGrantLicenseProblem(author: Author, granted: string, entryLicense: string): string | null {
  if (granted === entryLicense) return null;
  return (
    `${author.name} granted permission on the hub under ${granted}, but this entry is licensed ${entryLicense}: a grant covers only the licence its author chose. ` +
    `Choose ${granted} as the entry's licence, or mark a post in which ${author.name} grants permission for ${entryLicense}.`
  );
}
