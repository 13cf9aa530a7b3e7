import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/**
 * The moderation page: static HTML, a stylesheet and an ES module rendered client-side with Preact,
 * all from this origin. Preact sets text as text nodes (never markup), so hostile entry text stays
 * inert, and no inline script or style exists, so `default-src 'self'` holds without exceptions.
 * The page calls the same JSON API as any client, with the moderator's token.
 */
const CSP = "default-src 'self'; img-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const HEADERS = { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };

const here = import.meta.dirname;
const preactFile = createRequire(import.meta.url).resolve('preact');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gleaner hub · moderation</title>
<link rel="stylesheet" href="/moderate/style.css">
<script type="module" src="/moderate/app.js"></script>
</head>
<body>
<main id="app"><noscript>The moderation page needs JavaScript.</noscript></main>
<section id="reports" aria-label="Reports"></section>
<section id="subjects" aria-label="Subjects"></section>
</body>
</html>
`;

export function mountModeration(app: Hono<any>): void {
  const files: Record<string, [string, string]> = {
    '/moderate/app.js': [resolve(here, 'moderate-ui/app.js'), 'text/javascript; charset=utf-8'],
    '/moderate/style.css': [resolve(here, 'moderate-ui/style.css'), 'text/css; charset=utf-8'],
    '/moderate/reports.js': [resolve(here, 'moderate-ui/reports.js'), 'text/javascript; charset=utf-8'],
    '/moderate/subjects.js': [resolve(here, 'moderate-ui/subjects.js'), 'text/javascript; charset=utf-8'],
    '/moderate/api.js': [resolve(here, 'moderate-ui/api.js'), 'text/javascript; charset=utf-8'],
    '/moderate/preact.js': [preactFile, 'text/javascript; charset=utf-8'],
  };
  app.get('/moderate', (c) => c.body(PAGE, 200, { ...HEADERS, 'content-type': 'text/html; charset=utf-8' }));
  for (const [path, [file, type]] of Object.entries(files)) {
    app.get(path, (c) => c.body(readFileSync(file, 'utf8'), 200, { ...HEADERS, 'content-type': type }));
  }
}
