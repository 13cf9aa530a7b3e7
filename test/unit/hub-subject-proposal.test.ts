import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEntry } from '../../lib/curate/entry.ts';
import { draftOptions, initialState, proposeSubject, toDraft, toggleRole } from '../../lib/curate/editor.ts';
import { consentStatement } from '../../lib/license/statements.ts';
import type { Entry } from '../../lib/model/entry.ts';
import { openHubStore, type HubStore } from '../../hub/store.ts';
import { knowledgeFor, searchTerms } from '../../hub/knowledge.ts';
import { discourseThread } from '../support/entries.ts';

/**
 * What the curate view sends for a proposed subject is what the hub expects: the entry goes in with its
 * SubjectRef, is searchable but under no subject, and is listed under the subject as soon as a moderator
 * creates it at the proposed slug (no rewrite of the entry). SQLite; the listing rules are shared with
 * PostgreSQL and covered on both in hub-knowledge.test.ts.
 */
describe('a proposed subject at the hub', () => {
  let store: HubStore;
  let entry: Entry;
  beforeAll(async () => {
    store = await openHubStore(join(mkdtempSync(join(tmpdir(), 'gleaner-proposal-')), 'hub.sqlite'));
    const t = discourseThread();
    let s = initialState(t);
    s = toggleRole(toggleRole(s, t.posts[0]!.id, 'question'), t.posts[1]!.id, 'answer');
    s = proposeSubject({ ...s, hobby: 'Board games', title: 'Canal phase links in Brass' }, 'Brass: Birmingham');
    const st = consentStatement('author_opt_in', 'CC-BY-SA-4.0');
    const r = await buildEntry(toDraft(s, t), {
      ...draftOptions(s),
      thread: t,
      now: new Date('2026-12-07T04:00:00Z'),
      extensionVersion: 'test',
      consent: { grant: 'CC-BY-SA-4.0', basis: 'author_opt_in', permissionPostIds: [t.posts[0]!.id, t.posts[1]!.id], statement: st.text, statementVersion: st.version, who: 'tester', agreed: true },
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    entry = r.entry;
  });
  afterAll(async () => store?.close());

  it('is searchable but under no subject until a moderator creates it at the proposed slug', async () => {
    expect(entry.subject).toEqual({ hobby: 'board-games', slug: 'brass-birmingham' });
    const who = (await store.addContributor('proposer')).contributor;
    await store.receiveBatch(who, 'k-proposal', [entry], 202);
    await store.setState(entry.id, 'accepted', null);
    const kb = await knowledgeFor(store);
    expect(await kb.createHobby({ slug: 'board-games', name: 'Board games' })).toMatchObject({ ok: true });
    expect(await kb.resolveSubject('board-games', 'brass-birmingham')).toBeNull();
    expect((await kb.hobbies())[0]).toMatchObject({ slug: 'board-games', subjects: 0, entries: 0 });
    const hits = await kb.search({ terms: searchTerms('canal brass'), limit: 10, offset: 0 });
    expect(hits.map((h) => [h.id, h.subject])).toEqual([[entry.id, 'brass-birmingham']]);

    expect(await kb.createSubject({ hobby: 'board-games', slug: 'brass-birmingham', name: 'Brass: Birmingham', aliases: [], externalIds: {} })).toMatchObject({ ok: true });
    expect((await kb.subjectEntries('board-games', 'brass-birmingham', { limit: 10 })).entries.map((e) => e.id)).toEqual([entry.id]);
    expect((await kb.hobbies())[0]).toMatchObject({ subjects: 1, entries: 1 });
  });
});
