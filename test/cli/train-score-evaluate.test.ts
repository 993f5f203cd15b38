// The train -> score -> evaluate path of the CLI on slices of the sine data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeries } from '../../src/data/read-series.js';
import { packageRoot } from '../../src/version.js';
import { dataset } from '../helpers/datasets.js';
import { modelFilePath } from '../../src/detectors/model-dir.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

const dir = mkdtempSync(join(tmpdir(), 'normalcy-cli-'));
const normal = readSeries(dataset('sine', 'normal.csv'));
const abn = readSeries(dataset('sine', 'abn.csv'));
writeFileSync(
  join(dir, 'normal.csv'),
  Array.from(normal.data.subarray(0, 40_000)).join('\n') + '\n',
);
writeFileSync(
  join(dir, 'test.csv'),
  Array.from(abn.data.subarray(150_000, 170_000)).join('\n') + '\n',
);
writeFileSync(join(dir, 'labels.json'), JSON.stringify([[10_000, 19_999]]));
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify({
    hidden: [16, 8, 16],
    downsample: 4,
    trainShift: 2,
    horizon: 5,
    smoothing: { kind: 'moving-average', span: 100 },
  }),
);
const model = join(dir, 'model');

test('train saves a model with a threshold at the target FPR', () => {
  const r = run(
    'train',
    '--detector',
    'forecaster',
    '--network',
    'dense',
    '--data',
    join(dir, 'normal.csv'),
    '--config',
    join(dir, 'config.json'),
    '--window',
    '25',
    '--epochs',
    '3',
    '--seed',
    '3',
    '--fpr',
    '0.01',
    '--out',
    model,
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /epoch 3: loss/);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    realised_fpr: number;
    epochs: number;
  };
  assert.equal(summary.epochs, 3);
  assert.ok(summary.realised_fpr <= 0.01);
  const manifest = JSON.parse(readFileSync(modelFilePath(model), 'utf8')) as {
    detector: string;
    threshold: { kind: string };
    config: { window: number };
  };
  assert.equal(manifest.detector, 'forecaster');
  assert.equal(manifest.threshold.kind, 'fpr');
  assert.equal(manifest.config.window, 25);
  // nothing temporary is left beside the model
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.startsWith('.normalcy-tmp')),
    [],
  );
});

test('score writes one score per step with the anomaly flags', () => {
  const out = join(dir, 'scores.csv');
  const r = run('score', '--model', model, '--data', join(dir, 'test.csv'), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'step,score,anomalous,contribution_channel_0');
  assert.equal(lines.length, 20_001);
  // The first window * downsample steps have no forecast: empty, not 0.
  assert.equal(lines[1], '0,,,');
  assert.match(lines[101]!, /^100,[\d.e-]+,[01],[\d.e-]+$/);
});

test('evaluate prints the metrics, with --json last', () => {
  const r = run(
    'evaluate',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--labels',
    join(dir, 'labels.json'),
    '--fpr',
    '0.01',
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  for (const k of ['auc_roc', 'auc_pr', 'vus_pr', 'threshold', 'precision', 'recall', 'f1'])
    assert.equal(typeof m[k], 'number', k);
  assert.ok(m.auc_roc! > 0.95, `AUC ${m.auc_roc}`);
  assert.match(r.stdout, /diagnostic only/);
});

test('threshold re-sets the saved threshold without retraining', () => {
  const before = readFileSync(modelFilePath(model, 'weights.bin'));
  const r = run('threshold', '--model', model, '--fpr', '0.05', '--json');
  assert.equal(r.status, 0, r.stderr);
  const t = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    kind: string;
    targetFpr: number;
    realisedFpr: number;
  };
  assert.equal(t.kind, 'fpr');
  assert.ok(t.realisedFpr <= 0.05);
  const manifest = JSON.parse(readFileSync(modelFilePath(model), 'utf8')) as {
    threshold: { targetFpr: number };
  };
  assert.equal(manifest.threshold.targetFpr, 0.05);
  assert.deepEqual(readFileSync(modelFilePath(model, 'weights.bin')), before);
  const fixed = run('threshold', '--model', model, '--value', '0.5');
  assert.equal(fixed.status, 0, fixed.stderr);
  const both = run('threshold', '--model', model, '--value', '0.5', '--fpr', '0.1');
  assert.equal(both.status, 2);
  assert.match(both.stderr, /exactly one of/);
});

test('errors name the file and the problem, with exit code 1; usage errors exit 2', () => {
  const missing = run(
    'score',
    '--model',
    join(dir, 'nope'),
    '--data',
    join(dir, 'test.csv'),
    '--out',
    join(dir, 'x.csv'),
  );
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope: model directory not found/);
  const wrongChannels = join(dir, 'two.csv');
  writeFileSync(wrongChannels, '1,2\n3,4\n'.repeat(500));
  const mismatch = run(
    'score',
    '--model',
    model,
    '--data',
    wrongChannels,
    '--out',
    join(dir, 'y.csv'),
  );
  assert.equal(mismatch.status, 1);
  assert.match(mismatch.stderr, /y?two.csv: has 2 value column\(s\), the model was trained on 1/);
  assert.ok(!existsSync(join(dir, 'y.csv')));
  const usage = run('train', '--detector', 'forecaster');
  assert.equal(usage.status, 2);
});
