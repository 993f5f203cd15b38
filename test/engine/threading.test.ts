// The engine's thread choice and OpenMP wait policy: the rules, and that the
// policy really reaches libgomp (set before the addon loads) in a fresh process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import {
  applyWaitPolicy,
  autoThreadCount,
  busyElsewhere,
  runnableThreadsOfThisProcess,
  threadsFromEnvironment,
} from '../../src/engine/threading.js';

test('autoThreadCount: the cores not busy with other work, between 1 and the cores', () => {
  assert.equal(autoThreadCount(2, 0.1), 2);
  assert.equal(autoThreadCount(2, 1.2), 1);
  assert.equal(autoThreadCount(2, 17), 1);
  assert.equal(autoThreadCount(16, 3.4), 13);
  assert.equal(autoThreadCount(1, 0), 1);
});

test('busyElsewhere: the runnable count of /proc/loadavg less this process\'s runnable threads, averaged', () => {
  const reads = ['0.50 0.40 0.30 3/120 999\n', '0.50 0.40 0.30 5/120 999\n'];
  let i = 0;
  assert.equal(
    busyElsewhere(4, () => reads[i++ % 2]!, () => 1),
    3,
  );
  assert.equal(
    busyElsewhere(2, () => '0.00 0.00 0.00 1/80 5\n', () => 1),
    0,
  );
  // Our own torch workers winding down after a fit are not other work.
  assert.equal(
    busyElsewhere(2, () => '0.00 0.00 0.00 3/80 5\n', () => 3),
    0,
  );
  assert.equal(
    busyElsewhere(2, () => '0.00 0.00 0.00 4/80 5\n', () => 2),
    2,
  );
  // No /proc (macOS) or an unreadable line: the 1-minute load average.
  const fallback = busyElsewhere(2, () => {
    throw new Error('ENOENT');
  });
  assert.equal(fallback, loadavg()[0]);
  assert.equal(
    busyElsewhere(2, () => 'garbage'),
    loadavg()[0],
  );
  assert.ok(busyElsewhere() >= 0);
  assert.ok(runnableThreadsOfThisProcess() >= 1);
});

test('NORMALCY_THREADS: auto or a positive integer, else an error naming the variable', () => {
  assert.equal(threadsFromEnvironment(undefined), 'auto');
  assert.equal(threadsFromEnvironment(''), 'auto');
  assert.equal(threadsFromEnvironment('AUTO'), 'auto');
  assert.equal(threadsFromEnvironment('3'), 3);
  for (const bad of ['0', '-1', '1.5', 'two']) {
    assert.throws(() => threadsFromEnvironment(bad), /NORMALCY_THREADS must be a positive integer/);
  }
});

test('applyWaitPolicy: PASSIVE unless the user chose a policy', () => {
  const env: NodeJS.ProcessEnv = {};
  assert.deepEqual(applyWaitPolicy(env), { policy: 'PASSIVE', from: 'normalcy default' });
  assert.equal(env.OMP_WAIT_POLICY, 'PASSIVE');
  const user: NodeJS.ProcessEnv = { OMP_WAIT_POLICY: 'ACTIVE' };
  assert.deepEqual(applyWaitPolicy(user), { policy: 'ACTIVE', from: 'environment' });
  assert.equal(user.OMP_WAIT_POLICY, 'ACTIVE');
});

// A child process runs 60 parallel regions (2 torch threads, an op above
// ATen's grain size) each followed by 5 ms in which its main thread sleeps,
// and reports the CPU time used during those sleeps: busy-waiting workers
// (ACTIVE, or libgomp's default spin) burn it, passive ones sleep too.
const engineUrl = new URL('../../src/engine/index.js', import.meta.url).href;
const child = `
import { randn, tidy, engineThreading } from ${JSON.stringify(engineUrl)};
const x = randn([400000]);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
tidy(() => x.exp());
let idleCpu = 0;
for (let i = 0; i < 60; i++) {
  tidy(() => x.exp().sum().item());
  const before = process.cpuUsage();
  sleep(5);
  const d = process.cpuUsage(before);
  idleCpu += (d.user + d.system) / 1000;
}
const info = engineThreading();
console.log(JSON.stringify({ idleCpuMs: idleCpu, info, env: process.env.OMP_WAIT_POLICY }));
`;

function runChild(env: NodeJS.ProcessEnv): {
  idleCpuMs: number;
  info: { threads: number; chosenBy: string; ompWaitPolicy: string; ompWaitPolicyFrom: string };
  env: string;
} {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('by default the engine loads with OMP_WAIT_POLICY=PASSIVE: idle workers use no CPU', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, NORMALCY_THREADS: '2' };
  delete env.OMP_WAIT_POLICY;
  const r = runChild(env);
  assert.equal(r.env, 'PASSIVE');
  assert.equal(r.info.ompWaitPolicy, 'PASSIVE');
  assert.equal(r.info.ompWaitPolicyFrom, 'normalcy default');
  assert.equal(r.info.threads, 2);
  assert.equal(r.info.chosenBy, 'NORMALCY_THREADS');
  // 300 ms of sleep, measured here under heavy load: libgomp's default spin
  // 88-112 ms of CPU, OMP_WAIT_POLICY=ACTIVE more, PASSIVE 12-15 ms.
  assert.ok(r.idleCpuMs < 50, `CPU during 300 ms of sleep: ${r.idleCpuMs.toFixed(0)} ms`);
});

test('a policy the user set is kept and reported', () => {
  const r = runChild({ ...process.env, NORMALCY_THREADS: '1', OMP_WAIT_POLICY: 'passive' });
  assert.equal(r.info.ompWaitPolicy, 'passive');
  assert.equal(r.info.ompWaitPolicyFrom, 'environment');
  assert.equal(r.info.threads, 1);
});
