import { createHash, randomBytes } from 'node:crypto';
import { extractThread, sourceFromText } from '../lib/extract/index.ts';
import { nodeKit } from '../lib/extract/linkedom-node.ts';
import { sameAuthor } from '../lib/license/permissions.ts';
import type { Author } from '../lib/model/thread.ts';
import type { Entry, IdentityProof } from '../lib/model/entry.ts';
import type { FetchedPage } from './page-fetch.ts';
import type { StoredProof } from './consent-store.ts';

/**
 * Proven forum identities: "I am NAME on FORUM", shown by a short code the hub hands out, which the
 * person puts in a post or on their profile, and which the hub then finds on the page it fetched
 * itself, read with the same extractor as any capture, in a post whose author is NAME (or on NAME's
 * profile page). A forum is its host name: one forum, one host, whatever page of it is given.
 */

/** How long a code may wait to be posted. */
export const CLAIM_TTL_MS = 7 * 24 * 3600_000;

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The forum a page or a typed address belongs to: its host, lower case, without a leading "www.". */
export function forumOf(address: string): string | null {
  const t = address.trim();
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `https://${t}`);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  return host.length ? host : null;
}

/** A code short enough to type, long enough not to be guessed or to appear by chance: "gleaner-" and 10 letters and digits. */
export function newProofCode(): string {
  const alphabet = 'abcdefghjkmnpqrstvwxyz23456789';
  return `gleaner-${[...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

const normName = (n: string) => n.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();

/** Paths forum engines give profile pages (phpBB memberlist, XenForo members, Discourse u, SMF profile…). */
const PROFILE_PATH = /(^|[/?&=.])(u|user|users|member|members|memberlist|profile|profiles|people|account)([/?&=.]|$)/i;

export type ProofCheck =
  | { ok: true; profileUrl: string | null; sha256: string; how: 'post' | 'profile' }
  | { ok: false; reason: string };

/**
 * Whether the fetched page shows `code` under `name`: in the own words (or signature) of a post the
 * extractor attributes to that name, or on the name's profile page. Quotes do not count, so nobody
 * can prove an identity by quoting the real person's post.
 */
export function checkProofPage(page: FetchedPage, claim: { forum: string; name: string; code: string }): ProofCheck {
  const host = forumOf(page.url);
  if (host !== claim.forum) return { ok: false, reason: `The page is on ${host ?? 'an unknown host'}, but the identity claimed is on ${claim.forum}. Give a page of ${claim.forum}.` };
  if (!page.text.includes(claim.code)) {
    return { ok: false, reason: `The code ${claim.code} is not on the page ${page.url}. Check the post or profile is saved and public, that the code is copied exactly, and that you gave the page's address.` };
  }
  let posts: { author: Author; text: string; signature?: string }[] = [];
  let doc: Document | null = null;
  try {
    const src = sourceFromText(page.text, page.url, nodeKit);
    if (src.kind === 'html') doc = src.doc;
    posts = extractThread(src).posts;
  } catch {
    posts = []; // no thread on the page: it may be a profile
  }
  const withCode = posts.filter((p) => p.text.includes(claim.code) || (p.signature ?? '').includes(claim.code));
  const mine = withCode.find((p) => normName(p.author.name) === normName(claim.name));
  if (mine) return { ok: true, profileUrl: mine.author.url, sha256: sha256Hex(mine.text), how: 'post' };
  if (withCode.length) {
    const others = [...new Set(withCode.map((p) => p.author.name))].slice(0, 3).join(', ');
    return { ok: false, reason: `The code is in a post by ${others}, not by ${claim.name}. Only ${claim.name} can prove this identity, in a post of their own.` };
  }
  if (doc && PROFILE_PATH.test(new URL(page.url).pathname)) {
    const heading = [doc.querySelector('title')?.textContent ?? '', doc.querySelector('h1')?.textContent ?? ''].map(normName);
    const name = normName(claim.name);
    const names = heading.some((h) => h === name || h.split(/[\s|·:—–-]+/).includes(name) || h.startsWith(`${name} `) || h.includes(` ${name} `));
    if (names) return { ok: true, profileUrl: page.url, sha256: sha256Hex(normName(doc.body?.textContent ?? page.text)), how: 'profile' };
  }
  return {
    ok: false,
    reason: posts.length
      ? `The code is on the page, but not in the own words of a post by ${claim.name} (a quote, or another part of the page, does not count). Put it in a post of your own and give that post's address.`
      : `The code is on the page, but the page is neither a post by ${claim.name} nor ${claim.name}'s profile page. Give the address of your post or of your profile.`,
  };
}

/** A proof as entries carry it (consent.identityProofs). */
export function publicProof(p: StoredProof): IdentityProof {
  return { forum: p.forum, name: p.name, profileUrl: p.profileUrl, proofUrl: p.proofUrl, sha256: p.sha256, checkedAt: p.checkedAt };
}

/** Whether a proven identity is the author of a source post: same forum host, then the authors' own rule (profile address, else name). */
export function proofCovers(p: { forum: string; name: string; profileUrl: string | null }, source: { url: string; author: Author }): boolean {
  return forumOf(source.url) === p.forum && /^https?:/i.test(source.url) && sameAuthor({ name: p.name, url: p.profileUrl }, source.author);
}

export interface IdentityIssue {
  pointer: string;
  detail: string;
}

/**
 * Basis self: every source post must be by one of the contributor's proven identities. Returns the
 * problems, and the proofs that cover the sources (which the hub writes into the receipt).
 */
export function selfIssues(entry: Entry, proofs: StoredProof[]): { issues: IdentityIssue[]; used: StoredProof[] } {
  const issues: IdentityIssue[] = [];
  const used = new Map<string, StoredProof>();
  entry.sources.forEach((s, i) => {
    if (!/^https?:/i.test(s.url)) {
      issues.push({ pointer: `/sources/${i}/url`, detail: `post ${s.postId} comes from an archive, not a forum page: no forum identity can be proven for it, so the basis "I wrote every post" cannot be checked. Choose another basis.` });
      return;
    }
    const p = proofs.find((x) => proofCovers(x, s));
    if (p) used.set(p.id, p);
    else {
      const forum = forumOf(s.url) ?? s.url;
      issues.push({
        pointer: `/sources/${i}/author`,
        detail: `post ${s.postId} is by ${s.author.name} on ${forum}, and you have not proven that identity on this hub. Prove it (ask the hub for a code, post it on ${forum} as ${s.author.name}, give the address), or choose another basis.`,
      });
    }
  });
  // Proofs the entry names itself must be this contributor's, as the hub stored them.
  (entry.consent.identityProofs ?? []).forEach((x, k) => {
    if (!proofs.some((p) => p.proofUrl === x.proofUrl && p.sha256 === x.sha256 && p.forum === x.forum && p.name === x.name)) {
      issues.push({ pointer: `/consent/identityProofs/${k}`, detail: `no proof of ${x.name} on ${x.forum} at ${x.proofUrl.slice(0, 200)} is recorded for you on this hub. Leave identityProofs empty and the hub fills in the proofs it holds.` });
    }
  });
  return { issues, used: [...used.values()] };
}
