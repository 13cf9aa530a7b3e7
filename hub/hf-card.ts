/**
 * Mapping our metadata to what a Hugging Face dataset card's YAML accepts. The licence ids are the
 * Hub's own list ("Licenses", huggingface/hub-docs docs/hub/repositories-licenses.md); anything not on
 * it is `other`, which the Hub wants explained by `license_name`, `license_link` and a LICENSE file.
 */
const HF_LICENCES = new Set([
  'apache-2.0', 'mit', 'openrail', 'bigscience-openrail-m', 'creativeml-openrail-m', 'bigscience-bloom-rail-1.0', 'bigcode-openrail-m',
  'afl-3.0', 'artistic-2.0', 'bsl-1.0', 'bsd', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear', 'c-uda', 'cc', 'cc0-1.0',
  'cc-by-2.0', 'cc-by-2.5', 'cc-by-3.0', 'cc-by-4.0', 'cc-by-sa-3.0', 'cc-by-sa-4.0', 'cc-by-nc-2.0', 'cc-by-nc-3.0', 'cc-by-nc-4.0',
  'cc-by-nd-4.0', 'cc-by-nc-nd-3.0', 'cc-by-nc-nd-4.0', 'cc-by-nc-sa-2.0', 'cc-by-nc-sa-3.0', 'cc-by-nc-sa-4.0', 'cdla-sharing-1.0',
  'cdla-permissive-1.0', 'cdla-permissive-2.0', 'wtfpl', 'ecl-2.0', 'epl-1.0', 'epl-2.0', 'etalab-2.0', 'eupl-1.1', 'agpl-3.0', 'gfdl',
  'gpl', 'gpl-2.0', 'gpl-3.0', 'lgpl', 'lgpl-2.1', 'lgpl-3.0', 'isc', 'lppl-1.3c', 'ms-pl', 'mpl-2.0', 'odc-by', 'odbl', 'openrail++',
  'osl-3.0', 'postgresql', 'ofl-1.1', 'ncsa', 'unlicense', 'zlib', 'pddl', 'lgpl-lr',
]);

/** SPDX ids whose Hub id is not simply the lower-cased SPDX id. */
const SPDX_TO_HF: Record<string, string> = { 'pddl-1.0': 'pddl', 'odbl-1.0': 'odbl', 'odc-by-1.0': 'odc-by', '0bsd': 'bsd' };

/**
 * The Hub licence id for one SPDX id, or null when the Hub has none (an expression like "MIT OR
 * CC-BY-SA-4.0", a version it does not list such as CC-BY-SA-2.5). GNU "-only"/"-or-later" map to
 * the version's id; GFDL versions to the family.
 */
export function hfLicenceId(spdx: string): string | null {
  const id = spdx.trim().toLowerCase();
  if (!/^[a-z0-9.+-]+$/.test(id)) return null;
  if (SPDX_TO_HF[id]) return SPDX_TO_HF[id]!;
  if (/^gfdl-/.test(id)) return 'gfdl';
  const gnu = /^((?:a|l)?gpl-\d\.\d)(?:-only|-or-later|\+)?$/.exec(id);
  if (gnu) return HF_LICENCES.has(gnu[1]!) ? gnu[1]! : null;
  return HF_LICENCES.has(id) ? id : null;
}

/**
 * A BCP 47 tag in the card's form: the primary language subtag, lower-cased (`en-US` → `en`,
 * `zh-Hant-TW` → `zh`), which is what the Hub lists and filters by. Private-use, grandfathered and
 * malformed tags (and `und`, `mul`, `zxx`: no single language) give null.
 */
export function cardLanguage(tag: string): string | null {
  const m = /^([a-z]{2,3})(?:-[a-z0-9]{1,8})*$/i.exec(tag.trim());
  if (!m) return null;
  const primary = m[1]!.toLowerCase();
  return ['und', 'mul', 'zxx', 'mis'].includes(primary) ? null : primary;
}

/** A tag safe to keep whole where BCP 47 is expected (Croissant's inLanguage), or null. */
export function bcp47(tag: string): string | null {
  const t = tag.trim();
  return /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/i.test(t) ? t : null;
}
