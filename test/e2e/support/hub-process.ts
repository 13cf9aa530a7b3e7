import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** `npm run hub -- add-contributor NAME --db FILE`, as a person runs it: the token is the last line. */
export function addContributor(db: string, name: string, moderator = false): string {
  const out = execFileSync(TSX, ['hub/cli.ts', 'add-contributor', name, '--db', db, ...(moderator ? ['--moderator'] : [])], { cwd: ROOT, encoding: 'utf8' });
  return out.trimEnd().split('\n').at(-1)!;
}

/** `npm run hub -- pair-code NAME --db FILE`: the one-time code is the last line. */
export function pairCode(db: string, name: string): string {
  const out = execFileSync(TSX, ['hub/cli.ts', 'pair-code', name, '--db', db], { cwd: ROOT, encoding: 'utf8' });
  return out.trimEnd().split('\n').at(-1)!.trim();
}

/** True once nothing accepts connections on the port any more. */
function portClosed(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), r(false)));
    s.once('error', () => r(true));
  });
}

/**
 * The hub as its own process (`npm run hub -- serve`), so a test can kill and restart it.
 * `killable` starts it in its own process group, so `kill()` can SIGKILL tsx and the node process it
 * spawns together, the way a crash or an OOM kill would: no shutdown handler runs.
 */
export async function startHubProcess(db: string, port: number, opts: { killable?: boolean; args?: string[] } = {}): Promise<{ url: string; stop: () => Promise<void>; kill: () => Promise<void>; proc: ChildProcess }> {
  const proc = spawn(TSX, ['hub/cli.ts', 'serve', '--port', String(port), '--db', db, ...(opts.args ?? [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.killable ?? false });
  const exited = () => proc.exitCode !== null || proc.signalCode !== null;
  let errors = '';
  proc.stderr!.on('data', (d) => (errors += d));
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${errors}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) {
        clearTimeout(timer);
        resolveStart();
      }
    });
    proc.on('exit', (code) => reject(new Error(`hub exited (${code}): ${errors}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    stop: () =>
      new Promise<void>((r) => {
        if (exited()) return r();
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      }),
    kill: async () => {
      if (!opts.killable) throw new Error('start the hub with { killable: true } to kill it');
      if (!exited()) {
        const gone = new Promise((r) => proc.once('exit', r));
        process.kill(-proc.pid!, 'SIGKILL');
        await gone;
      }
      // The server is tsx's child: wait until the kernel has released its port too.
      for (let i = 0; i < 100 && !(await portClosed(port)); i++) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
