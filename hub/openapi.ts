import { z } from 'zod';
import { Entry } from '../lib/model/entry.ts';
import { HUB_LIMITS } from '../lib/model/limits.ts';
import { HubUnvouchRequest, HubVouch, HubVouchList, HubVouchRequest } from '../lib/model/vouch.ts';
import { knowledgePaths, knowledgeSchemas } from './public/openapi.ts';
import { consentPaths, consentSchemas } from './openapi-consent.ts';
import { HubDismissRequest, HubMergeRequest, HubMergeResult, HubQueueItem, HubSimilarList, HubSimilarRequest } from '../lib/model/similar.ts';
import { HubEntryList, HubEntryStatus, HubPairRequest, HubPairResponse, HubQueuePage, HubReview, Problem, SubmissionRequest, SubmissionResponse } from '../lib/model/submission.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const retryAfter = { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } };
const withRetry = (description: string) => ({ ...problem(description), headers: retryAfter });
const etag = { ETag: { schema: { type: 'string' }, description: 'The entry revision, for If-Match' } };
const status = (description: string) => ({ description, headers: etag, content: { 'application/json': { schema: ref('EntryStatus') } } });
const json = (description: string, name: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });

// Answers most operations share.
const unauthorized = { '401': { ...problem('Missing, unknown or revoked token'), headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer' } } } };
const tooLarge = { '413': problem('Body over the size limit (the connection is closed)') };
const writeLimits = {
  '429': withRetry('Too many writes for this token'),
  '503': withRetry('SQLite only: another writer held the database longer than the busy timeout; nothing was stored'),
};

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: HUB_LIMITS.idChars }, description: 'The entry id. An id with control characters or over the limit is 404.' };
const ifMatch = (required: boolean) => ({
  name: 'If-Match',
  in: 'header',
  required,
  schema: { type: 'string' },
  description: 'The ETag of the entry as last read (e.g. "r3"), or * for any revision. A stale one is 412.',
});

