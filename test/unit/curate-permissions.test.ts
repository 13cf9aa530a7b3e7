import { describe, expect, it } from 'vitest';
import { buildEntry, type BuildContext, type QaDraft } from '../../lib/curate/entry.ts';
import { sha256Hex } from '../../lib/curate/hash.ts';
import { entryProblems } from '../../lib/license/entry-checks.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { ConsentBasisId } from '../../lib/license/index.ts';
import { Entry } from '../../lib/model/entry.ts';
import type { Thread } from '../../lib/model/thread.ts';
import { discourseThread } from '../support/entries.ts';

// meta.discourse.org carries no open licence: only a basis with evidence lets its posts in.
const NOW = new Date('2026-11-25T08:00:00Z');
const t: Thread = discourseThread();
const [q, a] = t.posts;
const draft: QaDraft = { kind: 'qa', title: t.title, question: { text: q!.text, postIds: [q!.id] }, answers: [{ text: a!.text, postIds: [a!.id] }] };

function ctx(basis: ConsentBasisId | null, permissionPostIds: string[] = [], thread: Thread = t): BuildContext {
  const s = consentStatement(basis, 'CC-BY-SA-4.0');
  return {
    thread,
    now: NOW,
    extensionVersion: 'test',
    consent: { grant: 'CC-BY-SA-4.0', basis, permissionPostIds, statement: s?.text ?? '', statementVersion: s?.version ?? '', who: 'tester', agreed: true },
  };
}

