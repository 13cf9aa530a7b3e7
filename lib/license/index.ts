/**
 * Licences, consent and opt-outs: what a source may be used for, and on whose word.
 * detect (page → declared licences), policies (site terms as data), source (post/thread → licence),
 * combine (sources + grant → effective licence), statements (consent texts), optout (AI/TDM signals).
 */
export { GRANT_CHOICES, effectiveLicense, whyNotAdaptable, adaptableInto } from './combine.ts';
export type { Grant, ConsentBasisId, LicenseVerdict, EffectiveLicenseOptions } from './combine.ts';
export { sourceLicenseOf, postLicense } from './source.ts';
export type { SourceLicense, LicenseContext } from './source.ts';
export { detectPageLicense } from './detect.ts';
export type { LicenseHint } from './detect.ts';
export { SITE_POLICIES, policyFor, licenseFromTosText, datedLicense, evidenceUrlFor } from './policies.ts';
export type { SitePolicy, PolicyRule, TosLicense } from './policies.ts';
export { ccTerms, ccUrlToSpdx, ccTextToSpdx, ccName, isSpdxId } from './cc.ts';
export type { CcTerms } from './cc.ts';
export { consentStatement } from './statements.ts';
export { sameAuthor, distinctAuthors, authorsWithoutPermission, missingPermissionMessage, nameList } from './permissions.ts';
export type { ConsentStatement } from './statements.ts';
export { AI_AGENTS, optOutVerdict, optOutRefusal, parseTdmrep, tdmRuleFor, robotsAiBlocks } from './optout.ts';
export type { OptOutInput, OptOutVerdict, TdmRule, HeaderBag } from './optout.ts';
