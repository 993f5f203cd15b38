// The spectrum, sine and images workflows (--quick), and Forecaster.predict / windowErrors
// that they use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeries, sliceRows } from '../../src/data/series.js';
import { Forecaster } from '../../src/detectors/forecaster.js';
import {
  spectrumWorkflow,
  syntheticRecording,
  spectrumFrames,
} from '../../src/pipelines/workflows/spectrum.js';
import { sineWorkflow } from '../../src/pipelines/workflows/sine.js';
import { imagesWorkflow } from '../../src/pipelines/workflows/images.js';
import { workflows } from '../../src/pipelines/index.js';
import type { WorkflowContext } from '../../src/pipelines/workflows/workflow.js';
import { packageRoot } from '../../src/version.js';
import { dataset } from '../helpers/datasets.js';
import { numbers } from '../helpers/json-numbers.js';

const root = packageRoot();
const cli = join(root, 'dist', 'src', 'cli', 'main.js');

function context(config: Record<string, unknown>, baseDir: string, out: string): WorkflowContext {
  mkdirSync(out, { recursive: true });
  return { config, baseDir, out, seed: 1, quick: true, log: () => {} };
}

function allFinite(summary: unknown): void {
  const found = numbers(summary);
  assert.ok(found.length > 0);
  for (const [path, v] of found) assert.ok(Number.isFinite(v), `${path} = ${v}`);
}

function nonEmpty(files: string[]): void {
  for (const f of files) {
    assert.ok(existsSync(f), f);
    if (statSync(f).isFile()) assert.ok(statSync(f).size > 0, f);
  }
}

function sineSeries(n: number, seed = 1): Float32Array {
  let s = seed;
  const noise = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i / 5) + 0.05 * noise());
}

test('the three workflows are registered', () => {
  for (const name of ['spectrum', 'sine', 'images'])
    assert.ok(
      workflows.some((w) => w.name === name),
      name,
    );
});

test('Forecaster.predict: one-step forecasts in input units, NaN before the first', async () => {
  const x = createSeries({ data: sineSeries(400).map((v) => 3 * v + 10), channels: 1 });
  const d = new Forecaster({ network: 'lstm', hidden: [8], window: 10, epochs: 1 });
  await d.fit(x, { seed: 1 });
  const p = d.predict(x);
  assert.equal(p.length, x.length);
  for (let t = 0; t < 10; t++) assert.ok(Number.isNaN(p[t]!), `step ${t}`);
  for (let t = 10; t < p.length; t++) assert.ok(Number.isFinite(p[t]!), `step ${t}`);
  // score = squared error in z-scored units, so (prediction - actual)^2 / score is the
  // scaler's variance at every step: the scaler is inverted exactly.
  const score = d.score(x);
  const ratios: number[] = [];
  for (let t = 10; t < x.length; t++) {
    if (score[t]! > 1e-4) ratios.push((p[t]! - x.data[t]!) ** 2 / score[t]!);
  }
  assert.ok(ratios.length > 100);
  const r0 = ratios[0]!;
  for (const r of ratios) assert.ok(Math.abs(r / r0 - 1) < 1e-3, `${r} vs ${r0}`);
  // Downsampled: block predictions spread over the block, NaN over the first window.
  const ds = new Forecaster({ network: 'dense', hidden: [8], window: 5, downsample: 4, epochs: 1 });
  await ds.fit(x, { seed: 1 });
  const q = ds.predict(x);
  assert.equal(q.length, x.length);
  assert.ok(Number.isNaN(q[19]!) && Number.isFinite(q[20]!));
  assert.equal(q[20], q[23]);
});

test('Forecaster.windowErrors: mean squared error of each window forecast', async () => {
  const x = createSeries({ data: sineSeries(300), channels: 1 });
  const d = new Forecaster({ network: 'gru', hidden: [8], window: 10, horizon: 3, epochs: 1 });
  await d.fit(x, { seed: 2 });
  const all = d.windowErrors(x, 1);
  assert.equal(all.length, 300 - 13 + 1);
  const every5 = d.windowErrors(x, 5);
  assert.equal(every5.length, Math.floor((300 - 13) / 5) + 1);
  for (let k = 0; k < every5.length; k++) assert.ok(Math.abs(every5[k]! - all[5 * k]!) < 1e-6);
  // On exactly one window, score() gives each target step from that window alone.
  const one = sliceRows(x, 40, 53);
  const s = d.score(one);
  const mean = (s[10]! + s[11]! + s[12]!) / 3;
  assert.ok(Math.abs(d.windowErrors(one)[0]! - mean) < 1e-5 * Math.max(1, mean));
  assert.ok(Math.abs(all[40]! - mean) < 1e-5 * Math.max(1, mean));
  assert.throws(() => d.windowErrors(x, 0), /shift/);
});

test('synthetic spectrum frames: 128 bins, seeded', () => {
  const a = spectrumFrames(syntheticRecording('interferer', 120, 5));
  const b = spectrumFrames(syntheticRecording('interferer', 120, 5));
  assert.equal(a.channels, 128);
  assert.equal(a.length, 120);
  assert.deepEqual(a.data, b.data);
  // The interferer (bin 64) is on in frames 50..99 only; the carrier at bin 20 always.
  assert.ok(a.data[60 * 128 + 64]! > a.data[10 * 128 + 64]! + 10);
  assert.ok(a.data[10 * 128 + 20]! > a.data[10 * 128 + 30]! + 10);
});

