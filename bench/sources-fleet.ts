// Sources and fleet benchmark (a script, not a test). Prints numbers and ends with one
// JSON line. Run: node dist/bench/sources-fleet.js [--rows N] [--skip-read] [--skip-smap]
//   read: rows/s of the CSV reader, DuckDB (table, Parquet) and PostgreSQL (cursor) on
//         N rows x 10 columns plus a timestamp (default 1,000,000), all giving one Series;
//   smap: smap-msl --quick through the local pool (2 workers) and through the queue
//         with 1, 2 and 4 worker processes (one torch thread each), results compared;
//   overhead: 40 small pca jobs on one worker: wall minus the in-job seconds, per job.
// Servers (PostgreSQL, Redis) are private ones on free loopback ports.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readSeries } from '../src/data/read-series.js';
import { readSource } from '../src/data/sources/read-source.js';
import { openDuckDb, closeDuckDb } from '../src/data/sources/duckdb-source.js';
import { packageRoot } from '../src/version.js';
import { submitRun, waitForRun } from '../src/pipelines/fleet/queue.js';
import { planJobs, parsePlan } from '../src/pipelines/fleet/plan.js';
import type { ChannelJobResult } from '../src/pipelines/fleet/channel-job.js';
import { startPostgres, startRedis } from '../test/helpers/servers.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const rowsArg = args.indexOf('--rows');
const ROWS = rowsArg >= 0 ? Number(args[rowsArg + 1]) : 1_000_000;
const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const env = { ...process.env, NORMALCY_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' };
const dir = mkdtempSync(join(tmpdir(), 'normalcy-bench-sources-'));
const out: Record<string, unknown> = { rows: ROWS, columns: 10 };

async function timed<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, (performance.now() - t0) / 1000];
}

function generator(range: string): string {
  const cols = Array.from(
    { length: 10 },
    (_, c) => `sin(i * ${(0.001 * (c + 1)).toFixed(3)}) * ${c + 1} AS v${c}`,
  );
  return `SELECT TIMESTAMP '2020-01-01' + i * INTERVAL 1 SECOND AS timestamp, ${cols.join(', ')} FROM ${range}`;
}

async function readBench(): Promise<void> {
  const db = join(dir, 'bench.db');
  const opened = await openDuckDb(db, 'READ_WRITE');
  await opened.connection.run(`CREATE TABLE t AS ${generator(`range(${ROWS}) r(i)`)}`);
  await opened.connection.run(
    `COPY t TO '${join(dir, 't.csv')}' (HEADER, FORMAT csv, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')`,
  );
  await opened.connection.run(`COPY t TO '${join(dir, 't.parquet')}' (FORMAT parquet)`);
  closeDuckDb(opened);
  const server = await startPostgres();
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const cols = Array.from(
      { length: 10 },
      (_, c) => `sin(i * ${(0.001 * (c + 1)).toFixed(3)}) * ${c + 1} AS v${c}`,
    );
    await client.query(
      `CREATE TABLE t AS SELECT timestamp '2020-01-01' + i * interval '1 second' AS timestamp, ${cols.join(', ')} FROM generate_series(0, ${ROWS - 1}) i`,
    );
    await client.end();
    const sources: [string, () => Promise<unknown>][] = [
      ['csv', async () => readSeries(join(dir, 't.csv'))],
      ['duckdb', () => readSource(`duckdb:${db}`, { table: 't' })],
      ['parquet', () => readSource(join(dir, 't.parquet'))],
      ['postgres', () => readSource(server.url, { table: 't' })],
    ];
    const read: Record<string, unknown> = {
      csvMiB: +(statSync(join(dir, 't.csv')).size / 2 ** 20).toFixed(1),
    };
    let reference: Float32Array | undefined;
    for (const [name, f] of sources) {
      const [series, seconds] = await timed(f);
      const s = series as { data: Float32Array; length: number };
      reference ??= s.data;
      const same = s.length === ROWS && s.data.every((v, i) => v === reference![i]);
      read[name] = {
        seconds: +seconds.toFixed(2),
        rowsPerSecond: Math.round(ROWS / seconds),
        sameSeriesAsCsv: same,
      };
      console.log(
        `read ${name.padEnd(8)} ${ROWS} rows x 10: ${seconds.toFixed(2)} s, ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s${same ? '' : '  (DIFFERENT series!)'}`,
      );
    }
    out.read = read;
  } finally {
    await server.stop();
  }
}

