import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { commit } from '@huggingface/hub';

/**
 * Opens a pull request with a release on a Hugging Face dataset repo. The token comes from the hub's
 * own environment (`HF_TOKEN`), never from the extension or a request. `hubUrl` exists for tests
 * against a local stand-in; this has not been run against the real Hub. The files are read from the
 * release folder `dir` (`files`: their paths in it, as `hub publish` wrote them), each as a file-backed
 * Blob, so a release of any size is never held in memory at once.
 */
export async function pushRelease(dir: string, files: string[], opts: { repo: string; release: string; token: string; hubUrl?: string; fetch?: typeof fetch }): Promise<{ pullRequestUrl: string | null; commit: string }> {
  const out = await commit({
    repo: { type: 'dataset', name: opts.repo },
    accessToken: opts.token,
    title: `Gleaner release ${opts.release}`,
    description: `${files.length} files written by \`npm run hub -- publish\`; rebuild them from the same accepted entries to check the bytes.`,
    operations: await Promise.all(files.map(async (path) => ({ operation: 'addOrUpdate' as const, path, content: await openAsBlob(join(dir, path)) }))),
    isPullRequest: true,
    // Plain (non-xet) uploads: release files are small text, and the classic commit API is the documented one.
    useXet: false,
    ...(opts.hubUrl ? { hubUrl: opts.hubUrl } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  if (!out) throw new Error('The Hub returned no commit.');
  return { pullRequestUrl: out.pullRequestUrl ?? null, commit: out.commit.oid };
}
