import { z } from 'zod';
import { IdentityProof } from './entry.ts';

/**
 * The hub's identity, authors'-say and report messages (`/v1/identities…`, `/v1/reports…`). The
 * identity proof itself is the entry model's `IdentityProof`, as receipts carry it.
 */

const line = (max: number) => z.string().trim().min(1).max(max).refine((t) => !/[\u0000-\u001f\u007f]/.test(t) && t.isWellFormed(), 'contains a control character');

/** "I am NAME on FORUM": the forum as its address (any page of it, or its host name) and the name shown on posts. */
export const IdentityClaimRequest = z.object({ forum: line(500), name: line(200) });

export const IdentityClaimResponse = z.object({
  claimId: z.string(),
  forum: z.string(),
  name: z.string(),
  /** Put this in a post of your own on the forum, or on your profile, then send the page's address to verify. */
  code: z.string(),
  expiresAt: z.string(),
  instructions: z.string(),
});

export const IdentityVerifyRequest = z.object({ url: line(2000) });

export const IdentityList = z.object({ identities: z.array(IdentityProof) });

export const ReportCategory = z.enum(['copyright', 'privacy', 'wrong_attribution']);

/** Anyone's report on a published entry; no contact details are asked for or kept. */
export const EntryReportRequest = z.object({
  entryId: line(200),
  category: ReportCategory,
  details: z.string().max(4000).refine((t) => !t.includes('\u0000') && t.isWellFormed(), 'contains a NUL character or a broken surrogate').default(''),
});

export const EntryReportReceipt = z.object({ reportId: z.string(), status: z.literal('received') });

export const EntryReport = z.object({
  id: z.string(),
  entryId: z.string(),
  category: ReportCategory,
  details: z.string(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  outcome: z.enum(['removed', 'dismissed']).nullable(),
  comment: z.string().nullable(),
});

export const EntryReportList = z.object({ reports: z.array(EntryReport) });

/** A moderator's decision: `removed` takes the entry out of the next release, `dismissed` leaves it. */
export const EntryReportDecision = z.object({ outcome: z.enum(['removed', 'dismissed']), comment: z.string().max(5000).nullable().default(null) });

/** Why an entry left the releases; the removal list of a release carries only this and the entry id. */
export const RemovalReason = z.enum(['author_request', 'copyright', 'privacy', 'wrong_attribution']);
export const EntryRemovalInfo = z.object({ reason: RemovalReason, at: z.string() });

/**
 * A grant an author made on the hub's authors' page, as contributors may look it up (`GET /v1/grants`):
 * grants are public permissions, so only what an entry's receipt needs and the author's forum identity
 * are answered, never the proof behind it.
 */
export const HubGrantInfo = z.object({
  grantId: z.string(),
  license: z.string(),
  grantedAt: z.string(),
  forum: z.string(),
  name: z.string(),
  profileUrl: z.string().nullable(),
});
export type HubGrantInfo = z.infer<typeof HubGrantInfo>;
export const HubGrantList = z.object({ grants: z.array(HubGrantInfo) });