function startWorkers(n: number, redis: string, queue: string): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [cli, 'worker', '--redis', redis, '--queue', queue], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      return new Promise<ChildProcess>((resolve, reject) => {
        let log = '';
        child.stderr!.on('data', (b: Buffer) => {
          log += b.toString();
          if (log.includes('waiting for jobs')) resolve(child);
        });
        child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${log}`)));
      });
    }),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise((r) => {
          w.removeAllListeners('exit');
          w.once('exit', r);
          w.kill('SIGTERM');
        }),
    ),
  );
}

function smapRun(
  name: string,
  extra: string[],
): { wall: number; results: Record<string, unknown> } {
  const target = join(dir, `smap-${name}`);
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [cli, 'bench', 'smap-msl', '--quick', '--out', target, '--json', ...extra],
    { env, encoding: 'utf8' },
  );
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`smap-msl ${name} failed: ${r.stderr}`);
  const json = JSON.parse(readFileSync(join(target, 'results.json'), 'utf8')) as {
    results: Record<string, unknown>;
  };
  return { wall, results: json.results };
}

/** What must match between runs: the per-channel ranges, counts and threshold-free scores. */
function comparable(results: Record<string, unknown>): string {
  const channels = results.channels as Record<string, unknown>[];
  return JSON.stringify({
    summary: results.summary,
    channels: channels.map((c) => [c.channel, c.tp, c.fp, c.fn, c.aucPr, c.vusPr, c.predicted]),
  });
}

async function smapBench(): Promise<void> {
  const redis = await startRedis();
  try {
    const smap: Record<string, unknown> = {};
    const local = smapRun('local', ['--workers', '2']);
    smap.local2 = {
      wallSeconds: +local.wall.toFixed(1),
      secondsPerChannel: local.results.secondsPerChannel,
    };
    console.log(`smap-msl quick, local pool of 2: ${local.wall.toFixed(1)} s (process wall)`);
    for (const n of [1, 2, 4]) {
      const workers = await startWorkers(n, redis.url, `smap${n}`);
      try {
        const q = smapRun(`queue${n}`, ['--redis', redis.url, '--queue', `smap${n}`]);
        const same = comparable(q.results) === comparable(local.results);
        smap[`queue${n}`] = {
          wallSeconds: +q.wall.toFixed(1),
          secondsPerChannel: q.results.secondsPerChannel,
          identicalToLocal: same,
        };
        console.log(
          `smap-msl quick, queue with ${n} worker(s): ${q.wall.toFixed(1)} s; results ${same ? 'identical to' : 'DIFFERENT from'} the local run`,
        );
      } finally {
        await stopWorkers(workers);
      }
    }
    const w1 = (smap.queue1 as { wallSeconds: number }).wallSeconds;
    for (const n of [2, 4]) {
      const e = smap[`queue${n}`] as { wallSeconds: number; efficiency?: number };
      e.efficiency = +(w1 / (n * e.wallSeconds)).toFixed(2);
    }
    out.smap = smap;
  } finally {
    await redis.stop();
  }
}

async function overheadBench(): Promise<void> {
  const redis = await startRedis();
  try {
    const lines = ['timestamp,a'];
    for (let i = 0; i < 300; i++)
      lines.push(`${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${Math.sin(i / 7)}`);
    writeFileSync(join(dir, 'small.csv'), lines.join('\n') + '\n');
    const series = Array.from(
      { length: 40 },
      (_, i) =>
        `  - { name: s${i}, train: ${join(dir, 'small.csv')}, test: ${join(dir, 'small.csv')} }`,
    );
    const plan = parsePlan(
      `run: overhead\nmodels: ${join(dir, 'models')}\ndetector: pca\nconfig: { window: 5, components: 2 }\nfpr: 0.05\nseries:\n${series.join('\n')}\n`,
      'overhead.yaml',
    );
    const workers = await startWorkers(1, redis.url, 'overhead');
    try {
      const options = { redis: redis.url, queue: 'overhead' };
      const [results, wall] = await timed(async () => {
        await submitRun(
          options,
          plan.run,
          planJobs(plan).map((job) => ({ kind: 'channel', id: job.id, data: job })),
        );
        return waitForRun<ChannelJobResult>(options, plan.run);
      });
      const inJobs = [...results.values()].reduce((s, r) => s + r.seconds, 0);
      const perJobMs = ((wall - inJobs) / results.size) * 1000;
      out.overhead = {
        jobs: results.size,
        wallSeconds: +wall.toFixed(2),
        inJobSeconds: +inJobs.toFixed(2),
        overheadMsPerJob: +perJobMs.toFixed(1),
      };
      console.log(
        `queue overhead: ${results.size} pca jobs on 1 worker, wall ${wall.toFixed(2)} s, in jobs ${inJobs.toFixed(2)} s: ${perJobMs.toFixed(1)} ms per job`,
      );
    } finally {
      await stopWorkers(workers);
    }
  } finally {
    await redis.stop();
  }
}

try {
  if (!flag('--skip-read')) await readBench();
  if (!flag('--skip-overhead')) await overheadBench();
  if (!flag('--skip-smap')) await smapBench();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