/** The hub's OpenAPI 3.1 document, generated from the same zod schemas the hub validates with. */
export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gleaner hub',
      version,
      description: 'Receives attributed, consented entries from Gleaner and tracks their review. Every error is RFC 9457 problem details.',
      license: { name: 'MPL-2.0', identifier: 'MPL-2.0' },
    },
    servers: [{ url: '/', description: 'This hub' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from add-contributor or pairing' } },
      schemas: {
        Entry: schema(Entry),
        SubmissionRequest: schema(SubmissionRequest),
        SubmissionResponse: schema(SubmissionResponse),
        EntryStatus: schema(HubEntryStatus),
        EntryList: schema(HubEntryList),
        QueuePage: schema(HubQueuePage),
        Review: schema(HubReview),
        PairRequest: schema(HubPairRequest),
        PairResponse: schema(HubPairResponse),
        Problem: schema(Problem),
        Vouch: schema(HubVouch),
        VouchList: schema(HubVouchList),
        VouchRequest: schema(HubVouchRequest),
        UnvouchRequest: schema(HubUnvouchRequest),
        // The knowledge base (hub/public/openapi.ts).
        ...knowledgeSchemas,
        ...consentSchemas,
        ...similarSchemas(),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/submissions': {
        post: {
          operationId: 'submitEntries',
          summary: 'Submit a batch of entries',
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 8, maxLength: 200 }, description: 'A retry with the same key and body returns the first answer (kept 24 hours), also while the first is still running; the same key with another body is 422; a claim held by another hub process is 409.' },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('SubmissionRequest') } } },
          responses: {
            '202': json('Received; one result per entry', 'SubmissionResponse'),
            '400': problem('Missing Idempotency-Key or unreadable body'),
            ...unauthorized,
            '409': withRetry('The same key is still being processed'),
            '413': problem('Body too large, or more entries than the batch limit'),
            '422': problem('No entry in the batch is valid (limits, schema, content hash), or the key was used with another body'),
            ...writeLimits,
          },
        },
      },
      '/v1/entries': {
        get: {
          operationId: 'listMyEntries',
          summary: "The caller's entries and their review states",
          parameters: [
            { name: 'mine', in: 'query', required: true, schema: { type: 'string', const: '1' } },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
            { name: 'since', in: 'query', schema: { type: 'string', pattern: '^[0-9]+$' }, description: 'nextSince of an earlier listing: only entries changed after it, oldest change first' },
            { name: 'If-None-Match', in: 'header', schema: { type: 'string' }, description: 'The ETag of an earlier listing: 304 when nothing of yours changed' },
          ],
          responses: {
            '200': { ...json('A page of entries', 'EntryList'), headers: { ETag: { schema: { type: 'string' }, description: 'Changes whenever any of your entries does' } } },
            '304': { description: 'Nothing changed since the ETag sent in If-None-Match' },
            '400': problem('mine=1 missing, or a malformed since or cursor'),
            ...unauthorized,
          },
        },
      },
      '/v1/entries/{id}': {
        get: {
          operationId: 'getEntry',
          summary: "An entry's state and history",
          parameters: [idParam, { name: 'If-None-Match', in: 'header', schema: { type: 'string' }, description: 'The ETag last seen: 304 when unchanged' }],
          responses: { '200': status('The entry status'), '304': { description: 'Unchanged (If-None-Match)' }, ...unauthorized, '404': problem('No such entry for this caller') },
        },
        patch: {
          operationId: 'reviseEntry',
          summary: 'Contributors: revise an entry a moderator marked needs_changes (state goes back to received)',
          parameters: [idParam, ifMatch(true)],
          requestBody: { required: true, content: { 'application/json': { schema: ref('Entry') } } },
          responses: {
            '200': status('The revised entry (revisionOf names the version it replaced)'),
            ...unauthorized,
            '404': problem('No such entry of yours'),
            '409': problem('The entry does not need changes'),
            '412': problem('The entry changed since the ETag you sent'),
            ...tooLarge,
            '422': problem('The revision breaks a limit, the schema or the content hash, or changes the id'),
            '428': problem('If-Match missing'),
            ...writeLimits,
          },
        },
      },
      '/v1/entries/{id}/withdraw': {
        post: {
          operationId: 'withdrawEntry',
          summary: 'Contributors: take an entry back before it is published',
          parameters: [idParam, ifMatch(false)],
          responses: {
            '200': status('Withdrawn'),
            ...unauthorized,
            '404': problem('No such entry of yours'),
            '409': problem('Already final (rejected, withdrawn or published)'),
            '412': problem('Changed since If-Match'),
            ...tooLarge,
            ...writeLimits,
          },
        },
      },
      '/v1/entries/{id}/review': {
        post: {
          operationId: 'reviewEntry',
          summary: 'Moderators: move an entry through review',
          parameters: [idParam, ifMatch(false)],
          requestBody: { required: true, content: { 'application/json': { schema: ref('Review') } } },
          responses: {
            '200': status('The new status'),
            ...unauthorized,
            '403': problem('Not a moderator, or the four-eyes rule: the entry is your own'),
            '404': problem('No such entry'),
            '409': problem('This move is not allowed from the current state'),
            '412': problem('Changed since If-Match'),
            ...tooLarge,
            '422': problem('Unknown state, needs_changes without a comment, or a comment with a NUL'),
            ...writeLimits,
          },
        },
      },
      '/v1/queue': {
        get: {
          operationId: 'listQueue',
          summary: 'Moderators: the review queue with full entries, oldest first',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string' }, description: 'Comma-separated states; default received,in_review' },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          ],
          responses: { '200': json('A page of the queue', 'QueuePage'), '400': problem('Unknown state, or a malformed cursor or limit'), ...unauthorized, '403': problem('Not a moderator') },
        },
      },
      // Vouching (hub/vouch.ts): community moderators registered by hub moderators.
      '/v1/vouches': {
        get: {
          operationId: 'listVouches',
          summary: 'Community moderators vouched for: every one for hub moderators, your own otherwise',
          responses: { '200': json('Active vouches', 'VouchList'), ...unauthorized },
        },
        post: {
          operationId: 'vouch',
          summary: 'Hub moderators: register an account as a moderator of a community (host, or host and path prefix), so its attestations count for that community',
          requestBody: { required: true, content: { 'application/json': { schema: ref('VouchRequest') } } },
          responses: {
            '200': json('Already vouched for; unchanged', 'Vouch'),
            '201': json('Vouched for', 'Vouch'),
            ...unauthorized,
            '403': problem('Not a moderator of this hub, or the four-eyes rule: vouching for yourself'),
            '404': problem('No account of that name'),
            ...tooLarge,
            '422': problem('Malformed body, or the community is not a web host'),
            ...writeLimits,
          },
        },
      },
      '/v1/vouches/revoke': {
        post: {
          operationId: 'unvouch',
          summary: 'Hub moderators: end a vouch; the account can no longer attest for that community',
          requestBody: { required: true, content: { 'application/json': { schema: ref('UnvouchRequest') } } },
          responses: {
            '200': { description: 'Ended', content: { 'application/json': { schema: { type: 'object', properties: { revoked: { type: 'integer' } }, required: ['revoked'] } } } },
            ...unauthorized,
            '403': problem('Not a moderator of this hub'),
            '404': problem('No such active vouch'),
            ...tooLarge,
            '422': problem('Malformed body, or the community is not a web host'),
            ...writeLimits,
          },
        },
      },
      ...similarPaths(),
      '/v1/pair': {
        post: {
          operationId: 'pair',
          summary: 'Exchange a one-time pairing code for a token (no token needed; rate-limited per address)',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: ref('PairRequest') } } },
          responses: {
            '201': json('The token, shown once', 'PairResponse'),
            '400': problem('Unknown, used or expired code, or one made for another role'),
            ...tooLarge,
            '422': problem('No code in the body'),
            '429': withRetry('Too many pairing attempts from this address'),
          },
        },
      },
      // The knowledge base (hub/public/openapi.ts).
      ...knowledgePaths,
      ...consentPaths,
    },
  };
}

