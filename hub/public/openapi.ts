import { z } from 'zod';
import { PublicEntry, PublicHobbyList, PublicHobbyPage, PublicSearchPage, PublicSubjectMatches, PublicSubjectPage } from '../../lib/model/public.ts';
import { Hobby, HobbyCreate, Subject, SubjectCreate, SubjectMerge, SubjectMoveEntries, SubjectMoveResult, SubjectRename, SubjectSplit } from '../../lib/model/subject.ts';

/** The knowledge base's part of the OpenAPI document: public reads (no token) and the moderators' subject operations. */
const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, name: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const slugParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 }, description });
const moved = { description: 'The slug was renamed or merged: Location names where the subject is now', headers: { Location: { schema: { type: 'string' }, description: 'The current address' } } };
const tooLarge = { '413': problem('Request body over the size limit') };
const unauthorized = { '401': problem('Missing, unknown or revoked token') };
const writeLimits = { '429': problem('Too many writes for this token'), '503': problem('SQLite only: another writer held the database too long; nothing changed') };
const hobby = slugParam('hobby', 'A hobby slug, e.g. board-games');
const subject = slugParam('slug', 'A subject slug, e.g. catan');
const searchParams = [
  { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 800 }, description: 'Words to find, any script. Read up to 200 characters; letters and digits only, at most 8 words, every word must match (whole words, case folded, accents significant).' },
  { name: 'hobby', in: 'query', schema: { type: 'string' }, description: 'Only entries of this hobby (slug)' },
  { name: 'subject', in: 'query', schema: { type: 'string' }, description: 'Only entries of this subject (slug; needs hobby); renamed and merged slugs included' },
  { name: 'kind', in: 'query', schema: { type: 'string', enum: ['qa', 'strategy'] } },
  { name: 'language', in: 'query', schema: { type: 'string' }, description: 'A language tag, matched exactly (en, pt-BR)' },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 1000 }, description: 'nextOffset of the previous page' },
];

export const knowledgeSchemas = {
  Hobby: schema(Hobby),
  HobbyCreate: schema(HobbyCreate),
  Subject: schema(Subject),
  SubjectCreate: schema(SubjectCreate),
  SubjectRename: schema(SubjectRename),
  SubjectMerge: schema(SubjectMerge),
  SubjectSplit: schema(SubjectSplit),
  SubjectMoveEntries: schema(SubjectMoveEntries),
  SubjectMoveResult: schema(SubjectMoveResult),
  PublicHobbyList: schema(PublicHobbyList),
  PublicHobbyPage: schema(PublicHobbyPage),
  PublicSubjectPage: schema(PublicSubjectPage),
  PublicSubjectMatches: schema(PublicSubjectMatches),
  PublicEntry: schema(PublicEntry),
  PublicSearchPage: schema(PublicSearchPage),
};

