import { describe, expect, it } from 'vitest';
import { buildEntry, type BuildContext, type QaDraft } from '../../lib/curate/entry.ts';
import { authorsLackingPermission, initialState, missingForSubmit, settleConsent, stateFromEntry, toggleRole, type EditorState } from '../../lib/curate/editor.ts';
import { entryProblems } from '../../lib/license/entry-checks.ts';
import { consentStatement, statementOfVersion } from '../../lib/license/statements.ts';
import { Entry, type HubConsentGrant } from '../../lib/model/entry.ts';
import type { Author, Thread } from '../../lib/model/thread.ts';
import { discourseThread } from '../support/entries.ts';

// meta.discourse.org carries no open licence: author_opt_in needs a permission per author.
const NOW = new Date('2026-12-07T08:00:00Z');
const t: Thread = discourseThread();
const [q, a] = t.posts;
const draft: QaDraft = { kind: 'qa', title: t.title, question: { text: q!.text, postIds: [q!.id] }, answers: [{ text: a!.text, postIds: [a!.id] }] };
const hubGrant = (license: string, id = '01GRANTQ'): HubConsentGrant => ({ hub: 'https://hub.example', grantId: id, license, grantedAt: '2026-12-01T10:00:00.000Z' });

function ctx(license: string, permissionPostIds: string[], hubGrants: { author: Author; grant: HubConsentGrant }[]): BuildContext {
  const s = consentStatement('author_opt_in', license);
  return { thread: t, now: NOW, extensionVersion: 'test', consent: { grant: license, basis: 'author_opt_in', permissionPostIds, hubGrants, statement: s.text, statementVersion: s.version, who: 'tester', agreed: true } };
}

describe('an author_opt_in entry resting on a hub grant', () => {
  it("records the grant as the author's permission, beside another author's post; the licence checks accept it", async () => {
    const r = await buildEntry(draft, ctx('CC-BY-SA-4.0', [a!.id], [{ author: q!.author, grant: hubGrant('CC-BY-SA-4.0') }]));
    expect(r.ok, r.ok ? '' : r.errors.join('\n')).toBe(true);
    if (!r.ok) return;
    const perms = r.entry.consent.permissions!;
    expect(perms.map((p) => [p.author.name, p.post?.postId ?? null, p.hubGrant?.grantId ?? null])).toEqual([
      [a!.author.name, a!.id, null],
      [q!.author.name, null, '01GRANTQ'],
    ]);
    expect(r.entry.consent.statementVersion).toBe('author_opt_in/3');
    expect(r.entry.consent.statement).toContain('or in a grant they made on the hub after proving their identity there');
    expect(Entry.parse(JSON.parse(JSON.stringify(r.entry)))).toEqual(r.entry);
    expect(entryProblems(r.entry, { now: NOW })).toEqual([]);
  });

  it('refuses a grant under another licence, in words that say what to do', async () => {
    const r = await buildEntry(draft, ctx('CC-BY-SA-4.0', [a!.id], [{ author: q!.author, grant: hubGrant('CC-BY-4.0') }]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const name = q!.author.name;
    expect(r.errors).toContain(
      `${name} granted permission on the hub under CC-BY-4.0, but this entry is licensed CC-BY-SA-4.0: a grant covers only the licence its author chose. Choose CC-BY-4.0 as the entry's licence, or mark a post in which ${name} grants permission for CC-BY-SA-4.0.`,
    );
    // The refused grant covers nobody, so the author is named as lacking a permission too.
    expect(r.errors.join('\n')).toContain(`No permission is recorded for this author: ${name}.`);
    // Under the licence the author chose, the same grant stands.
    expect((await buildEntry(draft, ctx('CC-BY-4.0', [a!.id], [{ author: q!.author, grant: hubGrant('CC-BY-4.0') }]))).ok).toBe(true);
  });

  it('a grant chosen for an author no longer in the entry neither blocks it nor enters the receipt', async () => {
    const bystander = { name: 'someone-else', url: 'https://meta.discourse.org/u/someone-else' };
    const r = await buildEntry(draft, ctx('CC-BY-SA-4.0', [q!.id, a!.id], [{ author: bystander, grant: hubGrant('CC0-1.0', '01BYSTANDER') }]));
    expect(r.ok, r.ok ? '' : r.errors.join('\n')).toBe(true);
    if (r.ok) expect(r.entry.consent.permissions!.map((p) => p.author.name)).toEqual([q!.author.name, a!.author.name]);
  });
});

describe('the curate view with hub grants', () => {
  const optIn = (): EditorState => {
    let s = toggleRole(initialState(t), q!.id, 'question');
    s = toggleRole(s, a!.id, 'answer');
    return { ...s, basis: 'author_opt_in', grant: 'CC-BY-SA-4.0', agreed: true };
  };

  it('counts a chosen grant as the author\'s permission, and says up front when its licence is not the entry\'s', () => {
    const s = { ...optIn(), permissionPostIds: [a!.id], hubGrants: [{ author: q!.author, grant: hubGrant('CC-BY-SA-4.0') }] };
    expect(authorsLackingPermission(s, t)).toEqual([]);
    expect(missingForSubmit(s, { thread: t })).toEqual([]);
    const other = { ...s, grant: 'CC-BY-4.0' };
    expect(missingForSubmit(other, { thread: t })).toEqual([expect.stringMatching(new RegExp(`^${q!.author.name} granted permission on the hub under CC-BY-SA-4.0, but this entry is licensed CC-BY-4.0`))]);
    // Changing the licence changes the statement's words, so the consent tick is cleared too.
    expect(settleConsent(s, other).agreed).toBe(false);
  });

  it('revising an entry brings its hub grants back into the editor', async () => {
    const r = await buildEntry(draft, ctx('CC-BY-SA-4.0', [a!.id], [{ author: q!.author, grant: hubGrant('CC-BY-SA-4.0') }]));
    if (!r.ok) throw new Error(r.errors.join('; '));
    const s = stateFromEntry(r.entry, t);
    expect(s.hubGrants).toEqual([{ author: q!.author, grant: hubGrant('CC-BY-SA-4.0') }]);
    expect(s.permissionPostIds).toEqual([a!.id]);
  });
});

describe('statement versions', () => {
  it('keeps the earlier author_opt_in wording readable by its version, and knows the current one', () => {
    expect(statementOfVersion('author_opt_in/2', 'CC-BY-4.0')).toMatch(/^Every person whose words appear in this entry has granted permission, in a post of their own recorded with this entry \(its address, text and hash\), for their posts to be used and published under CC BY 4\.0/);
    expect(statementOfVersion('author_opt_in/2', 'CC-BY-4.0')).not.toContain('hub');
    expect(statementOfVersion('author_opt_in/3', 'CC-BY-4.0')).toBe(consentStatement('author_opt_in', 'CC-BY-4.0').text);
    expect(statementOfVersion('author_opt_in/0', 'CC-BY-4.0')).toBeNull();
  });
});
