import { z } from 'zod';

/**
 * A moderator's statement, recorded once per bulk job, that the community's terms let anyone reuse
 * members' posts under a licence: the basis for entries made from that community's archive.
 */
export const Attestation = z.object({
  community: z.string().trim().min(1, 'Name the community whose archive this is.'),
  /** The licence the community's terms grant, as an SPDX id or a short name (e.g. CC-BY-SA-4.0). */
  license: z.string().trim().min(1, 'Say which licence the community\'s terms grant.'),
  termsUrl: z.string().trim().url('Link to the community\'s terms (a full https:// address).'),
  role: z.string().trim().min(1, 'Say what your role in the community is (e.g. moderator, administrator).'),
  attestedAt: z.string(),
});
export type Attestation = z.infer<typeof Attestation>;
