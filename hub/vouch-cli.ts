import { normaliseCommunity } from '../lib/license/community.ts';
import type { HubStore } from './store.ts';
import { vouchesOf } from './vouch-store.ts';

/** The operator on the hub's machine: recorded as who vouched when done on the command line. */
const OPERATOR = 'hub operator';

/** `vouch NAME --community HOST`, `unvouch NAME --community HOST`, `vouches`: prints the outcome; returns the exit code. */
export async function vouchCommand(
  cmd: 'vouch' | 'unvouch' | 'vouches',
  name: string | undefined,
  opts: { community?: string; note?: string },
  store: HubStore,
  where: string,
): Promise<number> {
  const vouches = await vouchesOf(store);
  if (cmd === 'vouches') {
    const all = await vouches.list();
    if (!all.length) process.stdout.write(`No community moderator is vouched for in ${where}.\n`);
    for (const v of all) process.stdout.write(`${v.community}\t${v.contributor}\tvouched by ${v.vouchedBy} on ${v.vouchedAt}${v.note ? `\t${v.note}` : ''}\n`);
    return 0;
  }
  if (!name || !opts.community) {
    process.stderr.write(`hub: ${cmd} needs the account's name and --community HOST (e.g. ${cmd} alice --community forum.example)\n`);
    return 2;
  }
  const community = normaliseCommunity(opts.community);
  if (!community) {
    process.stderr.write(`hub: --community takes the forum's host, optionally with the path its posts live under (forum.example, example.org/forum), not "${opts.community}"\n`);
    return 2;
  }
  if (cmd === 'vouch') {
    const r = await vouches.vouch(name, community, OPERATOR, opts.note ?? null);
    if (r === 'no-account') {
      process.stderr.write(`hub: no account is called "${name}" in ${where}; create it with add-contributor or pair-code first.\n`);
      return 1;
    }
    process.stdout.write(r.created ? `Vouched for "${name}" as a moderator of ${community}: their attestations now count for posts from there.\n` : `"${name}" was already vouched for as a moderator of ${community}; nothing changed.\n`);
    return 0;
  }
  const n = await vouches.unvouch(name, community);
  process.stdout.write(n ? `"${name}" is no longer vouched for as a moderator of ${community}.\n` : `"${name}" was not vouched for as a moderator of ${community}; nothing changed.\n`);
  return 0;
}
