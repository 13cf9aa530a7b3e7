import { z } from 'zod';
import { Entry } from '../lib/model/entry.ts';
import { HubEntryList, HubEntryStatus, Problem, SubmissionRequest, SubmissionResponse } from '../lib/model/submission.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

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
            '413': problemResponse('Body too large'),
            '422': problemResponse('No entry in the batch is valid, or the key was used with another body'),
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
          ],
          responses: { '200': { description: 'A page of entries', content: { 'application/json': { schema: { $ref: '#/components/schemas/EntryList' } } } }, '401': problemResponse('Missing or unknown token') },
        },
      },
      '/v1/entries/{id}': {
        get: {
          summary: "An entry's state and history",
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The entry status', content: { 'application/json': { schema: { $ref: '#/components/schemas/EntryStatus' } } } }, '404': problemResponse('No such entry for this caller') },
        },
      },
      '/v1/entries/{id}/review': {
        post: {
          summary: 'Moderators: move an entry through review',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['state'], properties: { state: { enum: ['in_review', 'accepted', 'needs_changes', 'rejected'] }, comment: { type: ['string', 'null'] } } } } } },
          responses: { '200': { description: 'The new status', content: { 'application/json': { schema: { $ref: '#/components/schemas/EntryStatus' } } } }, '403': problemResponse('Not a moderator') },
        },
      },
    },
  };
}