test('workflow spectrum --quick through the CLI', () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-wf-spectrum-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'workflow',
        'spectrum',
        '--config',
        join(root, 'examples', 'spectrum', 'config.yaml'),
        '--out',
        out,
        '--quick',
        '--json',
      ],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), summary);
    allFinite(summary);
    const rates = summary.detectionRate as Record<string, Record<string, number>>;
    assert.deepEqual(Object.keys(rates), [
      'validation',
      'interferer',
      'wideband-burst',
      'drifting-carrier',
    ]);
    for (const q of ['q0.9', 'q0.95', 'q0.99']) {
      assert.ok(rates.validation![q]! <= 1 - Number(q.slice(1)) + 1e-9, q);
      for (const set of Object.values(rates)) assert.ok(set[q]! >= 0 && set[q]! <= 1);
    }
    nonEmpty(
      ['error-table.csv', 'window-errors.csv', 'error-cdf.svg', 'error-cdf.png', 'model'].map((f) =>
        join(out, f),
      ),
    );
    const table = readFileSync(join(out, 'error-table.csv'), 'utf8').trim().split('\n');
    assert.equal(table[0], 'file,quantile,threshold,windows,detected,rate');
    assert.equal(table.length, 1 + 4 * 3);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('workflow sine --quick: three networks, metrics and plots', async () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-wf-sine-'));
  try {
    const config = {
      normal: dataset('sine', 'normal.csv'),
      abnormal: dataset('sine', 'abn.csv'),
      anomalyStart: 160000,
    };
    const result = await sineWorkflow.run(context(config, join(root, 'examples', 'sine'), out));
    allFinite(result.summary);
    nonEmpty(result.files);
    const nets = result.summary.networks as Record<string, Record<string, number>>;
    for (const name of ['dense', 'lstm', 'gru']) {
      const m = nets[name]!;
      assert.ok(m.auc_roc! > 0.5 && m.auc_roc! <= 1, `${name} AUC ${m.auc_roc}`);
      assert.ok(m.realised_fpr_validation! <= 0.01);
      // Incidents with their evaluation (one labelled range: recall is 0 or 1).
      assert.ok(m.incidents! >= 0 && [0, 1].includes(m.incident_recall!), `${name} incidents`);
      for (const f of [
        `score-${name}.png`,
        `waveform-${name}.svg`,
        `scores-${name}.csv`,
        `incidents-${name}.json`,
      ])
        assert.ok(result.files.includes(join(out, f)), f);
    }
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 4);
    assert.ok(csv[0]!.startsWith('network,auc_roc,auc_pr'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the example sine config resolves to the shared data', () => {
  const text = readFileSync(join(root, 'examples', 'sine', 'config.yaml'), 'utf8');
  const rel = /normal: (\S+)/.exec(text)![1]!;
  assert.ok(existsSync(join(root, 'examples', 'sine', rel)) || !existsSync(dataset('sine')));
});

test('workflow images --quick: from an npz made by make-npz.mjs, and from MNIST idx files', async () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-wf-images-'));
  try {
    const npz = join(out, 'mnist.npz');
    const made = spawnSync(
      process.execPath,
      [join(root, 'examples', 'images', 'make-npz.mjs'), dataset('mnist'), npz, 't10k', '1500'],
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    const a = await imagesWorkflow.run(
      context({ npz, normalLabel: 1, testSets: 4 }, out, join(out, 'a')),
    );
    allFinite(a.summary);
    nonEmpty(a.files);
    assert.equal(a.summary.testSets, 4);
    const normal = a.summary.normalPerSet as number;
    const anomalies = a.summary.anomaliesPerSet as number;
    assert.ok(Math.abs(anomalies / (normal + anomalies) - 0.1) < 0.05);
    for (const key of ['aucRoc', 'aucPr'])
      assert.ok((a.summary[key] as number) > 0 && (a.summary[key] as number) <= 1);
    const grid = readFileSync(join(out, 'a', 'nu-grid.csv'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(grid.length, 3); // header + nu 0.1, 0.5 in quick mode
    const b = await imagesWorkflow.run(
      context({ mnist: dataset('mnist'), normalLabel: 7 }, out, join(out, 'b')),
    );
    allFinite(b.summary);
    assert.equal(b.summary.trainImages, 200);
    assert.equal(b.summary.testSets, 10);
    await assert.rejects(
      imagesWorkflow.run(context({ normalLabel: 7 }, out, join(out, 'c'))),
      /exactly one of npz and mnist/,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('workflow spectrum refuses a config without data', async () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-wf-spectrum-bad-'));
  try {
    await assert.rejects(
      spectrumWorkflow.run(context({}, out, out)),
      /synthetic: true or a normal/,
    );
    await assert.rejects(
      spectrumWorkflow.run(context({ synthetic: true, window: 0 }, out, out)),
      /window is 0/,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