export const knowledgePaths = {
  '/v1/public/hobbies': {
    get: {
      operationId: 'publicHobbies',
      summary: 'Public: every hobby with its counts of subjects and accepted entries',
      security: [],
      responses: { '200': json('The hobbies by name', 'PublicHobbyList'), ...tooLarge },
    },
  },
  '/v1/public/hobbies/{hobby}': {
    get: {
      operationId: 'publicHobby',
      summary: 'Public: a hobby and its subjects, each with its count of accepted entries',
      security: [],
      parameters: [hobby],
      responses: { '200': json('The hobby', 'PublicHobbyPage'), '404': problem('No hobby with this slug') },
    },
  },
  '/v1/public/hobbies/{hobby}/subjects/{slug}': {
    get: {
      operationId: 'publicSubject',
      summary: "Public: a subject and its accepted entries, newest or most cited first (a merged or renamed subject's entries included)",
      security: [],
      parameters: [
        hobby,
        subject,
        {
          name: 'sort', in: 'query', schema: { type: 'string', enum: ['newest', 'cited'], default: 'newest' },
          description: 'newest: when the entry became public, newest first. cited: distinct source posts the entry draws on (its sources by post id; a duplicate folded into it adds its own), most first, then newest, then id descending',
        },
        { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page, read with the same sort' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
      ],
      responses: { '200': json('The subject and a page of its entries', 'PublicSubjectPage'), '301': moved, '400': problem('A malformed sort, cursor (or one from the other order) or limit'), '404': problem('No subject with this slug') },
    },
  },
  '/v1/public/entries/{id}': {
    get: {
      operationId: 'publicEntry',
      summary: 'Public: an accepted or published entry with each passage, its sources, consent terms and review history',
      security: [],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': json('The entry', 'PublicEntry'), '404': problem('No accepted or published entry with this id') },
    },
  },
  '/v1/public/search': {
    get: {
      operationId: 'publicSearch',
      summary: 'Public: full-text search over accepted entries. Order: entries with every word in the title first, then newest accepted, then id (descending); the same on SQLite and PostgreSQL.',
      security: [],
      parameters: searchParams,
      responses: { '200': json('A page of results', 'PublicSearchPage'), '400': problem('No word to search for, or a malformed filter, limit or offset') },
    },
  },
  '/v1/public/subjects': {
    get: {
      operationId: 'publicSubjectMatches',
      summary: 'Public: subjects whose name, alias or slug contains q (case and accents ignored), name prefixes first: autocomplete for the curate view',
      security: [],
      parameters: [
        { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 100 } },
        { name: 'hobby', in: 'query', schema: { type: 'string' }, description: 'Only subjects of this hobby (slug)' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 20 } },
      ],
      responses: { '200': json('Matching subjects', 'PublicSubjectMatches'), '400': problem('q empty, or a malformed hobby or limit') },
    },
  },
  '/v1/hobbies': {
    post: {
      operationId: 'createHobby',
      summary: 'Moderators: create a hobby',
      requestBody: { required: true, content: { 'application/json': { schema: ref('HobbyCreate') } } },
      responses: { '201': json('Created', 'Hobby'), ...unauthorized, '403': problem('Not a moderator'), '409': problem('The slug is taken'), ...tooLarge, '422': problem('Not a valid hobby'), ...writeLimits },
    },
  },
  '/v1/subjects': {
    post: {
      operationId: 'createSubject',
      summary: 'Moderators: create a subject within a hobby',
      requestBody: { required: true, content: { 'application/json': { schema: ref('SubjectCreate') } } },
      responses: {
        '201': json('Created', 'Subject'), ...unauthorized, '403': problem('Not a moderator'), '404': problem('No such hobby'),
        '409': problem('The slug is taken (or redirects), or the BoardGameGeek or Wikidata id belongs to another subject'), ...tooLarge, '422': problem('Not a valid subject'), ...writeLimits,
      },
    },
  },
  '/v1/subjects/{hobby}/{slug}': {
    patch: {
      operationId: 'renameSubject',
      summary: 'Moderators: rename a subject, change its slug (the old one redirects), aliases or external ids',
      parameters: [hobby, subject],
      requestBody: { required: true, content: { 'application/json': { schema: ref('SubjectRename') } } },
      responses: {
        '200': json('The subject as it is now', 'Subject'), ...unauthorized, '403': problem('Not a moderator'), '404': problem('No such subject'),
        '409': problem('Changed since expectVersion, or the new slug or an id is taken; the reason says which'), ...tooLarge, '422': problem('Not a valid change'), ...writeLimits,
      },
    },
  },
  '/v1/subjects/{hobby}/{slug}/merge': {
    post: {
      operationId: 'mergeSubject',
      summary: "Moderators: merge a subject into another of the same hobby; its slug redirects there, its names become aliases, its entries are listed there",
      parameters: [hobby, subject],
      requestBody: { required: true, content: { 'application/json': { schema: ref('SubjectMerge') } } },
      responses: {
        '200': json('The subject merged into', 'Subject'), ...unauthorized, '403': problem('Not a moderator'), '404': problem('Either subject does not exist'),
        '409': problem('Either changed since the version named, or they carry different external ids; the reason says which'), ...tooLarge, '422': problem('Not a valid merge (e.g. into itself)'), ...writeLimits,
      },
    },
  },
  '/v1/subjects/{hobby}/{slug}/split': {
    post: {
      operationId: 'splitSubject',
      summary: 'Moderators: a slug merged or renamed into this subject becomes a subject of its own again; its entries are listed there, the names and ids it takes leave this subject',
      parameters: [hobby, subject],
      requestBody: { required: true, content: { 'application/json': { schema: ref('SubjectSplit') } } },
      responses: {
        '201': json('The new subject', 'Subject'), ...unauthorized, '403': problem('Not a moderator'), '404': problem('No such subject'),
        '409': problem('Changed since expectVersion, the slug does not redirect here, the name is this subject\'s own, or an id belongs to a third subject; the reason says which'), ...tooLarge, '422': problem('Not a valid split'), ...writeLimits,
      },
    },
  },
  '/v1/subjects/{hobby}/{slug}/move': {
    post: {
      operationId: 'moveSubjectEntries',
      summary: "Moderators: move chosen entries listed under this subject to another subject of the hobby, or to a new one created in the same call; each entry's subject is rewritten (text, sources and state stay), redirects are untouched, all or nothing",
      parameters: [hobby, subject],
      requestBody: { required: true, content: { 'application/json': { schema: ref('SubjectMoveEntries') } } },
      responses: {
        '200': json('Moved into an existing subject: both subjects as they are now (versions bumped) and the ids moved', 'SubjectMoveResult'),
        '201': json('Moved into the subject the call created', 'SubjectMoveResult'),
        ...unauthorized, '403': problem('Not a moderator'), '404': problem('No such subject, or no subject "into"'),
        '409': problem('Either subject changed since the version named, an entry is not listed under this subject, "into" is a former slug, or the new slug or an id is taken; the reason says which'),
        ...tooLarge, '422': problem('Not a valid move (no entries, both or neither of into and create, into this same subject)'), ...writeLimits,
      },
    },
  },
};
