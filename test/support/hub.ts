import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SqliteHubStore } from '../../hub/store-sqlite.ts';
import { createHubApp, type HubOptions } from '../../hub/app.ts';

export interface RunningHub {
  url: string;
  port: number;
  store: SqliteHubStore;
  dbFile: string;
  stop(): Promise<void>;
}

/** The real hub on 127.0.0.1 with its real SQLite database in a temp folder. */
export async function startHub(opts: HubOptions & { port?: number; dbFile?: string } = {}): Promise<RunningHub> {
  const dbFile = opts.dbFile ?? join(mkdtempSync(join(tmpdir(), 'gleaner-hub-')), 'hub.sqlite');
  const store = new SqliteHubStore(dbFile);
  const app = createHubApp(store, opts);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    dbFile,
    stop: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => {
          store.close();
          resolve();
        });
      }),
  };
}

/**
 * The hub's `hobby` / `subject` commands run against a store in this process, as the CLI would: a
 * line such as "subject move catan trading --entry X --into Y" gives its exit code and what it wrote.
 */
export function subjectCli(store: import('../../hub/store.ts').HubStore): (line: string) => Promise<{ code: number; out: string; err: string }> {
  return async (line) => {
    const { subjectCommand } = await import('../../hub/subjects-cli.ts');
    let out = '';
    let err = '';
    const [cmd, ...args] = line.split(' ');
    const code = await subjectCommand(cmd as 'hobby' | 'subject', args, (fn) => fn(store), { write: (s: string) => ((out += s), true) } as never, { write: (s: string) => ((err += s), true) } as never);
    return { code, out, err };
  };
}
