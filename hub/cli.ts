import { serve } from '@hono/node-server';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HubStore } from './store.ts';
import { createHubApp } from './app.ts';

const DEFAULT_DB = 'data/hub.sqlite';
const USAGE = `Usage:
  npm run hub -- serve [--port P] [--host H] [--db FILE]
  npm run hub -- add-contributor NAME [--moderator] [--db FILE]   (prints the new token alone on its last line)
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { port: { type: 'string', default: '8787' }, host: { type: 'string', default: '127.0.0.1' }, db: { type: 'string', default: DEFAULT_DB }, moderator: { type: 'boolean', default: false } },
  });
  const dbFile = resolve(values.db!);
  if (cmd === 'serve') {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`hub: --port must be a number from 0 to 65535, not "${values.port}"\n`);
      return 2;
    }
    const store = new HubStore(dbFile);
    const app = createHubApp(store);
    const server = serve({ fetch: app.fetch, port, hostname: values.host }, (info) => {
      process.stdout.write(`Gleaner hub listening on http://${values.host}:${info.port} (database ${dbFile})\n`);
    });
    const stop = () => server.close(() => (store.close(), process.exit(0)));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return new Promise(() => {});
  }
  if (cmd === 'add-contributor') {
    const name = positionals[0];
    if (!name) {
      process.stderr.write(USAGE);
      return 2;
    }
    const store = new HubStore(dbFile);
    const { contributor, token } = store.addContributor(name, values.moderator ? 'moderator' : 'contributor');
    store.close();
    process.stdout.write(`Added ${contributor.role} "${name}" (id ${contributor.id}) to ${dbFile}.\nToken (shown once; stored only as a hash):\n${token}\n`);
    return 0;
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
