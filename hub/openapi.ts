import { z } from 'zod';
import { Entry } from '../lib/model/entry.ts';
import { HubEntryList, HubEntryStatus, Problem, SubmissionRequest, SubmissionResponse } from '../lib/model/submission.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

const tooMany = { ...problemResponse('Too many writes for this token (or pairing attempts for this address)'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } };
const status = (description: string) => ({ description, headers: { ETag: { schema: { type: 'string' }, description: 'The entry revision, for If-Match' } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/EntryStatus' } } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** The hub's OpenAPI 3.1 document, generated from the same zod schemas the hub validates with. */
export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Gleaner hub', version, description: 'Receives attributed, consented entries from Gleaner and tracks their review.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Entry: schema(Entry),
        SubmissionRequest: schema(SubmissionRequest),
        SubmissionResponse: schema(SubmissionResponse),
        EntryStatus: schema(HubEntryStatus),
        EntryList: schema(HubEntryList),
        Problem: schema(Problem),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/submissions': {
        post: {
          summary: 'Submit a batch of entries',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 8, maxLength: 200 }, description: 'A retry with the same key and body returns the first answer; the same key with another body is 422; a key still in flight is 409.' }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmissionRequest' } } } },
          responses: {
            '202': { description: 'Received; one result per entry', content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmissionResponse' } } } },
            '400': problemResponse('Missing Idempotency-Key or unreadable body'),
            '401': problemResponse('Missing or unknown token'),
            '409': problemResponse('The same key is still being processed'),
            '413': problemResponse('Body too large, or more entries than the batch limit'),
            '422': problemResponse('No entry in the batch is valid (schema, field limits, content hash), or the key was used with another body'),
            '429': tooMany,
          },
        },
      },
      '/v1/entries': {
        get: {
          summary: "The caller's entries and their review states",
          parameters: [
            { name: 'mine', in: 'query', required: true, schema: { const: '1' } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
            { name: 'since', in: 'query', schema: { type: 'string', pattern: '^[0-9]+$' }, description: 'nextSince of an earlier listing: only entries changed after it, oldest change first' },
            { name: 'If-None-Match', in: 'header', schema: { type: 'string' }, description: 'The ETag of an earlier listing: 304 when nothing of yours changed' },
          ],
          responses: {
            '200': { description: 'A page of entries', headers: { ETag: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/EntryList' } } } },
            '304': { description: 'Nothing changed since the ETag sent in If-None-Match' },
            '401': problemResponse('Missing or unknown token'),
          },
        },
      },
      '/v1/entries/{id}': {
        get: {
          summary: "An entry's state and history",
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': status('The entry status'), '304': { description: 'Unchanged (If-None-Match)' }, '404': problemResponse('No such entry for this caller') },
        },
        patch: {
          summary: 'Contributors: revise an entry a moderator marked needs_changes (state goes back to received)',
          parameters: [idParam, { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' }, description: 'The ETag of the entry as last read, e.g. "r3"' }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Entry' } } } },
          responses: {
            '200': status('The revised entry (revisionOf names the version it replaced)'),
            '404': problemResponse('No such entry of yours'),
            '409': problemResponse('The entry does not need changes'),
            '412': problemResponse('The entry changed since the ETag you sent'),
            '422': problemResponse('The revision breaks the schema or a field limit'),
            '428': problemResponse('If-Match missing'),
            '429': tooMany,
          },
        },
      },
      '/v1/entries/{id}/withdraw': {
        post: {
          summary: 'Contributors: take an entry back before it is published',
          parameters: [idParam],
          responses: { '200': status('Withdrawn'), '404': problemResponse('No such entry of yours'), '409': problemResponse('Already final (rejected, withdrawn or published)'), '412': problemResponse('Changed since If-Match') },
        },
      },
      '/v1/queue': {
        get: {
          summary: 'Moderators: the review queue with full entries',
          parameters: [{ name: 'state', in: 'query', schema: { type: 'string' }, description: 'Comma-separated states; default received,in_review' }],
          responses: { '200': { description: 'Entries with status, full record and contributor name' }, '403': problemResponse('Not a moderator') },
        },
      },
      '/v1/pair': {
        post: {
          summary: 'Exchange a one-time pairing code for a token (no token needed; rate-limited per address)',
          security: [],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['code'], properties: { code: { type: 'string', examples: ['K7QX-M2PD'] } } } } } },
          responses: {
            '201': { description: 'The token, shown once', content: { 'application/json': { schema: { type: 'object', properties: { token: { type: 'string' }, contributor: { type: 'object', properties: { name: { type: 'string' }, role: { enum: ['contributor', 'moderator'] } } } } } } } },
            '400': problemResponse('Unknown, used or expired code'),
            '429': tooMany,
          },
        },
      },
      '/v1/entries/{id}/review': {
        post: {
          summary: 'Moderators: move an entry through review',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['state'], properties: { state: { enum: ['in_review', 'accepted', 'needs_changes', 'rejected'] }, comment: { type: ['string', 'null'] } } } } } },
          responses: { '200': status('The new status'), '403': problemResponse('Not a moderator'), '409': problemResponse('This move is not allowed from the current state'), '412': problemResponse('Changed since If-Match'), '422': problemResponse('Unknown state, or needs_changes without a comment') },
        },
      },
    },
  };
}
