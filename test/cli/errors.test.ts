// Bad input of every kind gets a clear refusal naming the file, flag or field, with
// exit code 2 for usage errors and 1 for runtime failures (issue 16's list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { idxBytes } from '../helpers/idx.js';
import { modelFilePath, readSavedModel, writeModelDir } from '../../src/detectors/model-dir.js';
import { createDetector } from '../../src/detectors/registry.js';
import { createSeries } from '../../src/data/series.js';
import { readMnistLabels, readMnistImages } from '../../src/data/idx.js';
import { tensor, tidy } from '../../src/engine/index.js';

const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'normalcy-errors-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const sine = (n: number, amplitude = 1) =>
  createSeries({
    data: Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin(i / 5)),
    channels: 1,
  });
const csv = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const series = csv('series.csv', 'x\n' + Array.from(sine(2000).data).join('\n') + '\n');
const model = join(dir, 'model');

test('train a small model for the cases below', async () => {
  const r = await runCli('train', '--detector', 'pca', '--data', series, '--out', model);
  assert.equal(r.code, 0, r.stderr);
});

async function refused(code: number, message: RegExp, ...args: string[]) {
  const r = await runCli(...args);
  assert.equal(r.code, code, `exit ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, message);
}

test('usage errors exit 2: unknown detector, YAML syntax, percentile out of range', async () => {
  await refused(
    2,
    /--detector: unknown detector 'foo' \(available: forecaster/,
    'train',
    '--detector',
    'foo',
    '--data',
    series,
    '--out',
    join(dir, 'm2'),
  );
  const yaml = csv('broken.yaml', 'window: [1, 2\nepochs: 3\n');
  await refused(
    2,
    /broken\.yaml: not valid YAML/,
    'train',
    '--detector',
    'pca',
    '--config',
    yaml,
    '--data',
    series,
    '--out',
    join(dir, 'm2'),
  );
  await refused(
    2,
    /--percentile must be a number from 0 to 100/,
    'threshold',
    '--model',
    model,
    '--percentile',
    '150',
  );
  await refused(
    2,
    /give exactly one of --fpr, --percentile, --value or --recalibrate/,
    'threshold',
    '--model',
    model,
    '--value',
    '1',
    '--fpr',
    '0.1',
  );
});

test('config keys __proto__, constructor and toString are unknown fields', async () => {
  for (const key of ['__proto__', 'constructor', 'toString']) {
    const cfg = csv(`proto-${key}.json`, `{"${key}": {"window": 3}}`);
    await refused(
      2,
      new RegExp(`config\\.${key}: unknown field`),
      'train',
      '--detector',
      'pca',
      '--config',
      cfg,
      '--data',
      series,
      '--out',
      join(dir, 'm3'),
    );
  }
});

test('allocation sizes are bounded before allocating', async () => {
  const cfg = csv('huge.json', '{"network": "dense", "hidden": [100000000]}');
  await refused(
    2,
    /config\.hidden: \[100000000\] is not a list of at least 1 integers >= 1 and <= 65536/,
    'train',
    '--detector',
    'forecaster',
    '--config',
    cfg,
    '--data',
    series,
    '--out',
    join(dir, 'm4'),
  );
  // The library refuses it too: the constructor checks the same schema.
  assert.throws(
    () => createDetector('forecaster', { network: 'lstm', hidden: [100_000_000], window: 5 }),
    /forecaster config\.hidden: \[100000000\] is not a list of at least 1 integers >= 1 and <= 65536/,
  );
  // Layers each within bounds can still ask for too large a weight: refused before allocating.
  const d = createDetector('forecaster', {
    network: 'dense',
    hidden: [65_536, 65_536],
    window: 5,
    epochs: 1,
  });
  await assert.rejects(
    d.fit(sine(200)),
    /a weight of shape \[65536, 65536\].*lower the layer sizes/,
  );
});

test('a directory where a file is expected, and --out under /proc, are refused at once', async () => {
  const sub = join(dir, 'a-directory.csv');
  mkdirSync(sub, { recursive: true });
  await refused(
    1,
    /a-directory\.csv: is a directory, expected a file/,
    'score',
    '--model',
    model,
    '--data',
    sub,
    '--out',
    join(dir, 's.csv'),
  );
  await refused(
    1,
    /a-directory\.csv: is a directory, expected a file/,
    'train',
    '--detector',
    'pca',
    '--config',
    sub,
    '--data',
    series,
    '--out',
    join(dir, 'm5'),
  );
  const t0 = Date.now();
  await refused(
    1,
    /\/proc\/normalcy-no-such\/model: cannot create the directory/,
    'train',
    '--detector',
    'pca',
    '--data',
    series,
    '--out',
    '/proc/normalcy-no-such/model',
  );
  assert.ok(Date.now() - t0 < 20_000);
});

test('label ranges in a .csv: reversed and out-of-range ranges are named, not swallowed', async () => {
  const evaluateWith = (labels: string) => [
    'evaluate',
    '--model',
    model,
    '--data',
    series,
    '--labels',
    labels,
  ];
  const reversed = csv('reversed.csv', 'start,end\n30,10\n');
  await refused(1, /reversed\.csv line 2: start 30 is after end 10/, ...evaluateWith(reversed));
  const outside = csv('outside.csv', 'start,end\n1990,2500\n');
  await refused(
    1,
    /outside\.csv: range \[1990, 2500\] ends past the last row 1999 \(the series has 2000 steps\)/,
    ...evaluateWith(outside),
  );
});

test('a model manifest holding null, or without its scaler, is refused naming the field', async () => {
  const copy = join(dir, 'broken-model');
  const r = await runCli('train', '--detector', 'pca', '--data', series, '--out', copy);
  assert.equal(r.code, 0, r.stderr);
  const path = modelFilePath(copy);
  const scoreArgs = ['score', '--model', copy, '--data', series, '--out', join(dir, 's.csv')];
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, 'null');
  await refused(1, /manifest\.json: the manifest must be a JSON object, found null/, ...scoreArgs);
  delete manifest.scaler;
  writeFileSync(path, JSON.stringify(manifest));
  await refused(
    1,
    /manifest\.json: field 'scaler' is missing, but config\.scaler is 'zscore'/,
    ...scoreArgs,
  );
});

test('an Inf weight is refused on load', () => {
  const legacy = join(dir, 'inf-model');
  tidy(() =>
    writeModelDir(
      legacy,
      { detector: 'pca', config: {}, channels: 1 },
      {
        w: tensor(Float32Array.from([1, Infinity]), [2]),
      },
    ),
  );
  assert.throws(
    () => readSavedModel(legacy),
    /weights\.bin: tensor 'w' holds Infinity at element 1/,
  );
});

test('an idx label file shorter than its images is refused', () => {
  const images = join(dir, 'images-idx3-ubyte');
  const labels = join(dir, 'labels-idx1-ubyte');
  writeFileSync(images, idxBytes([3, 2, 2], new Uint8Array(12)));
  writeFileSync(labels, idxBytes([2], new Uint8Array(2)));
  const imgs = readMnistImages(images);
  assert.throws(
    () => readMnistLabels(labels, imgs),
    /labels-idx1-ubyte: 2 labels for the 3 images of .*images-idx3-ubyte/,
  );
});

test('NaN made inside the pipeline is caught where it appears', async () => {
  const diverging = createDetector('forecaster', {
    network: 'dense',
    hidden: [8],
    window: 5,
    epochs: 3,
    learningRate: 1e30,
  });
  await assert.rejects(
    diverging.fit(sine(300), { seed: 1 }),
    /training diverged at epoch \d+: (validation )?loss is (NaN|Infinity); lower the learning rate/,
  );
  const d = createDetector('forecaster', { network: 'dense', hidden: [8], window: 5, epochs: 1 });
  await d.fit(sine(300), { seed: 1 });
  const huge = sine(100, 3e38);
  assert.throws(
    () => d.score(huge),
    /forecaster: scores overflow float32 .*values up to 3\.00e\+38 in column 0/,
  );
});

test('a reader that closes the pipe early ends the command quietly, without an EPIPE trace', () => {
  // `normalcy --help | head -n 1` through a shell, as a user types it.
  const r = spawnSync('bash', ['-c', `set -o pipefail; node ${cliPath} --help | head -n 1`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: normalcy/);
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
});
