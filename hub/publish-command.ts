/**
 * `hub publish`: claim what was accepted, build the release from exactly that, move it into the output
 * folder, and optionally open a pull request on Hugging Face. A module of its own so tests can run it
 * against a store in process.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { HubStore } from './store.ts';
import { streamedManifest, writeRelease, type StreamedManifest } from './release-writer.ts';
import { pushRelease } from './hf-push.ts';
import { Changes, Manifest, previousFrom } from './release-layout.ts';
import type { Entry } from '../lib/model/entry.ts';
import { writeRemovalList } from './removals.ts';
import { consentStoreFor } from './consent-store.ts';

export interface PublishCommandOptions {
  /** The output folder, absolute. */
  out: string;
  release: string | null;
  /** YYYY-MM-DD, checked by the caller. */
  date: string | null;
  /** A previous release's folder, absolute. */
  previous: string | null;
  name?: string;
  url?: string;
  hfRepo?: string;
  hfToken?: string;
}

export async function publishCommand(store: HubStore, o: PublishCommandOptions, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  // A release is cumulative: everything published before plus what was accepted since. The entries
  // are claimed first, in one transaction, and the files built from exactly what was claimed: an entry
  // withdrawn or rejected meanwhile is never overwritten, and never in the files. Should writing fail,
  // running publish again writes the same release (it holds every published entry).
  const claim = await store.publishAccepted(o.release);
  const { release } = claim;
  // The release date is never a contributor's claim (an entry's createdAt): the option, or the day the
  // newest of these entries was accepted, from the hub's own review history.
  const date = o.date ?? (await store.newestAcceptedDay());
  const out = o.out;
  mkdirSync(out, { recursive: true });
  // A previous manifest as the build writes it is read a line at a time alongside the entries, from a
  // copy; any other is read whole.
  const scratch = mkdtempSync(join(tmpdir(), 'gleaner-previous-'));
  // The release is built in a folder beside the output folder and moved in only once it is whole and
  // matches the claim, so a build that fails (disk full, an entry changed meanwhile) leaves the output
  // folder as it was.
  const staging = mkdtempSync(join(dirname(out), `.${basename(out)}-building-`));
  let written: Awaited<ReturnType<typeof writeRelease>>;
  let removed: number;
  try {
    const { previous, streamed } = previousManifest(o.previous, out, release, scratch);
    // Streamed: the published entries are read a page at a time (twice: counts, then files) and every
    // file written as it fills, so memory stays flat however many entries the release holds.
    const opts = { release, date, previous, name: o.name, url: o.url ?? (o.hfRepo ? `https://huggingface.co/datasets/${o.hfRepo}` : undefined) };
    written = await writeRelease(() => publishedPages(store), opts, staging, streamed ?? undefined);
    if (written.fingerprint !== claim.fingerprint) {
      throw new Error(`the published entries changed between the claim and the build (an entry removed or revised meanwhile); ${out} was left as it was. Run publish again to write a release of what is published now.`);
    }
    removed = await writeRemovalList(await consentStoreFor(store), staging, release);
    // Stale shards of a bigger release must not linger; other files of the user's in the folder stay.
    for (const dir of ['data', 'sft', 'preference']) rmSync(join(out, dir), { recursive: true, force: true });
    for (const name of readdirSync(staging)) {
      rmSync(join(out, name), { recursive: true, force: true });
      renameSync(join(staging, name), join(out, name));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  const files = [...written.files, 'removals.json'].sort();
  write(`Wrote release ${release}: ${claim.entries} entries (${claim.newlyPublished} newly published) to ${out}\n`);
  write(`removals.json lists ${removed} removed ${removed === 1 ? 'entry' : 'entries'}.\n`);
  if (o.hfRepo) {
    const pr = await pushRelease(out, files, { repo: o.hfRepo, release, token: o.hfToken!, hubUrl: process.env.HF_ENDPOINT });
    write(`Opened a pull request on ${o.hfRepo}: ${pr.pullRequestUrl ?? pr.commit}\n`);
  }
  return 0;
}

/**
 * The release this one is compared with: `--previous DIR`'s manifest; else the release already in the
 * output folder, or, when that is this same release published again, the one it was compared with then
 * (so publishing twice writes the same bytes). A manifest as the build writes it comes back streamed
 * (from a copy in `scratch`), so a previous release of any size is never held in memory; the
 * reconstruction for a release published again is held whole.
 */
function previousManifest(dir: string | null, out: string, release: string, scratch: string): { previous: Manifest | null; streamed: StreamedManifest | null } {
  const read = <T>(path: string, schema: { parse(v: unknown): T }): T => {
    try {
      return schema.parse(JSON.parse(readFileSync(path, 'utf8')));
    } catch (e) {
      throw new Error(`${path} is not a release's ${path.endsWith('changes.json') ? 'changes' : 'manifest'} file (${(e as Error).message.split('\n')[0]})`);
    }
  };
  const streamedCopy = (path: string) => {
    const copy = join(scratch, 'manifest.json');
    copyFileSync(path, copy);
    return streamedManifest(copy);
  };
  if (dir) {
    const streamed = streamedCopy(join(dir, 'manifest.json'));
    return streamed ? { previous: null, streamed } : { previous: read(join(dir, 'manifest.json'), Manifest), streamed: null };
  }
  if (!existsSync(join(out, 'manifest.json'))) return { previous: null, streamed: null };
  const streamed = streamedCopy(join(out, 'manifest.json'));
  if (streamed && streamed.release !== release) return { previous: null, streamed };
  const there = read(join(out, 'manifest.json'), Manifest);
  if (there.release !== release) return { previous: there, streamed: null };
  return { previous: existsSync(join(out, 'changes.json')) ? previousFrom(there, read(join(out, 'changes.json'), Changes)) : null, streamed: null };
}

/** Every published entry, a page at a time, in id order. */
async function* publishedPages(store: HubStore): AsyncIterable<Entry[]> {
  for (let page = await store.publishedPage(null, 1000); page.length; page = await store.publishedPage(page.at(-1)!.id, 1000)) yield page;
}