// ---- Duplicates (hub/similar.ts): lookup before submitting, flags, keep both, merge. ----

function similarSchemas() {
  return {
    SimilarRequest: schema(HubSimilarRequest),
    SimilarList: schema(HubSimilarList),
    MergeRequest: schema(HubMergeRequest),
    MergeResult: schema(HubMergeResult),
    DismissRequest: schema(HubDismissRequest),
    QueueItem: schema(HubQueueItem),
  };
}

function similarPaths() {
  return {
    '/v1/similar': {
      post: {
        operationId: 'findSimilar',
        summary: 'Before submitting: live entries that draw on the same source posts or ask a near-identical question (ids, titles and states only)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('SimilarRequest') } } },
        responses: {
          '200': json('Possible duplicates, same source posts first, at most 20', 'SimilarList'),
          ...unauthorized,
          '413': problem('Body over 512 KB'),
          '422': problem('Malformed lookup (more than 100 sources, a field too long, a NUL)'),
          ...writeLimits,
        },
      },
    },
    '/v1/queue/{id}': {
      get: {
        operationId: 'getQueueItem',
        summary: 'Moderators: one entry as the queue shows it (status, record, submitter, possible duplicates), whatever its state',
        parameters: [idParam],
        responses: { '200': json('The entry', 'QueueItem'), ...unauthorized, '403': problem('Not a moderator'), '404': problem('No such entry') },
      },
    },
    '/v1/entries/{id}/similar': {
      get: {
        operationId: 'listSimilar',
        summary: 'Moderators: possible duplicates of an entry, less the pairs kept apart',
        parameters: [idParam],
        responses: { '200': json('Possible duplicates', 'SimilarList'), ...unauthorized, '403': problem('Not a moderator'), '404': problem('No such entry') },
      },
    },
    '/v1/entries/{id}/similar/dismiss': {
      post: {
        operationId: 'keepBoth',
        summary: 'Moderators: keep both entries; the pair is not flagged again',
        parameters: [idParam],
        requestBody: { required: true, content: { 'application/json': { schema: ref('DismissRequest') } } },
        responses: {
          '200': json("The entry's remaining flags", 'SimilarList'),
          ...unauthorized,
          '403': problem('Not a moderator'),
          '404': problem('No such entry (either one)'),
          ...tooLarge,
          '422': problem('Malformed body, or the same entry twice'),
          ...writeLimits,
        },
      },
    },
    '/v1/entries/{id}/merge': {
      post: {
        operationId: 'mergeEntry',
        summary: 'Moderators: fold entry {id} into another; it becomes rejected with mergedInto, the other gains its source posts and attribution',
        parameters: [idParam, { ...ifMatch(false), description: 'The ETag of the entry being folded (e.g. "r3"), or *. A stale one is 412.' }],
        requestBody: { required: true, content: { 'application/json': { schema: ref('MergeRequest') } } },
        responses: {
          '200': { ...json('Both entries after the merge', 'MergeResult'), headers: etag },
          ...unauthorized,
          '403': problem('Not a moderator, or the four-eyes rule: your own entry would join an accepted one'),
          '404': problem('No such entry (either one)'),
          '409': problem('The folded entry is published or final, or the other one is rejected or withdrawn'),
          '412': problem('Either entry changed since it was read (If-Match, intoRevision), or kept changing'),
          ...tooLarge,
          '422': problem('Malformed body, the same entry twice, or the licence or consent rules refuse the union of sources'),
          ...writeLimits,
        },
      },
    },
  };
}
