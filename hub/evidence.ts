import type { Entry } from '../lib/model/entry.ts';
import type { EntryProblem } from '../lib/license/entry-checks.ts';
import { sha256HexSync as sha256Hex } from './content-hash.ts';
import { sameAuthor } from '../lib/license/permissions.ts';
import { hostOf } from '../lib/license/community.ts';

/**
 * The evidence an entry's consent receipt carries, checked by the hub itself rather than taken on trust:
 * every hash is computed again from the text sent with it (the same SHA-256 of the exact text the
 * extension computed when it captured it), and a permission post must be on the forum its author's
 * posts come from. What needs no digest (shapes, authors, vouched communities) is in lib/license.
 */
export async function evidenceProblems(entry: Entry): Promise<EntryProblem[]> {
  const out: EntryProblem[] = [];
  const { consent } = entry;

  const page = consent.basis === 'moderator_attestation' ? consent.attestation?.rulesPage : undefined;
  if (page && sha256Hex(page.text) !== page.sha256) {
    out.push({
      field: 'consent.attestation.rulesPage.sha256',
      message: `the hash of the rules page (${page.url.slice(0, 200)}) does not match the text the attestation carries, so the record was changed after Gleaner read the page. Create the bulk job again to read the rules page afresh.`,
    });
  }

  if (consent.basis === 'author_opt_in') {
    // Loops rather than filter and map, whose arrays the optimising compiler lays out differently from
    // the runtime: reading both shapes would make it throw this code away and compile it again.
    const sourceHosts = (author: Entry['sources'][number]['author']) => {
      const own: Entry['sources'] = [];
      for (const s of entry.sources) if (sameAuthor(s.author, author)) own.push(s);
      const hosts = new Set<string>();
      for (const s of own.length ? own : entry.sources) {
        const h = hostOf(s.url);
        if (h) hosts.add(h);
      }
      return hosts;
    };
    for (const [i, p] of (consent.permissions ?? []).entries()) {
      if (!p.post) continue; // a hub grant: checked by the hub that issued it
      const at = `consent.permissions[${i}].post`;
      if (sha256Hex(p.post.text) !== p.post.sha256) {
        out.push({ field: `${at}.sha256`, message: `the hash of ${p.author.name}'s permission post does not match the text sent with it, so the record was changed after it was captured. Mark the post again in the curate view.` });
      }
      const host = hostOf(p.post.url);
      const hosts = sourceHosts(p.author);
      // Posts from archives (chat, mail) have no web host to compare with; the post's own address is still checked.
      if (host && hosts.size && !hosts.has(host)) {
        out.push({
          field: `${at}.url`,
          message: `${p.author.name}'s permission post is on ${host}, but their posts in this entry come from ${[...hosts].slice(0, 3).join(', ')}: a permission must be given on the forum the posts are from.`,
        });
      }
    }
  }
  return out;
}
