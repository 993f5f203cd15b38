// The featurize, report and tsne commands, and --config files (JSON and YAML)
// checked against the detector schemas, on small synthetic series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy } from '../../src/data/npy.js';
import { createRng } from '../../src/data/random.js';
import { packageRoot } from '../../src/version.js';
import { modelFilePath } from '../../src/detectors/model-dir.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

const dir = mkdtempSync(join(tmpdir(), 'normalcy-cli2-'));
const rng = createRng(7);
const noise = () => (rng.next() - 0.5) * 0.1;
// Normal: a sine of period 50. Test: the same, its last 600 steps at triple amplitude.
const normal = Array.from({ length: 4000 }, (_, t) => Math.sin((2 * Math.PI * t) / 50) + noise());
const abn = Array.from(
  { length: 2000 },
  (_, t) => (t >= 1400 ? 3 : 1) * Math.sin((2 * Math.PI * t) / 50) + noise(),
);
writeFileSync(join(dir, 'normal.csv'), normal.map((v) => v.toFixed(5)).join('\n') + '\n');
writeFileSync(join(dir, 'test.csv'), abn.map((v) => v.toFixed(5)).join('\n') + '\n');
writeFileSync(join(dir, 'labels.json'), JSON.stringify([[1400, 1999]]));
writeFileSync(
  join(dir, 'model.yaml'),
  [
    '# a small dense forecaster',
    'network: dense',
    'hidden: [16, 8, 16]',
    'window: 20',
    'epochs: 2',
    'smoothing:',
    '  kind: moving-average',
    '  span: 25',
    '',
  ].join('\n'),
);
const model = join(dir, 'model');
/** A forecaster trained on normal.csv with the fields of a config file. */
const trainWithConfig = (config: string, out: string, ...more: string[]) =>
  run(
    'train',
    '--detector',
    'forecaster',
    '--data',
    join(dir, 'normal.csv'),
    '--config',
    config,
    '--out',
    out,
    ...more,
  );

test('train reads a YAML config', () => {
  const r = trainWithConfig(join(dir, 'model.yaml'), model, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /epoch 2: loss/);
  const manifest = JSON.parse(readFileSync(modelFilePath(model), 'utf8')) as {
    config: { network: string; hidden: number[]; smoothing: { span: number } };
  };
  assert.equal(manifest.config.network, 'dense');
  assert.deepEqual(manifest.config.hidden, [16, 8, 16]);
  assert.equal(manifest.config.smoothing.span, 25);
  // no ANSI escapes in plain (non-terminal) output
  assert.ok(!r.stderr.includes('\u001b['));
});

test('a bad config is a usage error (exit code 2) naming the field and the allowed values', () => {
  writeFileSync(join(dir, 'bad.yaml'), 'network: lsmt\n');
  const r = trainWithConfig(join(dir, 'bad.yaml'), join(dir, 'never'));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /config\.network: 'lsmt' is not one of dense, lstm, gru, stacked/);
  assert.ok(!existsSync(join(dir, 'never')));
});

test('featurize writes windows, targets and spectra as .npy', () => {
  const out = join(dir, 'win.npy');
  const r = run(
    'featurize',
    '--data',
    join(dir, 'normal.csv'),
    '--downsample',
    '2',
    '--window',
    '10',
    '--shift',
    '5',
    '--horizon',
    '2',
    '--out',
    out,
  );
  assert.equal(r.status, 0, r.stderr);
  const x = readNpy(out);
  const y = readNpy(join(dir, 'win.targets.npy'));
  // 2000 rows after downsampling: floor((2000 - 12) / 5) + 1 windows
  assert.deepEqual(x.shape, [398, 10, 1]);
  assert.deepEqual(y.shape, [398, 2, 1]);
  assert.equal(x.dtype, 'float32');
  // window 1 starts at row 5 of the downsampled series: mean of input steps 10 and 11
  assert.ok(Math.abs((x.data[10] as number) - (normal[10]! + normal[11]!) / 2) < 1e-4);
  writeFileSync(join(dir, 'spec.yaml'), 'spectrum: true\nframe: 64\n');
  const s = run(
    'featurize',
    '--data',
    join(dir, 'normal.csv'),
    '--config',
    join(dir, 'spec.yaml'),
    '--hop',
    '32',
    '--floor',
    '-80',
    '--ceiling',
    '0',
    '--out',
    join(dir, 'spec.npy'),
  );
  assert.equal(s.status, 0, s.stderr);
  const spec = readNpy(join(dir, 'spec.npy'));
  assert.deepEqual(spec.shape, [Math.floor((4000 - 64) / 32) + 1, 33]);
  const values = Array.from(spec.data as Float32Array);
  assert.ok(Math.min(...values) >= -80 && Math.max(...values) <= 0);
  const usage = run(
    'featurize',
    '--data',
    join(dir, 'normal.csv'),
    '--frame',
    '64',
    '--out',
    join(dir, 'x.npy'),
  );
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /need --spectrum/);
  const notNpy = run('featurize', '--data', join(dir, 'normal.csv'), '--out', join(dir, 'x.csv'));
  assert.equal(notNpy.status, 2);
});

