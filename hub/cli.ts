import { serve } from '@hono/node-server';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openHubStore, type HubStore } from './store.ts';
import { createHubApp } from './app.ts';
import { vouchCommand } from './vouch-cli.ts';
import { publishCommand } from './publish-command.ts';
import { subjectCommand, SUBJECT_USAGE } from './subjects-cli.ts';

const DEFAULT_DB = 'data/hub.sqlite';
const PAIR_TTL_MS = 10 * 60_000;
const USAGE = `Usage:
  npm run hub -- serve [--port P] [--host H] [--db FILE|postgres://…] [--write-rate BURST/PER_MINUTE|off] [--extension-origin ORIGIN …] [--allow-self-review] [--allow-private-fetch]
  npm run hub -- add-contributor NAME [--moderator] [--db …]   (prints the new token alone on its last line)
  npm run hub -- vouch NAME --community HOST[/PATH] [--note TEXT] [--db …]   (NAME's attestations then count for that community's posts)
  npm run hub -- unvouch NAME --community HOST[/PATH] [--db …]
  npm run hub -- vouches [--db …]                              (every active vouch)
  npm run hub -- pair-code NAME [--moderator] [--db …]         (prints a one-time code, valid 10 minutes, on its last line)
  npm run hub -- revoke NAME|ID [--db …]                       (every token of that one account stops working)
  npm run hub -- publish --out DIR [--release NAME] [--date YYYY-MM-DD] [--name NAME] [--url URL] [--hf-repo OWNER/NAME] [--previous DIR] [--db …]
--allow-self-review lets a moderator accept their own entries (a hub run by one person); off by default.
--allow-private-fetch lets identity checks fetch pages on local and private addresses: tests and development only.
The database is --db, else $GLEANER_HUB_DATABASE_URL, else ${DEFAULT_DB}. A postgres:// URL selects PostgreSQL.
publish compares with the previous release in --previous DIR (its manifest.json), else with the one already in --out.
--hf-repo opens a pull request on that Hugging Face dataset repo with the token in $HF_TOKEN ($HF_ENDPOINT for another hub).
${SUBJECT_USAGE}`;