describe('no basis without evidence (building the entry)', () => {
  it('refuses an entry with no basis, saying why and what would let it in', async () => {
    const r = await buildEntry(draft, ctx(null));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Choose a basis for consent: these posts carry no open licence/);
    expect(r.errors[0]).toMatch(/wrote every post yourself.*each author gave permission.*moderate this community/);
  });

  it('author opt-in without permission records names every author who lacks one', async () => {
    const r = await buildEntry(draft, ctx('author_opt_in'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContain(
      `No permission is recorded for these 2 authors: ${q!.author.name} and ${a!.author.name}. For each, mark the post in which they grant permission, remove their posts from the entry, or choose another basis.`,
    );
    const one = await buildEntry(draft, ctx('author_opt_in', [q!.id]));
    expect(one.ok ? [] : one.errors).toContain(
      `No permission is recorded for this author: ${a!.author.name}. For each, mark the post in which they grant permission, remove their posts from the entry, or choose another basis.`,
    );
  });

  it('a post by someone else does not count as an author\'s permission', async () => {
    // Both posts marked are the question author's: the answer's author still has none.
    const second = { ...q!, id: `${q!.id}-grant`, text: 'Yes, you may use my posts here under CC BY-SA 4.0.' };
    const thread = { ...t, posts: [...t.posts, second] };
    const r = await buildEntry(draft, ctx('author_opt_in', [q!.id, second.id], thread));
    expect(r.ok ? [] : r.errors.join('\n')).toMatch(new RegExp(`this author: ${a!.author.name}\\.`));
  });

  it('records each permission in the receipt: the author, the post address, its captured words and their sha256', async () => {
    const grant = { ...a!, id: `${a!.id}-grant`, permalink: `${t.url}/9`, text: 'You have my permission to publish my replies in this thread under CC BY-SA 4.0.' };
    const thread = { ...t, posts: [...t.posts, grant] };
    const r = await buildEntry(draft, ctx('author_opt_in', [q!.id, grant.id], thread));
    expect(r.ok, r.ok ? '' : r.errors.join('\n')).toBe(true);
    if (!r.ok) return;
    const perms = r.entry.consent.permissions!;
    expect(perms.map((p) => [p.author.name, p.post?.postId, p.post?.url])).toEqual([
      [q!.author.name, q!.id, q!.permalink ?? t.url],
      [a!.author.name, grant.id, `${t.url}/9`],
    ]);
    expect(perms[1]!.post!.text).toBe(grant.text);
    expect(perms[1]!.post!.sha256).toBe(await sha256Hex(grant.text));
    expect(r.entry.consent.statementVersion).toBe('author_opt_in/3');
    // The record survives the schema and the hub's checks unchanged.
    expect(Entry.parse(JSON.parse(JSON.stringify(r.entry)))).toEqual(r.entry);
    expect(entryProblems(r.entry, { now: NOW })).toEqual([]);
  });

  it('a permission marked for an author of a post not in the entry is left out of the receipt', async () => {
    const other = { ...a!, id: 'bystander', author: { name: 'someone-else', url: null }, text: 'Sure, use mine.' };
    const thread = { ...t, posts: [...t.posts, other] };
    const r = await buildEntry(draft, ctx('author_opt_in', [q!.id, a!.id, other.id], thread));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.entry.consent.permissions!.map((p) => p.author.name)).toEqual([q!.author.name, a!.author.name]);
  });

  it('self: the receipt leaves the proofs to the hub, and says it records them', async () => {
    const r = await buildEntry(draft, ctx('self'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.entry.consent.identityProofs).toEqual([]);
    expect(r.entry.consent.statement).toMatch(/I have proven to the hub that I am their author on each forum: the hub records the proofs it checked/);
    expect(r.entry.consent.permissions).toBeUndefined();
  });
});

describe('the hub refuses an author opt-in without each author\'s permission', () => {
  async function optIn() {
    const r = await buildEntry(draft, ctx('author_opt_in', [q!.id, a!.id]));
    if (!r.ok) throw new Error(r.errors.join('; '));
    return r.entry;
  }
  const problems = (e: Entry) => entryProblems(e, { now: NOW });

  it('names the authors whose record is missing', async () => {
    const e = await optIn();
    const none = { ...e, consent: { ...e.consent, permissions: undefined } };
    expect(problems(none)).toEqual([
      { field: 'consent.permissions', message: `No permission is recorded for these 2 authors: ${q!.author.name} and ${a!.author.name}. For each, mark the post in which they grant permission, remove their posts from the entry, or choose another basis.` },
    ]);
    const one = { ...e, consent: { ...e.consent, permissions: e.consent.permissions!.slice(0, 1) } };
    expect(problems(one).map((p) => p.message)).toEqual([expect.stringContaining(`this author: ${a!.author.name}.`)]);
  });

  it('refuses a permission post that is not a web address, a hash that is not 64 hex, and a post by someone else', async () => {
    const e = await optIn();
    const [p0, p1] = e.consent.permissions!;
    const forged = {
      ...e,
      consent: {
        ...e.consent,
        permissions: [
          { ...p0!, post: { ...p0!.post!, url: 'javascript:alert(1)', sha256: 'abc' } },
          // The answer author's "permission" is a post by the question's author.
          { ...p1!, post: { ...p0!.post!, author: q!.author } },
        ],
      },
    };
    const got = problems(forged);
    expect(got.map((p) => p.field)).toEqual(['consent.permissions[0].post.url', 'consent.permissions[0].post.sha256', 'consent.permissions[1].post.author', 'consent.permissions']);
    expect(got[2]!.message).toBe(`the post was written by ${q!.author.name}, so it cannot grant permission for ${a!.author.name}`);
    expect(got[3]!.message).toContain(`this author: ${a!.author.name}.`);
  });

  it('other bases need no permission records', async () => {
    const r = await buildEntry(draft, ctx('self'));
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(problems(r.entry)).toEqual([]);
  });

  it('the schema refuses a permission with neither a post nor a hub grant, and a malformed hash', async () => {
    const e = await optIn();
    const bare = { ...e, consent: { ...e.consent, permissions: [{ author: q!.author }] } };
    expect(Entry.safeParse(bare).success).toBe(false);
    const badHash = { ...e, consent: { ...e.consent, permissions: [{ ...e.consent.permissions![0]!, post: { ...e.consent.permissions![0]!.post!, sha256: 'ABC' } }] } };
    const r = Entry.safeParse(badHash);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]!.path.join('.')).toBe('consent.permissions.0.post.sha256');
  });
});
