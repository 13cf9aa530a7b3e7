import { afterAll, beforeAll, expect } from 'vitest';
import { openApiDocument } from '../../hub/openapi.ts';

/**
 * Checks every answer the hub gives in a test file against the OpenAPI document: each status must be
 * listed for its operation. Wraps fetch for the file; the check runs after the file's tests.
 */
export function checkAnswersAgainstOpenApi(): void {
  const doc = openApiDocument('1');
  const operations = Object.entries(doc.paths).map(([template, ops]) => ({
    re: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    template,
    ops: ops as Record<string, { responses: Record<string, unknown> }>,
  }));
  const undocumented = new Set<string>();
  let real: typeof fetch;
  beforeAll(() => {
    real = globalThis.fetch;
    globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const res = await real(input, init);
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toLowerCase();
      if (!url.pathname.startsWith('/v1/') || url.pathname === '/v1/openapi.json' || url.pathname === '/v1/health' || method === 'options') return res;
      const op = operations.find((o) => o.re.test(url.pathname));
      const responses = op?.ops[method]?.responses;
      if (!responses) undocumented.add(`${method.toUpperCase()} ${url.pathname}: no such operation (answered ${res.status})`);
      else if (!(String(res.status) in responses)) undocumented.add(`${method.toUpperCase()} ${op!.template}: ${res.status}`);
      return res;
    };
  });
  afterAll(() => {
    globalThis.fetch = real;
    expect([...undocumented].sort(), 'answers the OpenAPI document does not list').toEqual([]);
  });
}
