// Private database servers for tests and benchmarks: each call starts its own
// PostgreSQL or Redis on a free loopback port in a temporary directory and removes it
// afterwards, so suites running at once on one machine never share a server, a port
// or a database. Running as root, PostgreSQL runs as the `postgres` user (initdb
// refuses root).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestServer {
  /** Connection URL on 127.0.0.1. */
  url: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql: run scripts/setup.sh (apt-get install postgresql)',
    );
  }
  return join(root, versions[0]!, 'bin');
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error('running as root, but there is no postgres user to run PostgreSQL as');
  return { uid, gid: id('-g') };
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function until(
  what: string,
  ms: number,
  ready: () => Promise<boolean>,
  alive: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await ready()) return;
    const dead = alive();
    if (dead !== undefined) throw new Error(`${what} did not start: ${dead}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a private PostgreSQL server (trust auth on loopback) with database `normalcy`. */
export async function startPostgres(): Promise<TestServer> {
  const bin = postgresBin();
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', HOME: dir };
  const init = spawnSync(
    join(bin, 'initdb'),
    [
      '-D',
      join(dir, 'data'),
      '-A',
      'trust',
      '-U',
      'normalcy',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ],
    { ...as, env, encoding: 'utf8', cwd: dir },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  }
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    let log = '';
    const child = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        join(dir, 'data'),
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'shared_buffers=32MB',
        '-c',
        'max_connections=30',
      ],
      { ...as, env, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    running.add(child);
    const base = `postgres://normalcy@127.0.0.1:${port}`;
    try {
      await until(
        'PostgreSQL',
        60_000,
        async () => {
          const client = new pg.Client({ connectionString: `${base}/postgres` });
          client.on('error', () => {});
          try {
            await client.connect();
            await client.query('CREATE DATABASE normalcy');
            return true;
          } catch {
            return false;
          } finally {
            await client.end().catch(() => {});
          }
        },
        () => (child.exitCode !== null ? log.trim().split('\n').slice(-3).join(' | ') : undefined),
      );
    } catch (err) {
      running.delete(child);
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
      if (attempt < 3 && /could not bind|in use/i.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      url: `${base}/normalcy`,
      stop: async () => {
        running.delete(child);
        child.kill('SIGINT');
        await waitForExit(child, 10_000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** Starts a private Redis (no persistence) on a free loopback port. */
export async function startRedis(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    let log = '';
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.on('error', (err) => (log += `${err.message}\n`));
    child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    running.add(child);
    try {
      await until(
        'redis-server',
        30_000,
        async () => log.includes('Ready to accept connections'),
        () =>
          child.exitCode !== null || log.includes('ENOENT')
            ? log.trim().split('\n').slice(-2).join(' | ') ||
              'redis-server not installed (apt-get install redis-server)'
            : undefined,
      );
    } catch (err) {
      running.delete(child);
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
      if (attempt < 3 && /in use/i.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      stop: async () => {
        running.delete(child);
        child.kill('SIGTERM');
        await waitForExit(child, 5000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
