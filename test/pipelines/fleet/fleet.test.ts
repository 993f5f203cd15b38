// The fleet end to end on a private Redis: a plan submitted from the CLI, run by two
// worker processes, collected into DuckDB with the same scores as a local run; and a
// worker killed with SIGKILL mid-job, whose job another worker completes, once.
import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../../src/version.js';
import { readSource } from '../../../src/data/sources/read-source.js';
import { loadDetector } from '../../../src/detectors/registry.js';
import { planJobs, parsePlan } from '../../../src/pipelines/fleet/plan.js';
import { runChannelJob } from '../../../src/pipelines/fleet/channel-job.js';
import { runStatus, waitForRun } from '../../../src/pipelines/fleet/queue.js';
import type { ChannelJobResult } from '../../../src/pipelines/fleet/channel-job.js';
import { startRedis, type TestServer } from '../../helpers/servers.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const env = { ...process.env, NORMALCY_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' };
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });

let dir: string;
let redis: TestServer;
const workers: ChildProcess[] = [];

// A short lock so the job of a killed worker comes back soon; long enough that a busy
// worker (two cores shared by many test runs) still renews its own in time.
function startWorker(queue: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [cli, 'worker', '--redis', redis.url, '--queue', queue, '--lock-seconds', '8'],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  workers.push(child);
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (b: Buffer) => {
      log += b.toString();
      if (log.includes('waiting for jobs')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${log}`)));
  });
}

function writeSeries(name: string, length: number, phase: number): string {
  const lines = ['timestamp,a,b,c'];
  for (let i = 0; i < length; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const spike = i === Math.floor(length * 0.7) ? 6 : 0;
    lines.push(
      `${t},${Math.sin(i / 9 + phase) + spike},${Math.cos(i / 5 + phase)},${Math.sin(i / 17) * 0.5}`,
    );
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'normalcy-fleet-'));
  redis = await startRedis();
});
after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a plan runs on two workers and collects into DuckDB with the scores of a local run', async () => {
  const train = writeSeries('train.csv', 600, 0);
  const testFile = writeSeries('test.csv', 400, 1);
  const planText = `run: plant\nmodels: ${join(dir, 'models')}\ndetector: pca\nconfig: { window: 8, components: 2 }\nfpr: 0.05\nseed: 3\nseries:\n  - name: line1\n    train: ${train}\n    test: ${testFile}\n    channels: [a, b, c]\n  - name: line2\n    train: ${train}\n    test: ${testFile}\n`;
  writeFileSync(join(dir, 'plan.yaml'), planText);
  await Promise.all([startWorker('q1'), startWorker('q1')]);
  const submit = () =>
    run('fleet', 'submit', '--plan', join(dir, 'plan.yaml'), '--redis', redis.url, '--queue', 'q1');
  const submitted = submit();
  assert.equal(submitted.status, 0, submitted.stderr);
  assert.match(submitted.stdout, /4 job\(s\) submitted/);
  const again = submit();
  assert.match(again.stdout, /0 job\(s\) submitted, 4 already there/);
  const out = `duckdb:${join(dir, 'results.db')}`;
  const onQueue = ['--run', 'plant', '--redis', redis.url, '--queue', 'q1'];
  const collected = run('fleet', 'collect', ...onQueue, '--out', out);
  assert.equal(collected.status, 0, collected.stderr);
  const status = run('fleet', 'status', ...onQueue, '--json');
  assert.deepEqual(JSON.parse(status.stdout).counts, { completed: 4 });

  // The same jobs run here, one after another, give the same scores and incidents.
  const jobs = planJobs(
    parsePlan(planText.replace(join(dir, 'models'), join(dir, 'local-models')), 'plan.yaml'),
  );
  for (const job of jobs) {
    const local = await runChannelJob(job);
    const name = `plant/${job.id}`;
    const back = await readSource(out, {
      query: `SELECT score FROM scores WHERE series = '${name}' ORDER BY step`,
    });
    assert.deepEqual(Array.from(back.data), Array.from(local.scores), name);
    const incidents = await readSource(out, {
      query: `SELECT start_step, end_step FROM incidents WHERE series = '${name}' ORDER BY start_step`,
    }).catch(() => undefined);
    assert.deepEqual(
      incidents ? Array.from(incidents.data) : [],
      local.incidents.flatMap((i) => [i.start, i.end]),
      name,
    );
  }
  assert.ok(
    jobs.some((j) => j.channel === undefined) && jobs.filter((j) => j.channel).length === 3,
  );
});

test('a worker killed with SIGKILL mid-job loses nothing: another worker completes the job once', async () => {
  const train = writeSeries('long-train.csv', 6000, 0);
  const testFile = writeSeries('long-test.csv', 2000, 1);
  const planText = `run: crash\nmodels: ${join(dir, 'models')}\ndetector: forecaster\nconfig: { network: lstm, hidden: [16], window: 30, epochs: 4 }\nfpr: 0.05\nseed: 1\nseries:\n  - name: m\n    train: ${train}\n    test: ${testFile}\n    channels: [a]\n`;
  writeFileSync(join(dir, 'crash.yaml'), planText);
  const first = await startWorker('q2');
  assert.equal(
    run('fleet', 'submit', '--plan', join(dir, 'crash.yaml'), '--redis', redis.url, '--queue', 'q2')
      .status,
    0,
  );
  const options = { redis: redis.url, queue: 'q2' };
  for (let i = 0; ; i++) {
    const s = await runStatus(options, 'crash');
    if (s.jobs[0]!.state === 'active') break;
    assert.ok(i < 600, `the job never became active: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  assert.equal(
    (await runStatus(options, 'crash')).jobs[0]!.state,
    'active',
    'killed before the job finished',
  );
  await startWorker('q2');
  const results = await waitForRun<ChannelJobResult>(options, 'crash');
  const result = results.get('m/a')!;
  const status = await runStatus(options, 'crash');
  assert.deepEqual(status.counts, { completed: 1 });
  // The model on disk is whole and is the one that produced the collected scores.
  const test = await readSource(testFile, { columns: ['a'] });
  const rescored = loadDetector(result.modelDir).score(test);
  assert.deepEqual(Array.from(rescored), Array.from(result.scores));
});

test('bad plans are usage errors; an unreachable Redis is named', () => {
  writeFileSync(join(dir, 'bad.yaml'), 'run: x\nmodels: m\ndetector: pca\nseries: []\n');
  const bad = run('fleet', 'submit', '--plan', join(dir, 'bad.yaml'), '--redis', redis.url);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.yaml: series must be a non-empty list/);
  writeFileSync(
    join(dir, 'ok.yaml'),
    'run: x\nmodels: m\ndetector: pca\nseries: [{ name: s, train: a.csv, test: b.csv }]\n',
  );
  const down = run(
    'fleet',
    'submit',
    '--plan',
    join(dir, 'ok.yaml'),
    '--redis',
    'redis://127.0.0.1:1',
  );
  assert.equal(down.status, 1);
  assert.match(down.stderr, /--redis redis:\/\/127\.0\.0\.1:1: cannot connect/);
  const missing = run('fleet', 'status', '--run', 'nope', '--redis', redis.url);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no run 'nope' on queue 'normalcy'/);
});
