import { z } from 'zod';
import { IdentityProof } from '../lib/model/entry.ts';
import { EntryReport, EntryReportDecision, EntryReportList, EntryReportReceipt, EntryReportRequest, HubGrantList, IdentityClaimRequest, IdentityClaimResponse, IdentityList, IdentityVerifyRequest } from '../lib/model/hub-consent.ts';

/**
 * The OpenAPI block of identities, authors' say and reports (hub/consent-api.ts), kept apart from the
 * main document so the features can be merged and reviewed on their own. The authors' page itself
 * (/authors) is HTML forms, not API, and not listed.
 */
const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const json = (description: string, name: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const retry = (description: string) => ({ ...problem(description), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } });
const unauthorized = { '401': problem('Missing, unknown or revoked token') };
const writeLimits = { '413': problem('Body over the size limit'), '429': retry('Too many writes for this token'), '503': retry('SQLite only: another writer held the database longer than the busy timeout') };

export const consentSchemas = {
  IdentityClaimRequest: schema(IdentityClaimRequest),
  IdentityClaimResponse: schema(IdentityClaimResponse),
  IdentityVerifyRequest: schema(IdentityVerifyRequest),
  IdentityProof: schema(IdentityProof),
  IdentityList: schema(IdentityList),
  EntryReportRequest: schema(EntryReportRequest),
  EntryReportReceipt: schema(EntryReportReceipt),
  EntryReport: schema(EntryReport),
  EntryReportList: schema(EntryReportList),
  EntryReportDecision: schema(EntryReportDecision),
  HubGrantList: schema(HubGrantList),
};

export const consentPaths = {
  '/v1/identities/claims': {
    post: {
      operationId: 'claimIdentity',
      summary: 'Contributors: claim "I am NAME on FORUM" and get a code to post there',
      requestBody: { required: true, content: { 'application/json': { schema: ref('IdentityClaimRequest') } } },
      responses: { '201': json('The code and what to do with it', 'IdentityClaimResponse'), ...unauthorized, '422': problem('No forum address or name'), ...writeLimits },
    },
  },
  '/v1/identities/claims/{id}/verify': {
    post: {
      operationId: 'verifyIdentity',
      summary: 'Contributors: the hub fetches the page given and looks for the code in a post by NAME, or on NAME\'s profile',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The claimId' }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('IdentityVerifyRequest') } } },
      responses: {
        '201': json('Proven: the proof as entries carry it', 'IdentityProof'),
        ...unauthorized,
        '404': problem('No such claim of yours'),
        '422': problem('Not proven: the reason in plain words (code not on the page, post by someone else, another forum, page not fetched, code expired)'),
        ...writeLimits,
      },
    },
  },
  '/v1/identities': {
    get: { operationId: 'listIdentities', summary: "Contributors: the caller's proven forum identities", responses: { '200': json('The proofs', 'IdentityList'), ...unauthorized } },
  },
  '/v1/grants': {
    get: {
      operationId: 'findGrants',
      summary: "Contributors: the grants an author made on the authors' page, newest first (grant id, licence, date and the author's forum identity only)",
      parameters: [
        { name: 'forum', in: 'query', required: true, schema: { type: 'string' }, description: 'Any address of the forum, or its host' },
        { name: 'name', in: 'query', required: true, schema: { type: 'string' }, description: "The author's name as the forum shows it" },
        { name: 'profileUrl', in: 'query', schema: { type: 'string' }, description: "The author's profile address, when the page gives one" },
      ],
      responses: { '200': json('The grants', 'HubGrantList'), ...unauthorized, '422': problem('No forum address or name') },
    },
  },
  '/v1/reports': {
    post: {
      operationId: 'reportEntry',
      summary: 'Anyone: report a published entry (copyright, privacy, wrong attribution); no token, rate-limited per address',
      security: [],
      requestBody: { required: true, content: { 'application/json': { schema: ref('EntryReportRequest') } } },
      responses: { '201': json('Received for a moderator', 'EntryReportReceipt'), '404': problem('No published entry with this id'), '413': problem('Body over the size limit'), '422': problem('Unknown category or malformed report'), '429': retry('Too many requests from this address') },
    },
    get: {
      operationId: 'listReports',
      summary: 'Moderators: undecided reports, oldest first (decided=1: decided ones, newest first)',
      parameters: [{ name: 'decided', in: 'query', schema: { type: 'string', enum: ['1'] } }],
      responses: { '200': json('Reports', 'EntryReportList'), ...unauthorized, '403': problem('Not a moderator') },
    },
  },
  '/v1/reports/{id}/decision': {
    post: {
      operationId: 'decideReport',
      summary: 'Moderators: remove the reported entry from the next release, or dismiss the report',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: ref('EntryReportDecision') } } },
      responses: { '200': json('The decided report', 'EntryReport'), ...unauthorized, '403': problem('Not a moderator'), '404': problem('No such report'), '409': problem('Already decided'), '422': problem('Unknown outcome'), ...writeLimits },
    },
  },
};
