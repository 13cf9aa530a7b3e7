import { createHash } from 'node:crypto';
import { stringify as stringifyYaml } from 'yaml';
import type { Entry } from '../lib/model/entry.ts';
import { bcp47, cardLanguage, hfLicenceId } from './hf-card.ts';
import { basisSectionOf } from './card-bases.ts';
import { mdInline, mdUrl } from '../lib/curate/markdown-safe.ts';
import { cardConfigs, changesSince, groupEntries, manifestOf, preferencePairs, sftRow, SUBJECT_CONFIG_MIN, type Manifest } from './release-layout.ts';

/**
 * A dataset release as files (path → text), built only from the entries and the options: no clock, no
 * randomness, entries sorted by id and keys in a fixed order, so the same accepted set always gives the
 * same bytes and anyone can rebuild and compare a release.
 */
export interface PublishOptions {
  release: string;
  /** YYYY-MM-DD; defaults to the day of the newest entry, never to today. */
  date?: string;
  name?: string;
  url?: string;
  creator?: string;
  /** Entries per JSONL shard. */
  shardSize?: number;
  /** Subjects with at least this many entries get a config of their own (default SUBJECT_CONFIG_MIN). */
  subjectConfigMin?: number;
  /** The previous release's manifest: `changes.json` and the card list what was added, revised and removed since. */
  previous?: Manifest | null;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const pad5 = (n: number) => String(n).padStart(5, '0');

/** One dataset row: provenance kept, the contributor's identity left out (only the consent terms). */
/** The rules page as published: where, its hash and the licensing passage; the page's whole text stays on the hub. */
function rulesPageRecord(e: Entry) {
  const p = e.consent.attestation?.rulesPage;
  return p ? { url: p.url, sha256: p.sha256, excerpt: p.excerpt, readAt: p.readAt } : null;
}

export function datasetRecord(e: Entry) {
  return {
    id: e.id,
    kind: e.kind,
    title: e.title,
    language: e.language,
    license: e.license,
    messages: e.messages.map((m) => ({ role: m.role, content: m.content })),
    ...(e.kind === 'qa'
      ? { question: e.qa.question.text, answers: e.qa.answers.map((a) => ({ rank: a.rank, text: a.text })) }
      : { topic: e.strategy.topic, body: e.strategy.body.text, tags: e.strategy.tags }),
    domain: { hobby: e.domain.hobby, subject: e.domain.subject },
    subjectRef: e.subject ? { hobby: e.subject.hobby, slug: e.subject.slug } : null,
    sources: e.sources.map((s) => ({
      url: s.url, threadUrl: s.threadUrl, platform: s.platform, postId: s.postId, title: s.title,
      author: { name: s.author.name, url: s.author.url }, postedAt: s.postedAt, license: s.license,
      licenseEvidence: s.licenseEvidence ? { url: s.licenseEvidence.url, how: s.licenseEvidence.how } : null, role: s.role,
      score: s.score ?? null, accepted: s.accepted ?? false,
    })),
    attribution: { text: e.attribution.text, modified: e.attribution.modified },
    // The whole receipt, so anyone can audit why the entry may be shared; never the contributor's identity.
    consent: {
      basis: e.consent.basis,
      license: e.consent.license,
      statement: e.consent.statement,
      statementVersion: e.consent.statementVersion,
      at: e.consent.at,
      attestation: e.consent.attestation
        ? { community: e.consent.attestation.community, license: e.consent.attestation.license, termsUrl: e.consent.attestation.termsUrl, role: e.consent.attestation.role, attestedAt: e.consent.attestation.attestedAt, rulesPage: rulesPageRecord(e) }
        : null,
      // The evidence behind the basis, field by field, so no private field of a later schema leaks through.
      permissions: (e.consent.permissions ?? []).map((p) => ({
        author: { name: p.author.name, url: p.author.url },
        post: p.post
          ? { url: p.post.url, postId: p.post.postId, author: { name: p.post.author.name, url: p.post.author.url }, text: p.post.text, sha256: p.post.sha256, capturedAt: p.post.capturedAt }
          : null,
        hubGrant: p.hubGrant ? { hub: p.hubGrant.hub, grantId: p.hubGrant.grantId, license: p.hubGrant.license, grantedAt: p.hubGrant.grantedAt } : null,
      })),
      identityProofs: (e.consent.identityProofs ?? []).map((x) => ({ forum: x.forum, name: x.name, profileUrl: x.profileUrl, proofUrl: x.proofUrl, sha256: x.sha256, checkedAt: x.checkedAt })),
    },
    contentSha256: e.contentSha256,
    createdAt: e.createdAt,
  };
}

function sizeCategory(n: number): string {
  if (n < 1_000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  return '1M<n<10M';
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'other';

export function buildDataset(input: Entry[], opts: PublishOptions): Map<string, string> {
  const entries = [...input].sort((a, b) => cmp(a.id, b.id));
  const tally = new ReleaseTally();
  for (const e of entries) tally.add(e);
  const date = opts.date ?? tally.newestDay ?? '1970-01-01';
  const shardSize = Math.max(1, opts.shardSize ?? 1000);
  const files = new Map<string, string>();

  // Shards grouped by hobby and subject, so a config per hobby or subject is a glob over folders.
  const shards: ShardInfo[] = [];
  const writeShards = (dir: string, rows: unknown[]) => {
    const n = Math.max(1, Math.ceil(rows.length / shardSize));
    for (let i = 0; i < n; i++) {
      const path = shardPath(dir, i, n);
      const part = rows.slice(i * shardSize, (i + 1) * shardSize);
      const text = part.map((r) => JSON.stringify(r) + '\n').join('');
      files.set(path, text);
      shards.push({ path, rows: part.length, sha256: sha256(text) });
    }
  };
  const groups = groupEntries(entries);
  for (const g of groups) writeShards(`data/${g.hobby}/${g.subject}`, g.entries.map(datasetRecord));
  writeShards('sft', entries.map(sftRow));
  const pairs = entries.flatMap(preferencePairs);
  if (pairs.length) writeShards('preference', pairs);
  const manifest = manifestOf(entries, opts.release, date);
  const changes = changesSince(opts.previous ?? null, manifest);
  files.set('manifest.json', JSON.stringify(manifest, null, 1) + '\n');
  files.set('changes.json', JSON.stringify(changes, null, 1) + '\n');
  const changed = { previous: changes.previous, added: changes.added.length, revised: changes.revised.length, removed: changes.removed.length };
  for (const [path, text] of cardFiles({ opts, date, tally, groups, hasPairs: pairs.length > 0, shards, changes: changed })) files.set(path, text);

  const bySource = new Map<string, { source: SourceLine; entries: Set<string> }>();
  for (const e of entries) {
    for (const s of e.sources) {
      const row = bySource.get(s.url) ?? { source: sourceLineOf(e, s), entries: new Set<string>() };
      row.entries.add(e.id);
      bySource.set(s.url, row);
    }
  }
  const sorted = [...bySource.entries()].sort((a, b) => cmp(a[1].source.author, b[1].source.author) || cmp(a[0], b[0]));
  const authors = [...new Set([...bySource.values()].map((r) => r.source.author))].sort(cmp);
  files.set(
    'ATTRIBUTION.md',
    attributionHead(opts.release, bySource.size, authors.length) +
      authors.map(authorLine).join('\n') +
      ATTRIBUTION_SOURCES +
      sorted.map(([url, r]) => sourceLineStart(url, r.source) + [...r.entries].sort(cmp).map(mdInline).join(', ')).join('\n') +
      '\n',
  );
  return new Map([...files.entries()].sort((a, b) => cmp(a[0], b[0])));
}

/** A shard's path: its folder, its number and how many the folder holds. */
export const shardPath = (dir: string, i: number, n: number) => `${dir}/train-${pad5(i)}-of-${pad5(n)}.jsonl`;

/** A written shard: what the card's config table and the Croissant distribution say of it. */
export interface ShardInfo {
  path: string;
  rows: number;
  sha256: string;
}

/** What the card, the licence file and the Croissant metadata count, gathered one entry at a time. */
export class ReleaseTally {
  total = 0;
  newestDay: string | null = null;
  readonly licences = new Map<string, number>();
  readonly kinds = new Map<string, number>();
  readonly platforms = new Map<string, number>();
  readonly bases = new Map<string, number>();
  readonly cardLanguages = new Set<string>();
  readonly fullLanguages = new Set<string>();
  readonly tasks = new Set<string>();
  add(e: Entry): void {
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    this.total++;
    const day = e.createdAt.slice(0, 10);
    if (this.newestDay === null || cmp(day, this.newestDay) > 0) this.newestDay = day;
    bump(this.licences, e.license);
    bump(this.kinds, e.kind);
    for (const p of new Set(e.sources.map((s) => s.platform))) bump(this.platforms, p);
    bump(this.bases, e.consent.basis);
    const card = cardLanguage(e.language);
    if (card !== null) this.cardLanguages.add(card);
    const full = bcp47(e.language);
    if (full !== null) this.fullLanguages.add(full);
    this.tasks.add(e.kind === 'qa' ? 'question-answering' : 'text-generation');
  }
}

/** What the card and Croissant file are written from: the options, the tallies, the groups and the shards written. */
export interface ReleaseFacts {
  opts: PublishOptions;
  date: string;
  tally: ReleaseTally;
  /** Hobby and subject folders in path order, with their sizes. */
  groups: { hobby: string; subject: string; entries: { length: number } }[];
  hasPairs: boolean;
  /** Every shard in the order written: groups in path order, then `sft`, then `preference`. */
  shards: ShardInfo[];
  changes: { previous: string | null; added: number; revised: number; removed: number };
}

const sorted = (m: Map<string, number>): [string, number][] => [...m.entries()].sort((a, b) => cmp(a[0], b[0]));

/** The dataset card (README.md), the licence file when the release needs one, and croissant.json. */
export function cardFiles(f: ReleaseFacts): [string, string][] {
  const { opts, date, groups, shards } = f;
  const name = opts.name ?? 'gleaner-dataset';
  const url = opts.url ?? `https://huggingface.co/datasets/${name}`;
  const files: [string, string][] = [];
  const changes = f.changes;
  const licences = sorted(f.tally.licences);
  const kinds = sorted(f.tally.kinds);
  const platforms = sorted(f.tally.platforms);
  const cardLanguages = [...f.tally.cardLanguages].sort(cmp);
  const fullLanguages = [...f.tally.fullLanguages].sort(cmp);
  // One licence the Hub lists: its id. Anything else (a licence it does not list, an expression, a
  // mixed release): `other`, named and linked to the LICENSE file written below, as the Hub asks.
  const single = licences.length === 1 ? hfLicenceId(licences[0]![0]) : null;
  const taskCategories = [...f.tally.tasks].sort(cmp);
  if (!taskCategories.length) taskCategories.push('question-answering');

  // Built as data and serialised by a YAML library: no value (a language, a name) can add keys.
  const meta: Record<string, unknown> = {
    license: single ?? 'other',
    ...(single ? {} : { license_name: licences.length === 1 ? slug(licences[0]![0]) : 'mixed', license_link: 'LICENSE' }),
    ...(cardLanguages.length ? { language: cardLanguages } : {}),
    task_categories: taskCategories,
    size_categories: [sizeCategory(f.tally.total)],
    configs: cardConfigs(groups, opts.subjectConfigMin ?? SUBJECT_CONFIG_MIN, f.hasPairs),
    pretty_name: name,
    source_datasets: ['original'],
    tags: ['gleaner', 'attribution'],
  };
  const subjectMin = opts.subjectConfigMin ?? SUBJECT_CONFIG_MIN;
  const configRows = (meta.configs as { config_name: string; data_files: { path: string }[] }[]).map((c) => {
    const rows = shards.filter((s) => globMatch(c.data_files[0]!.path, s.path)).reduce((n, s) => n + s.rows, 0);
    return `| \`${c.config_name}\` | \`${c.data_files[0]!.path}\` | ${rows} |`;
  });
  const configTable = ['| config | files | rows |', '|---|---|---|', ...configRows].join('\n');
  const front = ['---', stringifyYaml(meta, { indentSeq: false, lineWidth: 0 }).trimEnd(), '---'];
  const cell = (v: string) => mdInline(v).replace(/\n/g, ' ');
  const table = (rows: [string, number][]) => ['| value | entries |', '|---|---|', ...rows.map(([k, n]) => `| ${cell(k)} | ${n} |`)].join('\n');
  if (!single) {
    files.push([
      'LICENSE',
      `Release ${opts.release} of ${name} holds entries under ${licences.length === 1 ? 'one licence' : `${licences.length} licences`}. Each entry is
licensed under the licence in its record's "license" field (an SPDX identifier or expression), with
attribution to the authors and sources in its "sources" and "attribution" fields (see ATTRIBUTION.md).

${licences.map(([l, n]) => `${l}: ${n} ${n === 1 ? 'entry' : 'entries'}${/^[A-Za-z0-9.+-]+$/.test(l) ? `, https://spdx.org/licenses/${l}.html` : ''}`).join('\n')}
`,
    ]);
  }
  files.push([
    'README.md',
    `${front.join('\n')}

# ${mdInline(name)}

Release \`${opts.release}\` (${date}): ${f.tally.total} entries curated with Gleaner from public hobby forums and
chat archives, each reviewed and accepted by a moderator. Every record keeps its sources (post URL, author,
licence) and the contributor's consent terms; \`ATTRIBUTION.md\` lists every author and source link.

Each row has chat-style \`messages\` (user/assistant) and, for Q&A entries, the \`question\` and ranked
\`answers\` they were written from.

## Configs
${configTable}

\`default\` holds every entry, in folders by hobby and subject (\`data/HOBBY/SUBJECT/\`); each hobby, and
each subject with at least ${subjectMin} entries, is a config of its own. \`sft\` is every entry in the chat
format supervised fine-tuning takes (\`messages\`, with licence and attribution). \`preference\` holds
pairs of answers to one question as \`prompt\`, \`chosen\`, \`rejected\`, only where the community's own
signals ordered them (an accepted answer over another, or a higher score) the same way the contributor
ranked them; each side carries the attribution of the posts it was written from.

## Changes since ${changes.previous === null ? 'the first release' : `\`${mdInline(changes.previous)}\``}
${changes.previous === null ? `The first release: ${changes.added} entries.` : `${changes.added} added, ${changes.revised} revised, ${changes.removed} removed.`} \`changes.json\` lists them by entry id,
\`manifest.json\` lists every entry of this release with its content hash.

Text fields are Markdown exactly as accepted (\`contentSha256\` verifies the messages), so they can hold
HTML quoted from the source posts: show them with a renderer that escapes or sanitises HTML.

## Licences
${table(licences)}
${single ? '' : '\nEach entry is under the licence in its record; `LICENSE` lists them.\n'}
${basisSectionOf(f.tally.bases, table)}
## Kinds
${table(kinds)}

## Source platforms
${table(platforms)}

## Rebuilding
The release is deterministic: \`npm run hub -- publish --release ${opts.release} --date ${date}\` over the same accepted
entries writes the same bytes. \`croissant.json\` lists the SHA-256 of every data file.
`,
  ]);

  // The three kinds of file a release holds, each a FileSet its record set reads.
  const sets = [
    { id: 'entries', glob: 'data/*/*/train-*.jsonl', files: 'Every entry shard, in folders by hobby and subject.', records: 'One record per published entry.', fields: RECORD_FIELDS },
    { id: 'sft', glob: 'sft/train-*.jsonl', files: 'The entries in chat format for supervised fine-tuning.', records: 'One chat per published entry, for supervised fine-tuning.', fields: SFT_FIELDS },
    ...(f.hasPairs
      ? [{ id: 'preference', glob: 'preference/train-*.jsonl', files: 'Preference pairs of answers the communities ordered.', records: 'Two answers to one question, the one the community preferred first.', fields: PREFERENCE_FIELDS }]
      : []),
  ];
  files.push([
    'croissant.json',
    JSON.stringify(
      {
        '@context': {
          '@language': 'en',
          '@vocab': 'https://schema.org/',
          citeAs: 'cr:citeAs',
          column: 'cr:column',
          conformsTo: 'dct:conformsTo',
          cr: 'http://mlcommons.org/croissant/',
          rai: 'http://mlcommons.org/croissant/RAI/',
          data: { '@id': 'cr:data', '@type': '@json' },
          dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
          dct: 'http://purl.org/dc/terms/',
          examples: { '@id': 'cr:examples', '@type': '@json' },
          extract: 'cr:extract',
          field: 'cr:field',
          fileProperty: 'cr:fileProperty',
          fileObject: 'cr:fileObject',
          fileSet: 'cr:fileSet',
          format: 'cr:format',
          includes: 'cr:includes',
          isLiveDataset: 'cr:isLiveDataset',
          jsonPath: 'cr:jsonPath',
          key: 'cr:key',
          md5: 'cr:md5',
          parentField: 'cr:parentField',
          path: 'cr:path',
          recordSet: 'cr:recordSet',
          references: 'cr:references',
          regex: 'cr:regex',
          repeated: 'cr:repeated',
          replace: 'cr:replace',
          sc: 'https://schema.org/',
          separator: 'cr:separator',
          source: 'cr:source',
          subField: 'cr:subField',
          transform: 'cr:transform',
        },
        '@type': 'sc:Dataset',
        'dct:conformsTo': 'http://mlcommons.org/croissant/1.1',
        name,
        description: `Attributed, consented Q&A and strategy entries from hobby communities (release ${opts.release}).`,
        license: licences.map(([l]) => `https://spdx.org/licenses/${l}.html`),
        url,
        version: opts.release,
        datePublished: date,
        creator: { '@type': 'sc:Organization', name: opts.creator ?? 'Gleaner hub contributors' },
        inLanguage: fullLanguages,
        citeAs: `@misc{${slug(name).replace(/[^a-z0-9-]/g, '')}-${slug(opts.release).replace(/[^a-z0-9-]/g, '')},\n  title = {${bibtex(name)} (release ${bibtex(opts.release)})},\n  author = {${bibtex(opts.creator ?? 'Gleaner hub contributors')}},\n  year = {${date.slice(0, 4)}},\n  url = {${bibtex(url)}}\n}`,
        'rai:dataCollection':
          'Contributors selected threads on public forums and chat archives with the Gleaner browser extension, wrote question/answer or strategy entries from them, and recorded each source post, its author and licence. Moderators reviewed every entry before publication.',
        'rai:dataCollectionType': ['Manual Human Curation', 'Web Scraping'],
        'rai:dataAnnotationProtocol': 'Each entry was accepted, rejected or returned for changes by a hub moderator; only accepted entries are published.',
        'rai:dataBiases':
          'Reflects the hobbies, languages and communities the contributors chose, and the views of the forum members who answered; popular answers are over-represented.',
        'rai:dataLimitations': 'Answers are community advice, not verified facts; entries may be edited summaries of the source posts (marked "modified" in the attribution).',
        'rai:personalSensitiveInformation':
          'Authors are named as their licences require (attribution). Personal data such as e-mail addresses and phone numbers were detected and replaced by typed placeholders before submission; no contributor identity is included.',
        'rai:dataUseCases': 'Fine-tuning and evaluating assistants on hobby knowledge with traceable sources.',
        'rai:dataSocialImpact': 'Gives credit to community authors and honours their licences and opt-outs.',
        'rai:dataReleaseMaintenancePlan': 'New releases are cumulative; withdrawn or corrected entries are handled in a later release.',
        // Each shard with its checksum, and the shards as one FileSet (the form Croissant gives for many
        // files of one kind): the record set reads from the FileSet, whatever the number of shards.
        distribution: [
          ...shards.map((s) => ({
            '@type': 'cr:FileObject',
            '@id': s.path,
            name: s.path,
            contentUrl: s.path,
            encodingFormat: 'application/jsonlines',
            sha256: s.sha256,
          })),
          ...sets.map((x) => ({ '@type': 'cr:FileSet', '@id': `${x.id}-shards`, name: `${x.id}-shards`, description: x.files, encodingFormat: 'application/jsonlines', includes: x.glob })),
        ],
        recordSet: sets.map((x) => ({
          '@type': 'cr:RecordSet',
          '@id': x.id,
          name: x.id,
          description: x.records,
          key: { '@id': `${x.id}/id` },
          field: x.fields.map((f) => croissantField(f, x.id, '$', `${x.id}-shards`)),
        })),
      },
      null,
      2,
    ) + '\n',
  ]);

  return files;
}

/** What ATTRIBUTION.md says of one source post: taken from the first entry (in id order) that cites it. */
export interface SourceLine {
  author: string;
  authorUrl: string | null;
  title: string;
  license: string | null;
}
export const sourceLineOf = (e: Entry, s: Entry['sources'][number]): SourceLine => ({ author: s.author.name, authorUrl: s.author.url, title: s.title, license: s.license ?? e.license });

const attributionLink = (text: string, url: string | null) => {
  const dest = url === null ? null : mdUrl(url);
  return dest ? `[${mdInline(text)}](${dest})` : `${mdInline(text)}${url ? ` (${mdInline(url)})` : ''}`;
};
/** ATTRIBUTION.md up to its list of authors. */
export const attributionHead = (release: string, sources: number, authors: number) => `# Attribution

Release \`${release}\` draws on ${sources} posts by ${authors} authors. Each entry's own
attribution text (title, author, source, licence) is in its record.

## Authors
`;
export const authorLine = (author: string) => `- ${mdInline(author)}`;
/** Between the authors and the sources. */
export const ATTRIBUTION_SOURCES = '\n\n## Sources\n';
/** A source's line up to the list of entries that use it (their ids, sorted, comma-separated). */
export const sourceLineStart = (url: string, r: SourceLine) =>
  `- ${r.authorUrl ? attributionLink(r.author, r.authorUrl) : mdInline(r.author)}: ${attributionLink(r.title || url, url)} (${mdInline(r.license ?? 'licence as stated at the source')}), used in `;

/** Whether a card's data_files glob (`*` within one path segment) names a path. */
function globMatch(glob: string, path: string): boolean {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return re.test(path);
}

const bibtex = (s: string) => s.replace(/[{}\\]/g, '');

/** A record field as Croissant describes it: its type, or its sub-fields when it is an object. */
interface FieldSpec {
  name: string;
  description: string;
  type?: string;
  repeated?: boolean;
  sub?: FieldSpec[];
}

const text = (name: string, description: string): FieldSpec => ({ name, description, type: 'sc:Text' });
/** Every field `datasetRecord` writes, in its order. */
const RECORD_FIELDS: FieldSpec[] = [
  text('id', 'The entry id (a ULID), unique in the dataset.'),
  text('kind', '"qa" (a question and ranked answers) or "strategy" (a topic and a body).'),
  text('title', 'The entry title, written by the contributor.'),
  text('language', 'The language of the text, a BCP 47 tag.'),
  text('license', "The entry's licence, an SPDX identifier or expression."),
  { name: 'messages', description: 'The entry as a chat: user and assistant turns.', repeated: true, sub: [text('role', '"user" or "assistant".'), text('content', 'The turn, as Markdown.')] },
  text('question', 'Q&A entries: the question, as Markdown (null for strategy entries).'),
  { name: 'answers', description: 'Q&A entries: the answers, best first (absent for strategy entries).', repeated: true, sub: [{ name: 'rank', description: '1 for the best answer.', type: 'sc:Integer' }, text('text', 'The answer, as Markdown.')] },
  text('topic', 'Strategy entries: the topic (absent for Q&A entries).'),
  text('body', 'Strategy entries: the body, as Markdown (absent for Q&A entries).'),
  { name: 'tags', description: 'Strategy entries: free tags (absent for Q&A entries).', type: 'sc:Text', repeated: true },
  { name: 'domain', description: 'The hobby and subject the entry is about.', sub: [text('hobby', 'The hobby, or null.'), text('subject', 'The subject within it, or null.')] },
  {
    name: 'subjectRef',
    description: "The hub's subject record the entry belongs to (its public page is /hobbies/HOBBY/SUBJECT on the hub), or null.",
    sub: [text('hobby', "The hobby's slug."), text('slug', "The subject's slug.")],
  },
  {
    name: 'sources',
    description: 'Every post the entry draws on, with what attribution needs.',
    repeated: true,
    sub: [
      { name: 'url', description: 'The post.', type: 'sc:URL' },
      { name: 'threadUrl', description: 'The thread the post is in.', type: 'sc:URL' },
      text('platform', 'The forum or chat software.'),
      text('postId', 'The post id on its site.'),
      text('title', 'The thread title.'),
      { name: 'author', description: 'The post author.', sub: [text('name', 'Their name as shown on the site.'), { name: 'url', description: 'Their profile, or null.', type: 'sc:URL' }] },
      text('postedAt', 'When the post was written (ISO 8601), or null.'),
      text('license', "The post's licence (SPDX), or null when the site states none."),
      {
        name: 'licenseEvidence',
        description: 'Where and how the licence was determined, or null.',
        sub: [{ name: 'url', description: 'The page that states the licence (the post, the site terms), or null.', type: 'sc:URL' }, text('how', 'How the licence was read, in words.')],
      },
      text('role', '"question", "answer" or "context".'),
      { name: 'score', description: "The post's votes or likes as its page showed them when captured, or null.", type: 'sc:Float' },
      { name: 'accepted', description: 'True when the thread marks the post as the accepted answer.', type: 'sc:Boolean' },
    ],
  },
  { name: 'attribution', description: 'The attribution statement.', sub: [text('text', 'Title, author, source and licence of every source.'), { name: 'modified', description: 'True when the text was edited from the posts.', type: 'sc:Boolean' }] },
  {
    name: 'consent',
    description: "The contributor's consent terms (not their identity).",
    sub: [
      text('basis', 'Why the entry may be shared: self, author_opt_in, moderator_attestation or open_license.'),
      text('license', 'The licence consented to (SPDX).'),
      text('statement', 'The consent statement agreed to, word for word.'),
      text('statementVersion', 'The version of the consent statement agreed to.'),
      { name: 'at', description: 'When consent was given (ISO 8601).', type: 'sc:DateTime' },
      {
        name: 'attestation',
        description: "With basis moderator_attestation: the moderator's statement of the community's terms, or null.",
        sub: [
          text('community', 'The community whose terms were attested.'),
          text('license', 'The licence its terms grant.'),
          { name: 'termsUrl', description: "The community's terms page.", type: 'sc:URL' },
          text('role', "The attester's role in the community."),
          { name: 'attestedAt', description: 'When the attestation was made (ISO 8601).', type: 'sc:DateTime' },
          {
            name: 'rulesPage',
            description: "The community's rules page as read when the attestation was made, or null (older entries).",
            sub: [
              { name: 'url', description: 'The page read.', type: 'sc:URL' },
              text('sha256', "SHA-256 of the page's readable text as read (recomputed by the hub)."),
              text('excerpt', 'The passage about licensing.'),
              { name: 'readAt', description: 'When it was read (ISO 8601).', type: 'sc:DateTime' },
            ],
          },
        ],
      },
      {
        name: 'permissions',
        description: 'With basis author_opt_in: one permission per author of the sources (empty otherwise).',
        repeated: true,
        sub: [
          { name: 'author', description: 'The author who gave permission.', sub: [text('name', 'Their name as shown on the site.'), { name: 'url', description: 'Their profile, or null.', type: 'sc:URL' }] },
          {
            name: 'post',
            description: "The author's own post granting permission, as captured, or null when the permission is a hub grant.",
            sub: [
              { name: 'url', description: 'The post granting permission.', type: 'sc:URL' },
              text('postId', 'The post id on its site.'),
              { name: 'author', description: "The post's author as the page names them.", sub: [text('name', 'Their name as shown on the site.'), { name: 'url', description: 'Their profile, or null.', type: 'sc:URL' }] },
              text('text', "The post's words as captured."),
              text('sha256', 'SHA-256 of the captured words.'),
              { name: 'capturedAt', description: 'When the post was captured (ISO 8601), or null.', type: 'sc:DateTime' },
            ],
          },
          {
            name: 'hubGrant',
            description: 'A grant the author made on the hub after proving their identity, or null.',
            sub: [
              { name: 'hub', description: 'The hub that holds the grant.', type: 'sc:URL' },
              text('grantId', 'The grant on that hub.'),
              text('license', 'The licence granted (SPDX).'),
              { name: 'grantedAt', description: 'When the grant was made (ISO 8601).', type: 'sc:DateTime' },
            ],
          },
        ],
      },
      {
        name: 'identityProofs',
        description: 'With basis self: the checked proofs that the contributor is the posts\' author (empty in entries from before the hub checked identities).',
        repeated: true,
        sub: [
          text('forum', 'The forum the identity is on.'),
          text('name', 'The name proven.'),
          { name: 'profileUrl', description: 'The profile proven, or null.', type: 'sc:URL' },
          { name: 'proofUrl', description: 'The page the hub fetched to check the proof.', type: 'sc:URL' },
          text('sha256', 'SHA-256 of the proof page as read.'),
          { name: 'checkedAt', description: 'When the hub checked the proof (ISO 8601).', type: 'sc:DateTime' },
        ],
      },
    ],
  },
  text('contentSha256', 'SHA-256 of the normalised messages: the entry as accepted.'),
  { name: 'createdAt', description: 'When the entry was built (ISO 8601).', type: 'sc:DateTime' },
];

const MESSAGE_FIELDS = (name: string, description: string): FieldSpec => ({
  name,
  description,
  repeated: true,
  sub: [text('role', '"user" or "assistant".'), text('content', 'The turn, as Markdown.')],
});

/** Every field `sftRow` writes. */
const SFT_FIELDS: FieldSpec[] = [
  text('id', 'The entry id.'),
  MESSAGE_FIELDS('messages', 'The entry as a chat: user and assistant turns.'),
  text('license', "The entry's licence, an SPDX identifier or expression."),
  text('language', 'The language of the text, a BCP 47 tag.'),
  text('attribution', 'Title, author, source and licence of every source post.'),
];

const ANSWER_ATTRIBUTION = (name: string, description: string): FieldSpec => ({
  name,
  description,
  repeated: true,
  sub: [
    text('author', 'The author of a post the answer was written from.'),
    { name: 'authorUrl', description: 'Their profile, or null.', type: 'sc:URL' },
    { name: 'url', description: 'The post.', type: 'sc:URL' },
    text('license', "The post's licence (SPDX), or null."),
    { name: 'score', description: "The post's votes or likes when captured, or null.", type: 'sc:Float' },
    { name: 'accepted', description: 'True when the thread marks the post as the accepted answer.', type: 'sc:Boolean' },
  ],
});

/** Every field `preferencePairs` writes. */
const PREFERENCE_FIELDS: FieldSpec[] = [
  text('id', 'The pair: the entry id and the two answers\' ranks.'),
  text('entryId', 'The entry the pair comes from.'),
  MESSAGE_FIELDS('prompt', 'The question, as a user turn.'),
  MESSAGE_FIELDS('chosen', 'The answer the community preferred, as an assistant turn.'),
  MESSAGE_FIELDS('rejected', 'The other answer, as an assistant turn.'),
  text('orderedBy', '"accepted" (the chosen answer is the accepted one) or "score" (it has the higher score).'),
  ANSWER_ATTRIBUTION('chosenAttribution', 'The posts the chosen answer was written from.'),
  ANSWER_ATTRIBUTION('rejectedAttribution', 'The posts the rejected answer was written from.'),
  text('license', "The entry's licence, an SPDX identifier or expression."),
  text('language', 'The language of the text, a BCP 47 tag.'),
  { name: 'domain', description: 'The hobby and subject the entry is about.', sub: [text('hobby', 'The hobby, or null.'), text('subject', 'The subject within it, or null.')] },
];

function croissantField(f: FieldSpec, parent: string, path: string, fileSet: string): Record<string, unknown> {
  const id = `${parent}/${f.name}`;
  const here = `${path}.${f.name}${f.repeated ? '[*]' : ''}`;
  return {
    '@type': 'cr:Field',
    '@id': id,
    name: f.name,
    description: f.description,
    ...(f.type ? { dataType: f.type } : {}),
    ...(f.repeated ? { repeated: true } : {}),
    source: { fileSet: { '@id': fileSet }, extract: { jsonPath: f.sub || !f.repeated ? `${path}.${f.name}` : here } },
    ...(f.sub ? { subField: f.sub.map((s) => croissantField(s, id, here, fileSet)) } : {}),
  };
}

/** A default release name derived from the content alone. */
export function releaseName(entries: Entry[]): string {
  return `r-${sha256(entries.map((e) => `${e.id}:${e.contentSha256}`).sort(cmp).join('\n')).slice(0, 12)}`;
}
