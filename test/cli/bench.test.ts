import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataset, datasetsDir } from '../helpers/datasets.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function bench(name: string, out: string, ...extra: string[]) {
  const r = spawnSync(
    process.execPath,
    [cli, 'bench', name, '--quick', '--json', '--out', out, '--seed', '3', ...extra],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/** Every number in a JSON value, with its path. */
function numbers(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

function checkResults(out: string, name: string, summary: Record<string, unknown>) {
  assert.ok(existsSync(join(out, 'results.md')), 'results.md');
  const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    benchmark: string;
    record: Record<string, unknown> & { machine: Record<string, unknown> };
    protocol: string[];
    published: Record<string, unknown>;
    results: Record<string, unknown>;
  };
  assert.equal(json.benchmark, name);
  const r = json.record;
  assert.equal(r.mode, 'quick');
  assert.equal(r.seed, 3);
  assert.match(String(r.gitCommit), /^([0-9a-f]{40}|unknown)$/);
  assert.equal(typeof r.gitDirty, 'boolean');
  assert.match(String(r.normalcyVersion), /^\d+\.\d+\.\d+/);
  assert.ok(Number(r.wallSeconds) > 0);
  assert.ok(Number(r.peakRssMiB) > 0);
  assert.ok(Number(r.machine.cpus) >= 1);
  assert.equal(typeof r.machine.cpuModel, 'string');
  assert.ok(Number(r.machine.memoryGiB) > 0);
  assert.ok(json.protocol.length >= 2);
  assert.ok(Object.keys(json.published).length > 0);
  for (const [path, v] of numbers(json.results)) assert.ok(Number.isFinite(v), `${path} = ${v}`);
  const md = readFileSync(join(out, 'results.md'), 'utf8');
  for (const s of ['## Protocol', '## Run record', 'git commit', 'peak memory', 'quick'])
    assert.ok(md.includes(s), `results.md lacks '${s}'`);
  assert.equal(summary.benchmark, name);
  assert.equal(summary.mode, 'quick');
  return json;
}

test('bench sine --quick: three forecasters separate the halves', () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-bench-sine-'));
  try {
    const summary = bench('sine', out);
    const json = checkResults(out, 'sine', summary);
    const results = json.results as Record<string, Record<string, number>>;
    for (const net of ['dense', 'lstm', 'gru']) {
      const r = results[net]!;
      assert.ok(r.aucRoc! > 0.5 && r.aucRoc! <= 1, `${net} AUC ${r.aucRoc}`);
      assert.ok(r.realisedFprValidation! <= 0.01, `${net} validation FPR`);
      assert.equal(typeof summary[net], 'number');
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('bench nab --quick: 5 files in NAB layout, three profile scores', () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-bench-nab-'));
  try {
    // --data-dir may point at the NAB folder itself.
    const summary = bench('nab', out, '--data-dir', dataset('nab'));
    const json = checkResults(out, 'nab', summary);
    const results = json.results as { files: number; scores: Record<string, number> };
    assert.equal(results.files, 5);
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
      assert.ok(Number.isFinite(results.scores[p]), p);
      assert.ok(results.scores[p]! <= 100, p);
    }
    // The entry and the baseline, each in NAB's layout.
    for (const detector of ['normalcyNoveltySurprise', 'normalcyWindowedLikelihood']) {
      const layout = join(out, detector);
      const written = readdirSync(layout).flatMap((cat) =>
        readdirSync(join(layout, cat)).map((f) => `${cat}/${f}`),
      );
      assert.equal(written.length, 5);
      assert.ok(written.every((f) => new RegExp(`/${detector}_.+\\.csv$`).test(f)));
      const first = readFileSync(join(layout, written[0]!), 'utf8').split('\n');
      assert.equal(first[0], 'timestamp,value,anomaly_score,label');
    }
    const baseline = (json.results as { baseline: { scores: Record<string, number> } }).baseline;
    assert.ok(Number.isFinite(baseline.scores.standard));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('bench mnist --quick: two digits, AUC-ROC beside Deep SVDD', () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-bench-mnist-'));
  try {
    const summary = bench('mnist', out, '--data-dir', datasetsDir());
    const json = checkResults(out, 'mnist', summary);
    const results = json.results as {
      classes: Record<string, { aucRoc: number }>;
      meanAucRoc: number;
      meanAucRocReconstruction: number;
    };
    assert.deepEqual(Object.keys(results.classes), ['0', '1']);
    assert.ok(results.meanAucRoc > 0.5 && results.meanAucRoc <= 1, `mean ${results.meanAucRoc}`);
    // One quick epoch leaves the autoencoder near its start, so only the range is asserted.
    const rec = results.meanAucRocReconstruction;
    assert.ok(rec >= 0 && rec <= 1, `reconstruction mean ${rec}`);
    assert.ok(readFileSync(join(out, 'results.md'), 'utf8').includes('Deep SVDD'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('bench refuses an unknown benchmark with a usage error', () => {
  const r = spawnSync(process.execPath, [cli, 'bench', 'nope', '--out', tmpdir()], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nope/);
});
