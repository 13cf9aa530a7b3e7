import { ccName } from './cc.ts';
import type { ConsentBasisId } from './combine.ts';

/**
 * The exact words a contributor agrees to, per consent basis. The version is stored with the entry's
 * consent receipt: change a text, bump its version, so an old receipt still says what was agreed.
 */
export interface ConsentStatement {
  text: string;
  version: string;
}

const PUBLISH =
  'I understand that Gleaner will publish this entry, with every author\'s name and a link to each post, in an open dataset that anyone may download and use, including to train AI models. ' +
  'If I withdraw it later, it will be left out of future releases, but copies already downloaded cannot be recalled.';

const STATEMENTS: Record<ConsentBasisId, { version: string; text: (licence: string) => string }> = {
  self: {
    version: 'self/3',
    // The hub accepts a self entry only with a proof, for each post, of the contributor's identity on its
    // forum, which it checked itself and writes into the receipt (consent.identityProofs).
    text: (l) =>
      `I wrote every post used in this entry myself, and I have proven to the hub that I am their author on each forum: the hub records the proofs it checked (the pages it read) with this entry. ` +
      `I license this entry, and my posts as used in it, under ${l}. ${PUBLISH}`,
  },
  author_opt_in: {
    version: 'author_opt_in/3',
    // A permission is the author's own post or a grant they made on the hub's authors' page after proving
    // their identity there; the hub checks each grant it holds is theirs and for this licence.
    text: (l) =>
      `Every person whose words appear in this entry has granted permission for their posts to be used and published under ${l}: in a post of their own recorded with this entry (its address, text and hash), ` +
      `or in a grant they made on the hub after proving their identity there (the grant's id, licence and date are recorded with this entry). ` +
      `I have not changed what they agreed to, and I license my own rewriting under ${l} too. ${PUBLISH}`,
  },
  moderator_attestation: {
    version: 'moderator_attestation/1',
    text: (l) =>
      `I am a moderator or administrator of the community these posts come from. Its published rules, at the address recorded with this entry, were in force when these posts were written and let anyone reuse members' posts under ${l} or a licence compatible with it. ` +
      `I license my own rewriting under ${l}. ${PUBLISH}`,
  },
  open_license: {
    version: 'open_license/1',
    text: (l) =>
      `The posts used in this entry are published under the open licences recorded for each of them, and those licences allow this rewrite. ` +
      `I rewrote them faithfully, kept every author's name and link, and marked the text as modified. I license my rewriting under ${l}, and the entry as a whole is published under ${l}. ${PUBLISH}`,
  },
};

/**
 * Earlier versions, word for word, so a receipt that names one can still be read against its text.
 * Never edit one; a new wording goes into STATEMENTS under a new version and the old one moves here.
 */
const EARLIER: Record<string, (licence: string) => string> = {
  'author_opt_in/2': (l) =>
    `Every person whose words appear in this entry has granted permission, in a post of their own recorded with this entry (its address, text and hash), for their posts to be used and published under ${l}. ` +
    `I have not changed what they agreed to, and I license my own rewriting under ${l} too. ${PUBLISH}`,
};

function named(license: string): string {
  const { name, url } = ccName(license);
  return name === license ? license : `${name} (${license}${url ? `, ${url}` : ''})`;
}

/** The words of a statement version (current or earlier) for a licence, or null for a version this build does not know. */
export function statementOfVersion(version: string, license: string): string | null {
  const current = Object.values(STATEMENTS).find((s) => s.version === version);
  if (current) return current.text(named(license));
  return EARLIER[version]?.(named(license)) ?? null;
}

/** The statement for a basis with the licence named in full: "CC BY-SA 4.0 International (CC-BY-SA-4.0, https://…)". */
export function consentStatement(basis: ConsentBasisId, license: string): ConsentStatement;
/** No basis chosen: there is no statement to agree to. */
export function consentStatement(basis: ConsentBasisId | null, license: string): ConsentStatement | null;
export function consentStatement(basis: ConsentBasisId | null, license: string): ConsentStatement | null {
  if (!basis) return null;
  const s = STATEMENTS[basis];
  return { text: s.text(named(license)), version: s.version };
}