test('report writes report.html and the charts, and prints the paths', () => {
  const out = join(dir, 'report');
  const r = run(
    'report',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--labels',
    join(dir, 'labels.json'),
    '--fpr',
    '0.01',
    '--out',
    out,
  );
  assert.equal(r.status, 0, r.stderr);
  for (const name of [
    'report.html',
    'channels.png',
    'channels.svg',
    'error-cdf.png',
    'roc.png',
    'pr.png',
    'per-threshold.png',
    'training-loss.png',
    'metrics.json',
  ]) {
    assert.ok(existsSync(join(out, name)), name);
    assert.ok(statSync(join(out, name)).size > 100, name);
  }
  assert.match(
    r.stdout,
    new RegExp(`report: +${join(out, 'report.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  );
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
    metrics: { auc_roc: number };
    threshold: { kind: string };
  };
  // At 1% on the held-out scores: empirical with 10 / rate of them, else extrapolated.
  assert.match(metrics.threshold.kind, /^(fpr|evt)$/);
  assert.ok(metrics.metrics.auc_roc > 0.8, `AUC ${metrics.metrics.auc_roc}`);
});

test('report without labels, with an empty label list, and with labels out of range', () => {
  const plain = run(
    'report',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--out',
    join(dir, 'r1'),
  );
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /^\d+ incidents? over [\d,]+ steps/m);
  const html = readFileSync(join(dir, 'r1', 'report.html'), 'utf8');
  assert.ok(html.indexOf('id="incidents"') < html.indexOf('id="charts"'));
  assert.ok(!existsSync(join(dir, 'r1', 'roc.png')));

  writeFileSync(join(dir, 'empty.json'), '[]');
  const empty = run(
    'report',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--labels',
    join(dir, 'empty.json'),
    '--out',
    join(dir, 'r2'),
  );
  assert.equal(empty.status, 0, empty.stderr);
  assert.match(
    empty.stderr,
    /empty.json: the labels mark no anomalous step; the report has no evaluation/,
  );
  const m = JSON.parse(readFileSync(join(dir, 'r2', 'metrics.json'), 'utf8')) as {
    metrics?: object;
  };
  assert.equal(m.metrics, undefined);

  writeFileSync(join(dir, 'far.json'), JSON.stringify([[100, 99_999]]));
  const far = run(
    'report',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--labels',
    join(dir, 'far.json'),
    '--out',
    join(dir, 'r3'),
  );
  assert.equal(far.status, 1);
  assert.match(
    far.stderr,
    /far.json: range \[100, 99999\] ends past the last row \d+ \(the series has \d+ steps/,
  );
});

test('tsne writes before and after maps of a subsample', () => {
  const out = join(dir, 'tsne');
  const r = run(
    'tsne',
    '--data',
    join(dir, 'test.csv'),
    '--labels',
    join(dir, 'labels.json'),
    '--window',
    '10',
    '--shift',
    '2',
    '--max-points',
    '300',
    '--iterations',
    '150',
    '--model',
    model,
    '--out',
    out,
  );
  assert.equal(r.status, 0, r.stderr);
  for (const name of ['tsne-before.png', 'tsne-before.svg', 'tsne-after.png', 'tsne-after.svg'])
    assert.ok(existsSync(join(out, name)), name);
  assert.match(r.stderr, /300 of 996 windows of 10 step\(s\)/);
  const tooMany = run(
    'tsne',
    '--data',
    join(dir, 'test.csv'),
    '--labels',
    join(dir, 'labels.json'),
    '--max-points',
    '5000',
    '--out',
    out,
  );
  assert.equal(tooMany.status, 2);
});
