import type { Entry, Source } from '../../lib/model/entry.ts';
import { seededRandom } from './fuzz.ts';

/**
 * A few hundred varied entries built from one real Q&A entry, for release builds: several hobbies and
 * subjects (free text, hub subject records, none, a non-Latin name, a hobby named like a fixed config),
 * licences, languages, kinds and consent bases, sources shared between entries, and ranked answers
 * with community signals so some entries give preference pairs. Deterministic for a seed.
 */
export function releaseEntries(base: Entry, n: number, seed = 7): Entry[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const hobbies = [['Board games', 'Ark Nova'], ['Board games', 'Brass'], ['Knitting', null], [null, null], ['default', 'x'], ['囲碁', '定石'], ['Fishing', 'Fly tying']] as const;
  const licences = ['CC-BY-SA-4.0', 'CC-BY-SA-4.0', 'CC-BY-4.0', 'MIT'];
  const languages = ['en', 'en-US', 'pt-BR', 'de', 'und'];
  const bases = ['self', 'author_opt_in', 'open_license', 'moderator_attestation'] as const;
  const q = base.sources.find((s) => s.role === 'question') ?? base.sources[0]!;
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const id = `g${String((i * 7919) % 100_000).padStart(5, '0')}-${i}`;
    const [hobby, subject] = pick(hobbies);
    const answers = 1 + Math.floor(rnd() * 3);
    const sources: Source[] = [
      { ...q, url: `${q.threadUrl}?t=${i % 37}`, author: { name: `asker ${i % 11}`, url: i % 3 ? `https://forum.example/u/asker${i % 11}` : null } },
      ...Array.from({ length: answers }, (_, k) => ({
        ...q,
        url: `${q.threadUrl}#p${(i * 3 + k) % 53}`,
        postId: `a${k}`,
        role: 'answer' as const,
        title: k % 2 ? '' : `Thread ${(i + k) % 13}`,
        author: { name: `author ${(i + k) % 17}`, url: `https://forum.example/u/author${(i + k) % 17}` },
        ...(rnd() < 0.5 ? { score: Math.floor(rnd() * 10) } : {}),
        ...(k === 0 && rnd() < 0.3 ? { accepted: true } : {}),
        platform: pick(['discourse', 'phpbb', 'discord']),
        license: rnd() < 0.2 ? null : pick(licences),
      })),
    ];
    const common = {
      ...base,
      id,
      title: `Entry ${i}`,
      license: pick(licences),
      language: pick(languages),
      domain: { hobby, subject, externalIds: {} },
      subject: i % 5 === 0 && hobby ? { hobby: 'hobby-record', slug: `subject-${i % 4}` } : undefined,
      sources,
      consent: { ...base.consent, basis: pick(bases) },
      contentSha256: (i * 2654435761 >>> 0).toString(16).padStart(64, String(i % 10)),
      createdAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(rnd() * 300) * 86_400_000).toISOString(),
    };
    out.push(
      (i % 9 === 4
        ? { ...common, kind: 'strategy', strategy: { topic: `Topic ${i}`, body: { text: `Play ${i}.`, sourcePostIds: ['a0'] }, tags: ['t'] } }
        : { ...common, kind: 'qa', qa: { question: { text: `Question ${i}?`, sourcePostIds: [q.postId] }, answers: Array.from({ length: answers }, (_, k) => ({ text: `Answer ${k} to ${i}`, sourcePostIds: [`a${k}`], rank: k + 1 })) } }) as Entry,
    );
  }
  return out;
}
