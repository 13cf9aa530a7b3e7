import { createHash } from 'node:crypto';
import type { Entry } from '../lib/model/entry.ts';

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
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const pad5 = (n: number) => String(n).padStart(5, '0');

/** One dataset row: provenance kept, the contributor's identity left out (only the consent terms). */
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
    sources: e.sources.map((s) => ({
      url: s.url, threadUrl: s.threadUrl, platform: s.platform, postId: s.postId, title: s.title,
      author: { name: s.author.name, url: s.author.url }, postedAt: s.postedAt, license: s.license, role: s.role,
    })),
    attribution: { text: e.attribution.text, modified: e.attribution.modified },
    consent: { basis: e.consent.basis, license: e.consent.license, statementVersion: e.consent.statementVersion },
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

const yamlString = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML scalar
const counts = (values: string[]) => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => cmp(a[0], b[0]));
};

export function buildDataset(input: Entry[], opts: PublishOptions): Map<string, string> {
  const entries = [...input].sort((a, b) => cmp(a.id, b.id));
  const name = opts.name ?? 'gleaner-dataset';
  const url = opts.url ?? `https://huggingface.co/datasets/${name}`;
  const date = opts.date ?? (entries.map((e) => e.createdAt.slice(0, 10)).sort(cmp).at(-1) ?? '1970-01-01');
  const shardSize = Math.max(1, opts.shardSize ?? 1000);
  const files = new Map<string, string>();

  const shards = Math.max(1, Math.ceil(entries.length / shardSize));
  const shardPaths: string[] = [];
  for (let i = 0; i < shards; i++) {
    const path = `data/train-${pad5(i)}-of-${pad5(shards)}.jsonl`;
    shardPaths.push(path);
    files.set(path, entries.slice(i * shardSize, (i + 1) * shardSize).map((e) => JSON.stringify(datasetRecord(e)) + '\n').join(''));
  }

  const licences = counts(entries.map((e) => e.license));
  const languages = counts(entries.map((e) => e.language.toLowerCase()));
  const kinds = counts(entries.map((e) => e.kind));
  const platforms = counts(entries.flatMap((e) => [...new Set(e.sources.map((s) => s.platform))]));
  const hfLicence = licences.length === 1 ? licences[0]![0].toLowerCase() : 'other';
  const taskCategories = [...new Set(entries.map((e) => (e.kind === 'qa' ? 'question-answering' : 'text-generation')))].sort(cmp);
  if (!taskCategories.length) taskCategories.push('question-answering');

  const front = [
    '---',
    `license: ${hfLicence}`,
    ...(hfLicence === 'other' ? [`license_name: ${yamlString(`mixed (${licences.map(([l]) => l).join(', ')})`)}`] : []),
    'language:',
    ...(languages.length ? languages.map(([l]) => `- ${l}`) : ['- en']),
    'task_categories:',
    ...taskCategories.map((t) => `- ${t}`),
    'size_categories:',
    `- ${sizeCategory(entries.length)}`,
    'configs:',
    '- config_name: default',
    '  data_files:',
    '  - split: train',
    '    path: data/train-*.jsonl',
    `pretty_name: ${yamlString(name)}`,
    'source_datasets:',
    '- original',
    'tags:',
    '- gleaner',
    '- attribution',
    '---',
  ];
  const table = (rows: [string, number][]) => ['| value | entries |', '|---|---|', ...rows.map(([k, n]) => `| ${k} | ${n} |`)].join('\n');
  files.set(
    'README.md',
    `${front.join('\n')}

# ${name}

Release \`${opts.release}\` (${date}): ${entries.length} entries curated with Gleaner from public hobby forums and
chat archives, each reviewed and accepted by a moderator. Every record keeps its sources (post URL, author,
licence) and the contributor's consent terms; \`ATTRIBUTION.md\` lists every author and source link.

Each row has chat-style \`messages\` (user/assistant) and, for Q&A entries, the \`question\` and ranked
\`answers\` they were written from.

## Licences
${table(licences)}

## Kinds
${table(kinds)}

## Source platforms
${table(platforms)}

## Rebuilding
The release is deterministic: \`npm run hub -- publish --release ${opts.release} --date ${date}\` over the same accepted
entries writes the same bytes. \`croissant.json\` lists the SHA-256 of every data file.
`,
  );

  files.set(
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
        inLanguage: languages.map(([l]) => l),
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
        distribution: shardPaths.map((p) => ({
          '@type': 'cr:FileObject',
          '@id': p,
          name: p,
          contentUrl: p,
          encodingFormat: 'application/jsonlines',
          sha256: sha256(files.get(p)!),
        })),
        recordSet: [
          {
            '@type': 'cr:RecordSet',
            '@id': 'entries',
            name: 'entries',
            key: { '@id': 'entries/id' },
            field: (
              [
                ['id', 'sc:Text'],
                ['kind', 'sc:Text'],
                ['title', 'sc:Text'],
                ['language', 'sc:Text'],
                ['license', 'sc:Text'],
                ['messages', 'sc:Text'],
                ['sources', 'sc:Text'],
                ['attribution', 'sc:Text'],
                ['contentSha256', 'sc:Text'],
              ] as const
            ).map(([f, type]) => ({
              '@type': 'cr:Field',
              '@id': `entries/${f}`,
              name: f,
              dataType: type,
              source: { fileObject: shardPaths.map((p) => ({ '@id': p })), extract: { jsonPath: `$.${f}` } },
            })),
          },
        ],
      },
      null,
      2,
    ) + '\n',
  );

  const bySource = new Map<string, { author: string; authorUrl: string | null; title: string; license: string | null; entries: Set<string> }>();
  for (const e of entries) {
    for (const s of e.sources) {
      const row = bySource.get(s.url) ?? { author: s.author.name, authorUrl: s.author.url, title: s.title, license: s.license ?? e.license, entries: new Set<string>() };
      row.entries.add(e.id);
      bySource.set(s.url, row);
    }
  }
  const md = (s: string) => s.replace(/([\\`*_[\]<>|])/g, '\\$1');
  const lines = [...bySource.entries()]
    .sort((a, b) => cmp(a[1].author, b[1].author) || cmp(a[0], b[0]))
    .map(([url, r]) => `- ${r.authorUrl ? `[${md(r.author)}](<${r.authorUrl}>)` : md(r.author)}: [${md(r.title || url)}](<${url}>) (${r.license ?? 'licence as stated at the source'}), used in ${[...r.entries].sort(cmp).join(', ')}`);
  const authors = [...new Set([...bySource.values()].map((r) => r.author))].sort(cmp);
  files.set(
    'ATTRIBUTION.md',
    `# Attribution

Release \`${opts.release}\` draws on ${bySource.size} posts by ${authors.length} authors. Each entry's own
attribution text (title, author, source, licence) is in its record.

## Authors
${authors.map((a) => `- ${md(a)}`).join('\n')}

## Sources
${lines.join('\n')}
`,
  );
  return new Map([...files.entries()].sort((a, b) => cmp(a[0], b[0])));
}

/** A default release name derived from the content alone. */
export function releaseName(entries: Entry[]): string {
  return `r-${sha256(entries.map((e) => `${e.id}:${e.contentSha256}`).sort(cmp).join('\n')).slice(0, 12)}`;
}
