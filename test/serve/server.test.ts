// `normalcy serve` end to end: a real child process on a loopback port, two models, a bearer
// token; batch and live scores equal the library's; bad bodies get 4xx naming the field and
// the server stays up; Prometheus metrics; SIGTERM saves stream states and exits cleanly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/version.js';
import { loadLiveModel } from '../../src/serve/live-model.js';
import { liveTestRows, saveLiveTestModel } from '../helpers/live-model.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'normalcy-serve-'));
const model = join(dir, 'model');
const stateDir = join(dir, 'states');
const rows = liveTestRows();
let server: ChildProcess;
let base = '';
let stderr = '';

before(async () => {
  await saveLiveTestModel(model);
  server = spawn(
    process.execPath,
    [
      cli,
      'serve',
      '--model',
      `zs=${model}`,
      '--model',
      `other=${model}`,
      '--port',
      '0',
      '--token',
      'secret',
      '--state-dir',
      stateDir,
      '--max-rows',
      '1000',
      '--max-body-kb',
      '64',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  server.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const deadline = Date.now() + 60_000;
  while (!/on (http:\/\/127\.0\.0\.1:\d+)/.test(stderr)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`no server: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  base = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!;
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
});

const auth = { authorization: 'Bearer secret' };

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = auth,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(base + path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return {
    status: r.status,
    json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text },
  };
}

test('health, model description and the bearer token', async () => {
  assert.equal((await call('GET', '/healthz', undefined, {})).status, 200);
  const denied = await call('GET', '/v1/model', undefined, {});
  assert.equal(denied.status, 401);
  assert.match(String(denied.json.message), /bearer token/);
  assert.equal(
    (await call('GET', '/v1/model', undefined, { authorization: 'Bearer nope' })).status,
    401,
  );
  const m = await call('GET', '/v1/model?model=other');
  assert.equal(m.status, 200);
  assert.equal(m.json.name, 'other');
  assert.equal(m.json.detector, 'rolling-zscore');
  assert.equal(m.json.channels, 1);
  assert.equal((await call('GET', '/v1/model?model=missing')).status, 404);
});

test('batch and live scores equal the library, with incidents', async () => {
  const live = loadLiveModel(model);
  const expected = live.scoreBatch(Float32Array.from(rows));
  const batch = await call('POST', '/v1/score', { rows: rows.map((v) => [v]) });
  assert.equal(batch.status, 200, JSON.stringify(batch.json));
  assert.deepEqual(batch.json.scores, Array.from(expected.scores));
  const incidents = batch.json.incidents as { start: number }[];
  assert.equal(incidents.length, expected.incidents!.length);
  assert.ok(incidents.some((i) => i.start >= 300 && i.start < 312));

  // The same rows live, in chunks, on one stream; the library's scorer gives the same.
  const scorer = live.openStream();
  let opened = 0;
  for (let start = 0; start < rows.length; start += 50) {
    const chunk = rows.slice(start, start + 50);
    const r = await call('POST', '/v1/streams/host-1/rows?model=zs', {
      rows: chunk.map((v) => [v]),
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const results = r.json.results as { step: number; score: number | null; incident?: unknown }[];
    chunk.forEach((v, i) => {
      const p = scorer.push([v]);
      assert.equal(results[i]!.step, start + i);
      assert.equal(results[i]!.score, p.score);
      if (results[i]!.incident) opened++;
    });
  }
  assert.ok(opened >= 1, 'no incident on the live stream');
  const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
  assert.match(metrics, /normalcy_rows_scored_total\{model="zs",mode="live"\} 400/);
  assert.match(metrics, /normalcy_live_streams 1/);
});

test('bad bodies get a 4xx naming the field, and the server stays up', async () => {
  const cases: [unknown, number, RegExp][] = [
    [{ rows: [[1, 2]] }, 400, /body\/rows\/0 has 2 value\(s\), model 'zs' expects 1/],
    [{ rows: [['NaN']] }, 400, /body\/rows\/0\/0 must be number/],
    ['{"rows": [[NaN]]}', 400, /JSON/],
    [{ rows: [[null]] }, 400, /body\/rows\/0\/0 must be number/],
    [{ rows: 'abc' }, 400, /body\/rows must be array/],
    [{}, 400, /must have required property 'rows'/],
    [{ rows: [[1]], extra: 1 }, 400, /must NOT have additional properties/],
    [{ rows: [[1e39]] }, 400, /beyond the float32 range/],
    [
      { rows: Array.from({ length: 1001 }, () => [1]) },
      400,
      /body\/rows must NOT have more than 1000 items/,
    ],
    [{ rows: [[1]], times: [1, 2] }, 400, /body\/times has 2 entries for 1 rows/],
    [
      JSON.stringify({ rows: Array.from({ length: 900 }, () => [0.123456789012345]) }).repeat(5),
      413,
      /too large/i,
    ],
  ];
  for (const [body, status, message] of cases) {
    const r = await call('POST', '/v1/score', body);
    assert.equal(
      r.status,
      status,
      `${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(r.json)}`,
    );
    assert.match(String(r.json.message), message);
  }
  const badId = await call('POST', '/v1/streams/bad%20id/rows', { rows: [[1]] });
  assert.equal(badId.status, 400);
  assert.match(String(badId.json.message), /params\/id/);
  assert.equal((await call('GET', '/healthz', undefined, {})).status, 200);
});

test('SIGTERM finishes, saves the stream states and exits 0', async () => {
  server.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => server.on('close', r));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /SIGTERM/);
  const saved = join(stateDir, 'zs', 'host-1.json');
  assert.ok(existsSync(saved), 'no saved stream state');
  assert.equal((JSON.parse(readFileSync(saved, 'utf8')) as { steps: number }).steps, rows.length);
});
