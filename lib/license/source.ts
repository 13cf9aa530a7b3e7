import type { Post, Thread } from '../model/thread.ts';
import { datedLicense, evidenceUrlFor, licenseFromTosText, policyFor } from './policies.ts';

/** The licence of one source (a post, or a whole thread), where that was determined, and whose post it is. */
export interface SourceLicense {
  /** SPDX id or expression; null when no open licence is granted or none could be determined. */
  license: string | null;
  evidence: { url: string | null; how: string } | null;
  /** Whose words these are, so a refusal can name the post and the author. */
  who?: { postId: string | null; author: string | null; url: string | null };
}

/** Things read outside the page that decide a licence: the forum's terms text, fetched by the extension. */
export interface LicenseContext {
  /** The text of the forum's terms page (Discourse `/tos`). */
  tosText?: string;
  /** Where that text came from; defaults to the policy's terms URL. */
  tosUrl?: string;
}

/**
 * One post's licence. Order of authority: a site whose licence is fixed by date (Stack Exchange), then
 * what the page itself declares, then the forum's terms, then the platform's known terms.
 * Stack Exchange licenses by revision date; the model keeps only `publishedAt`, so an edited post is
 * judged by its first version's date.
 */
export function postLicense(thread: Thread, post: Post, ctx: LicenseContext = {}): SourceLicense {
  const who = { postId: post.id, author: post.author.name, url: post.permalink };
  const policy = policyFor(thread.platform, thread.url);
  const policyUrl = policy ? evidenceUrlFor(policy, thread.url) : null;

  if (policy?.rule.kind === 'dated') {
    const license = datedLicense(policy.rule.periods, post.publishedAt);
    if (!license) {
      return {
        license: null,
        evidence: { url: policyUrl, how: `${policy.name} licenses posts by the date they were written, and this post carries no readable date` },
        who,
      };
    }
    return { license, evidence: { url: policyUrl, how: `${policy.name} licenses content written ${post.publishedAt} under ${license}` }, who };
  }

  const hint = thread.licenseHints?.[0];
  if (hint) {
    const more = thread.licenseHints!.slice(1).map((h) => h.license);
    const how = more.length ? `${hint.evidence}; the page also names ${more.join(', ')}` : hint.evidence;
    return { license: hint.license, evidence: { url: thread.url, how }, who };
  }

  if (policy?.rule.kind === 'tos') {
    if (ctx.tosText === undefined) {
      return {
        license: null,
        evidence: { url: policyUrl, how: `a ${policy.name}'s licence is whatever its terms of service grant, and they have not been read yet` },
        who,
      };
    }
    const tos = licenseFromTosText(ctx.tosText);
    return { license: tos.license, evidence: { url: ctx.tosUrl ?? policyUrl, how: tos.evidence }, who };
  }

  if (policy?.rule.kind === 'none') return { license: null, evidence: { url: policyUrl, how: policy.rule.why }, who };

  return {
    license: null,
    evidence: { url: thread.url, how: `the page declares no licence and Gleaner knows no licence policy for ${thread.platform}` },
    who,
  };
}

/**
 * The licence of a thread's posts taken together. When posts differ (Stack Exchange posts from
 * different years) the answer is their SPDX conjunction, e.g. `CC-BY-SA-3.0 AND CC-BY-SA-4.0`.
 */
export function sourceLicenseOf(thread: Thread, ctx: LicenseContext = {}): SourceLicense {
  const per = thread.posts.map((p) => postLicense(thread, p, ctx));
  const missing = per.find((p) => p.license === null);
  if (missing) return { license: null, evidence: missing.evidence };
  const ids = [...new Set(per.map((p) => p.license!))].sort();
  if (ids.length === 1) return { license: ids[0]!, evidence: per[0]!.evidence };
  const how = ids.map((id) => `${per.filter((p) => p.license === id).length} post(s) under ${id}`).join(', ');
  return {
    license: ids.map((id) => (/\s/.test(id) ? `(${id})` : id)).join(' AND '),
    evidence: { url: per[0]!.evidence?.url ?? thread.url, how: `posts differ in licence: ${how}` },
  };
}
