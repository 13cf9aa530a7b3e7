import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteHubStore } from '../../hub/store-sqlite.ts';
import { vouchesOf } from '../../hub/vouch-store.ts';

const run = async (...args: string[]) => {
  try {
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'hub/cli.ts', ...args], { encoding: 'utf8' });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
};

describe('hub command line: vouching', () => {
  it('vouches, lists and unvouches, and refuses a missing account or a community that is no host', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gleaner-vouch-')), 'hub.sqlite');
    const store = new SqliteHubStore(db);
    const carol = store.addContributor('carol').contributor;
    store.close();

    const v = await run('vouch', 'carol', '--community', 'https://Forum.Example/board/', '--note', 'listed on the staff page', '--db', db);
    expect(v).toMatchObject({ code: 0, out: 'Vouched for "carol" as a moderator of forum.example/board: their attestations now count for posts from there.\n' });
    expect((await run('vouches', '--db', db)).out).toMatch(/^forum\.example\/board\tcarol\tvouched by hub operator on \S+\tlisted on the staff page\n$/);
    expect(await run('vouch', 'nobody', '--community', 'forum.example', '--db', db)).toMatchObject({ code: 1, err: expect.stringContaining('no account is called "nobody"') });
    expect(await run('vouch', 'carol', '--community', 'not a host', '--db', db)).toMatchObject({ code: 2, err: expect.stringContaining('--community takes the forum\'s host') });
    expect(await run('vouch', 'carol', '--db', db)).toMatchObject({ code: 2, err: expect.stringContaining('needs the account\'s name and --community') });

    const check = new SqliteHubStore(db);
    expect(await (await vouchesOf(check)).communitiesOf(carol.id)).toEqual(['forum.example/board']);
    check.close();
    expect((await run('unvouch', 'carol', '--community', 'forum.example/board', '--db', db)).out).toBe('"carol" is no longer vouched for as a moderator of forum.example/board.\n');
    expect((await run('vouches', '--db', db)).out).toMatch(/^No community moderator is vouched for/);
  }, 240_000); // eight CLI processes: generous under a loaded machine
});
