import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openApiDocument } from '../../hub/openapi.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended rules with no error and no warning", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gleaner-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(openApiDocument('1'), null, 2));
    let out: string;
    try {
      out = execFileSync(resolve(ROOT, 'node_modules/.bin/redocly'), ['lint', file, '--config', resolve(ROOT, 'redocly.yaml'), '--format=json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // lint exits non-zero on errors; the report is still on stdout
    }
    const report = JSON.parse(out.slice(out.indexOf('{')));
    const problems = report.problems.map((p: { ruleId: string; message: string; location: { pointer: string }[] }) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 90_000);

  it('names every operation, and lists 401 wherever a token is needed and If-Match on withdraw and review', () => {
    const doc = openApiDocument('1');
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { operationId?: string; security?: unknown[]; responses: Record<string, unknown>; parameters?: { name: string }[] }>)) {
        expect(op.operationId, `${method} ${path}`).toEqual(expect.any(String));
        if (!op.security || op.security.length) expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
      }
    }
    for (const path of ['/v1/entries/{id}/withdraw', '/v1/entries/{id}/review'] as const) {
      expect(doc.paths[path].post.parameters.map((p) => p.name)).toContain('If-Match');
    }
    expect(doc.paths['/v1/queue'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/QueuePage' });
    expect(doc.components.schemas.QueuePage).toMatchObject({ properties: { entries: expect.any(Object), nextCursor: expect.any(Object) } });
  });
});