/** Opens the database named by --db (else $GLEANER_HUB_DATABASE_URL, else the default) for one command. */
async function withDb<T>(args: string[], fn: (s: HubStore) => Promise<T>): Promise<T> {
  const i = args.findIndex((a) => a === '--db' || a.startsWith('--db='));
  const given = i < 0 ? undefined : args[i]!.startsWith('--db=') ? args[i]!.slice(5) : args[i + 1];
  const target = given ?? process.env.GLEANER_HUB_DATABASE_URL ?? DEFAULT_DB;
  const store = await openHubStore(/^postgres(ql)?:\/\//i.test(target) ? target : resolve(target));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  // Hobbies and subjects (hub/subjects-cli.ts) take their own options.
  if (cmd === 'hobby' || cmd === 'subject') return subjectCommand(cmd, rest, (fn) => withDb(rest, fn));
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string' },
      moderator: { type: 'boolean', default: false },
      out: { type: 'string' },
      release: { type: 'string' },
      date: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string' },
      'hf-repo': { type: 'string' },
      previous: { type: 'string' },
      'write-rate': { type: 'string' },
      'extension-origin': { type: 'string', multiple: true },
      'allow-self-review': { type: 'boolean', default: false },
      community: { type: 'string' },
      note: { type: 'string' },
      'allow-private-fetch': { type: 'boolean', default: false },
    },
  });
  const target = values.db ?? process.env.GLEANER_HUB_DATABASE_URL ?? DEFAULT_DB;
  const isUrl = /^postgres(ql)?:\/\//i.test(target);
  const dbTarget = isUrl ? target : resolve(target);
  const where = isUrl ? target.replace(/\/\/[^@/]*@/, '//…@') : dbTarget; // never print a password
  const withStore = async <T>(fn: (s: HubStore) => Promise<T>): Promise<T> => {
    const store = await openHubStore(dbTarget);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };

  if (cmd === 'serve') {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`hub: --port must be a number from 0 to 65535, not "${values.port}"\n`);
      return 2;
    }
    const rate = values['write-rate'];
    const m = rate === undefined || rate === 'off' ? null : /^(\d+)\/(\d+)$/.exec(rate);
    if (rate !== undefined && rate !== 'off' && !m) {
      process.stderr.write(`hub: --write-rate takes BURST/PER_MINUTE (e.g. 60/120) or off, not "${rate}"\n`);
      return 2;
    }
    const store = await openHubStore(dbTarget);
    // CORS: the published extension's origins when given (or $GLEANER_EXTENSION_ORIGINS, comma-separated);
    // otherwise any extension origin, since unpacked and temporary add-ons get a new id per install.
    const origins = values['extension-origin'] ?? process.env.GLEANER_EXTENSION_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean);
    const allowOrigin = origins?.length ? (o: string) => origins.includes(o) : undefined;
    // The four-eyes rule (no moderator accepts their own entry) holds unless a one-person hub turns it off.
    const app = createHubApp(store, { allowOrigin, fourEyes: !values['allow-self-review'], writeRateLimit: rate === 'off' ? false : m ? { burst: Number(m[1]), perMinute: Number(m[2]) } : undefined, consent: { fetch: { allowPrivate: values['allow-private-fetch'] } } });
    const server = serve({ fetch: app.fetch, port, hostname: values.host }, (info) => {
      process.stdout.write(`Gleaner hub listening on http://${values.host}:${info.port} (database ${where})\n`);
    });
    const stop = () => server.close(async () => (await store.close(), process.exit(0)));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return new Promise(() => {});
  }
  if (cmd === 'add-contributor' || cmd === 'pair-code' || cmd === 'revoke') {
    const name = positionals[0];
    if (!name) {
      process.stderr.write(USAGE);
      return 2;
    }
    const role = values.moderator ? 'moderator' : 'contributor';
    return withStore(async (store) => {
      if (cmd === 'add-contributor') {
        const { contributor, token } = await store.addContributor(name, role);
        process.stdout.write(`Added ${contributor.role} "${name}" (id ${contributor.id}) to ${where}.\nToken (shown once; stored only as a hash):\n${token}\n`);
      } else if (cmd === 'pair-code') {
        const { code, expiresAt } = await store.createPairCode(name, role, PAIR_TTL_MS);
        process.stdout.write(`Pairing code for ${role} "${name}", valid once until ${expiresAt}. Enter it in Gleaner's options:\n${code}\n`);
      } else {
        const n = await store.revokeContributor(name);
        process.stdout.write(n ? `Revoked ${n} token(s) of "${name}". A new pairing code gives them access again.\n` : `"${name}" has no active token; nothing changed.\n`);
      }
      return 0;
    });
  }
  if (cmd === 'vouch' || cmd === 'unvouch' || cmd === 'vouches') return withStore((store) => vouchCommand(cmd, positionals[0], values, store, where));
  if (cmd === 'publish') {
    if (!values.out) {
      process.stderr.write(`hub: publish needs --out DIR\n${USAGE}`);
      return 2;
    }
    if (values.date && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) {
      process.stderr.write(`hub: --date takes YYYY-MM-DD, not "${values.date}"\n`);
      return 2;
    }
    const hfToken = process.env.HF_TOKEN;
    if (values['hf-repo'] && !hfToken) {
      process.stderr.write('hub: --hf-repo needs a Hugging Face token in the HF_TOKEN environment variable (write access to the dataset repo).\n');
      return 2;
    }
    return withStore((store) =>
      publishCommand(store, {
        out: resolve(values.out!),
        release: values.release ?? null,
        date: values.date ?? null,
        previous: values.previous ? resolve(values.previous) : null,
        name: values.name,
        url: values.url,
        hfRepo: values['hf-repo'],
        hfToken,
      }),
    );
  }
  process.stderr.write(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`hub: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
