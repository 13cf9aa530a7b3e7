import { eld } from 'eld/extrasmall';

/**
 * The entry's language. The detector reads the words actually submitted; the page's `<html lang>` speaks
 * for the whole site (often the forum software's default), so it is only the fallback for text too short
 * to judge. Text in a script the detector has no model for is never labelled from the page: a Tibetan
 * post on an English-language forum is not English, so the contributor must say which language it is.
 */
export type LanguageSource = 'detected' | 'page' | 'manual';

export type LanguageVerdict = { ok: true; language: string; source: LanguageSource } | { ok: false; reason: string };

// BCP-47 in the shape entries use: a 2–3 letter primary subtag, then optional script/region/variant subtags.
const BCP47 = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export function isLanguageTag(tag: string): boolean {
  return BCP47.test(tag.trim());
}

/** Letters only: numbers, code, URLs and placeholders say nothing about the language. */
function letters(text: string): string {
  return text
    .replace(/```[\s\S]*?```|`[^`\n]*`/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/<[A-Z]+>/g, ' ');
}

// The scripts of the languages the detector has models for (eld's 60 languages).
const KNOWN_SCRIPT =
  /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Armenian}\p{Script=Georgian}\p{Script=Ethiopic}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gujarati}\p{Script=Gurmukhi}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Thai}\p{Script=Lao}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** True when most of the text's letters are in scripts the detector has no model for. */
export function unknownScript(text: string): boolean {
  const all = letters(text).match(/\p{L}/gu) ?? [];
  if (all.length < 2) return false;
  const known = all.filter((c) => KNOWN_SCRIPT.test(c)).length;
  return known * 2 < all.length;
}

/** What the detector alone says: a language code, or null when it knows none of the text's script. */
export function detectLanguage(text: string): { language: string | null; reliable: boolean } {
  const r = eld.detect(letters(text));
  return { language: r.language || null, reliable: r.language ? r.isReliable() : false };
}

export function entryLanguage(text: string, opts: { manual?: string; pageLang?: string } = {}): LanguageVerdict {
  const manual = opts.manual?.trim();
  if (manual) {
    if (!isLanguageTag(manual)) return { ok: false, reason: `"${manual}" is not a language tag. Use a BCP-47 code such as "en", "de" or "pt-BR".` };
    return { ok: true, language: manual, source: 'manual' };
  }
  const sample = letters(text);
  if (unknownScript(sample)) {
    return {
      ok: false,
      reason:
        'Gleaner cannot tell which language this entry is in: its text is in a script the language detector has no model for. ' +
        'Type the language code (BCP-47, e.g. "bo" for Tibetan, "chr" for Cherokee) in the Language field, then submit again.',
    };
  }
  const d = detectLanguage(sample);
  if (d.language && d.reliable) return { ok: true, language: d.language, source: 'detected' };
  const page = opts.pageLang?.trim();
  if (page && isLanguageTag(page)) return { ok: true, language: page, source: 'page' };
  if (d.language) return { ok: true, language: d.language, source: 'detected' };
  return { ok: false, reason: 'The entry has too little text to tell its language, and the page declares none. Type the language code (e.g. "en") in the Language field.' };
}
