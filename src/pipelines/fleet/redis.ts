// The Redis behind the fleet: a URL parsed into connection options, and a reachability
// check that fails fast with the server named (ioredis alone would retry forever).
import { Redis, type RedisOptions } from 'ioredis';

/** Thrown when the --redis URL is malformed or the server cannot be reached. */
export class FleetConnectionError extends Error {
  override name = 'FleetConnectionError';
}

/** The URL as shown in messages (password hidden). */
export function displayRedis(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Connection options for BullMQ from `redis://[user:pass@]host[:port][/db]`. */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FleetConnectionError(`--redis ${url}: not a URL (expected redis://host:port)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new FleetConnectionError(
      `--redis ${displayRedis(url)}: expected a redis:// or rediss:// URL`,
    );
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new FleetConnectionError(
      `--redis ${displayRedis(url)}: the database '${u.pathname.slice(1)}' is not a number`,
    );
  }
  return {
    host: u.hostname,
    port: u.port === '' ? 6379 : Number(u.port),
    db,
    ...(u.username !== '' && { username: decodeURIComponent(u.username) }),
    ...(u.password !== '' && { password: decodeURIComponent(u.password) }),
    ...(u.protocol === 'rediss:' && { tls: {} }),
    // BullMQ's blocking connections must not give up on a command.
    maxRetriesPerRequest: null,
  };
}

/** Pings the server once, failing within a few seconds with the server named. */
export async function checkRedis(url: string): Promise<void> {
  const client = new Redis({
    ...redisOptions(url),
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new FleetConnectionError(
      `--redis ${displayRedis(url)}: cannot connect (${(err as Error).message})`,
    );
  } finally {
    client.disconnect();
  }
}
