import { commit } from '@huggingface/hub';

/**
 * Opens a pull request with a release on a Hugging Face dataset repo. The token comes from the hub's
 * own environment (`HF_TOKEN`), never from the extension or a request. `hubUrl` exists for tests
 * against a local stand-in; this has not been run against the real Hub.
 */
export async function pushRelease(files: Map<string, string>, opts: { repo: string; release: string; token: string; hubUrl?: string; fetch?: typeof fetch }): Promise<{ pullRequestUrl: string | null; commit: string }> {
  const out = await commit({
    repo: { type: 'dataset', name: opts.repo },
    accessToken: opts.token,
    title: `Gleaner release ${opts.release}`,
    description: `${files.size} files written by \`npm run hub -- publish\`; rebuild them from the same accepted entries to check the bytes.`,
    operations: [...files.entries()].map(([path, text]) => ({ operation: 'addOrUpdate' as const, path, content: new Blob([text]) })),
    isPullRequest: true,
    // Plain (non-xet) uploads: release files are small text, and the classic commit API is the documented one.
    useXet: false,
    ...(opts.hubUrl ? { hubUrl: opts.hubUrl } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  if (!out) throw new Error('The Hub returned no commit.');
  return { pullRequestUrl: out.pullRequestUrl ?? null, commit: out.commit.oid };
}
