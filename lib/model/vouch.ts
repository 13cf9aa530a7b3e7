import { z } from 'zod';

/**
 * A hub moderator's word that an account moderates a community (a forum host, optionally with a path
 * prefix): what lets that account rest entries on a moderator attestation for the community's posts.
 */
export const HubVouch = z.object({
  contributor: z.string(),
  /** Normalised: lower-case host with port, and the path prefix if any (`forum.example`, `example.org/forum`). */
  community: z.string(),
  /** The hub moderator who vouched, or "hub operator" when done on the hub's command line. */
  vouchedBy: z.string(),
  vouchedAt: z.string(),
  note: z.string().nullable(),
});
export type HubVouch = z.infer<typeof HubVouch>;

const plain = (max: number) => z.string().trim().min(1).max(max).refine((t) => !/[\u0000-\u001f\u007f]/.test(t) && t.isWellFormed(), 'contains a control character');

export const HubVouchRequest = z.object({
  /** The account's name on this hub. */
  contributor: plain(200),
  /** A host, a host and path, or a full address of the community (`forum.example`, `https://example.org/forum/`). */
  community: plain(300),
  /** Why, for the record (e.g. where the community lists its moderators). */
  note: plain(1000).nullable().optional(),
});
export type HubVouchRequest = z.infer<typeof HubVouchRequest>;

export const HubUnvouchRequest = HubVouchRequest.pick({ contributor: true, community: true });

export const HubVouchList = z.object({ vouches: z.array(HubVouch) });
