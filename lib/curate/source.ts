import type { Source } from '../model/entry.ts';
import type { Post, Thread } from '../model/thread.ts';
import { postLicense, type LicenseContext } from '../license/index.ts';

/** One source post with its own licence: Stack Exchange posts of different years carry different ones. */
export function sourceFor(thread: Thread, post: Post, role: Source['role'], licenseContext?: LicenseContext): Source {
  // The terms read at capture decide a forum's licence unless the caller brings its own reading.
  const ctx = licenseContext ?? (thread.terms ? { tosText: thread.terms.text, tosUrl: thread.terms.url } : {});
  const lic = postLicense(thread, post, ctx);
  return {
    url: post.permalink ?? thread.url,
    threadUrl: thread.url,
    platform: thread.platform,
    postId: post.id,
    title: thread.title,
    author: post.author,
    postedAt: post.publishedAt,
    license: lic.license,
    licenseEvidence: lic.evidence,
    role,
    // The community's own ranking signals travel with the source: releases order answers by them.
    ...(post.score !== null && Number.isFinite(post.score) ? { score: post.score } : {}),
    ...(post.accepted ? { accepted: true } : {}),
  };
}
