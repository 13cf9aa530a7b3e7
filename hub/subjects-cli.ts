import { parseArgs } from 'node:util';
import { HobbyCreate, SubjectCreate, SubjectMerge, SubjectMoveEntries, SubjectRename, SubjectSplit } from '../lib/model/subject.ts';
import type { HubStore } from './store.ts';
import { knowledgeFor, type KbResult } from './knowledge.ts';

export const SUBJECT_USAGE = `  npm run hub -- hobby create SLUG --name NAME [--db …]
  npm run hub -- subject create HOBBY SLUG --name NAME [--alias A …] [--bgg ID] [--wikidata QID] [--db …]
  npm run hub -- subject rename HOBBY SLUG [--slug NEW] [--name NAME] [--alias A …] [--bgg ID] [--wikidata QID] [--expect-version N] [--db …]
  npm run hub -- subject merge HOBBY SLUG --into OTHER [--expect-version N] [--db …]
  npm run hub -- subject split HOBBY SLUG --slug REDIRECTING --name NAME [--alias A …] [--bgg ID] [--wikidata QID] [--expect-version N] [--db …]
  npm run hub -- subject move HOBBY SLUG --entry ID [--entry ID …] (--into OTHER | --slug NEW --name NAME [--alias A …] [--bgg ID] [--wikidata QID]) [--expect-version N] [--expect-into-version N] [--db …]
  npm run hub -- subject list HOBBY [--db …]
A renamed slug and a merged subject's slug keep redirecting to the subject; split makes such a slug a subject again;
move files chosen entries under another subject (or a new one, with --slug and --name) and leaves redirects as they are.
`;

/**
 * `hobby …` and `subject …`: the moderators' subject operations from the command line, the same checks
 * as the API. `withStore` opens the hub's database as the other commands do. Returns the exit code.
 */
export async function subjectCommand(cmd: 'hobby' | 'subject', argv: string[], withStore: <T>(fn: (s: HubStore) => Promise<T>) => Promise<T>, out = process.stdout, err = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        name: { type: 'string' },
        slug: { type: 'string' },
        alias: { type: 'string', multiple: true },
        bgg: { type: 'string' },
        wikidata: { type: 'string' },
        into: { type: 'string' },
        'expect-version': { type: 'string' },
        entry: { type: 'string', multiple: true },
        'expect-into-version': { type: 'string' },
      },
    });
  } catch (e) {
    err.write(`hub: ${(e as Error).message}\n${SUBJECT_USAGE}`);
    return 2;
  }
  const { values: v, positionals: [action, ...args] } = parsed;
  const version = v['expect-version'] === undefined ? undefined : Number(v['expect-version']);
  const ids = { ...(v.bgg !== undefined ? { bgg: v.bgg } : {}), ...(v.wikidata !== undefined ? { wikidata: v.wikidata } : {}) };
  /** Checks the input with the API's own schema; every problem named with its field. */
  const check = <T>(schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T | null => {
    const r = schema.safeParse(input);
    if (r.success) return r.data;
    err.write(r.error.issues.map((i) => `hub: ${i.path.join('.') || 'input'}: ${i.message}\n`).join(''));
    return null;
  };
  const report = <T>(r: KbResult<T>, done: (value: T) => string): number => {
    if (!r.ok) {
      err.write(`hub: ${r.reason}\n`);
      return r.status === 422 ? 2 : 1;
    }
    out.write(done(r.value));
    return 0;
  };

  if (cmd === 'hobby' && action === 'create' && args.length === 1) {
    const h = check(HobbyCreate, { slug: args[0], name: v.name });
    if (!h) return 2;
    return withStore(async (s) => report(await (await knowledgeFor(s)).createHobby(h), (x) => `Created hobby "${x.name}" (/hobbies/${x.slug}).\n`));
  }
  if (cmd === 'subject' && args.length >= 1) {
    const [hobby, slug] = args;
    if (action === 'list' && args.length === 1) {
      return withStore(async (s) => {
        const k = await knowledgeFor(s);
        if (!(await k.hobby(hobby!))) return (err.write(`hub: no hobby "${hobby}".\n`), 1);
        for (const x of await k.subjects(hobby!)) out.write(`${x.slug}\t${x.name}\tv${x.version}\t${x.entries} entries${x.externalIds.bgg ? `\tbgg ${x.externalIds.bgg}` : ''}${x.externalIds.wikidata ? `\t${x.externalIds.wikidata}` : ''}\n`);
        return 0;
      });
    }
    if (action === 'create' && args.length === 2) {
      const c = check(SubjectCreate, { hobby, slug, name: v.name, aliases: v.alias ?? [], externalIds: ids });
      if (!c) return 2;
      return withStore(async (s) => report(await (await knowledgeFor(s)).createSubject(c), (x) => `Created subject "${x.name}" (/hobbies/${x.hobby}/${x.slug}).\n`));
    }
    if (action === 'rename' && args.length === 2) {
      const c = check(SubjectRename, { slug: v.slug, name: v.name, aliases: v.alias, externalIds: Object.keys(ids).length ? ids : undefined, expectVersion: version });
      if (!c) return 2;
      return withStore(async (s) => report(await (await knowledgeFor(s)).renameSubject(hobby!, slug!, c), (x) => `Subject is now "${x.name}" (/hobbies/${x.hobby}/${x.slug}), version ${x.version}${x.slug !== slug ? `; /hobbies/${hobby}/${slug} redirects there` : ''}.\n`));
    }
    if (action === 'merge' && args.length === 2) {
      const c = check(SubjectMerge, { into: v.into, expectVersion: version });
      if (!c) return 2;
      return withStore(async (s) => report(await (await knowledgeFor(s)).mergeSubject(hobby!, slug!, c), (x) => `Merged "${slug}" into "${x.name}" (/hobbies/${x.hobby}/${x.slug}); the old address redirects there.\n`));
    }
    if (action === 'split' && args.length === 2) {
      const c = check(SubjectSplit, { slug: v.slug, name: v.name, aliases: v.alias ?? [], externalIds: ids, expectVersion: version });
      if (!c) return 2;
      return withStore(async (s) => report(await (await knowledgeFor(s)).splitSubject(hobby!, slug!, c), (x) => `Split "${x.name}" (/hobbies/${x.hobby}/${x.slug}) out of "${slug}"; its entries are listed there again.\n`));
    }
    if (action === 'move' && args.length === 2) {
      const intoVersion = v['expect-into-version'] === undefined ? undefined : Number(v['expect-into-version']);
      const create = v.slug !== undefined || v.name !== undefined ? { slug: v.slug, name: v.name, aliases: v.alias ?? [], externalIds: ids } : undefined;
      const c = check(SubjectMoveEntries, { entries: v.entry ?? [], into: v.into, create, expectVersion: version, expectIntoVersion: intoVersion });
      if (!c) return 2;
      return withStore(async (s) =>
        report(await (await knowledgeFor(s)).moveEntries(hobby!, slug!, c), (x) => `Moved ${x.moved.length} ${x.moved.length === 1 ? 'entry' : 'entries'} from "${x.from.name}" to "${x.into.name}"${x.created ? ' (created)' : ''} (/hobbies/${x.into.hobby}/${x.into.slug}).\n`),
      );
    }
  }
  err.write(SUBJECT_USAGE);
  return 2;
}
