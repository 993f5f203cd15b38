// Seeded fuzz test: a few thousand mutations of valid CSV, npy, npz, idx, label,
// config and model files, each fed to the command (in this process, no child per
// case) or reader that takes it. Every case must end in success or a refusal of
// kind 1 (runtime) or 2 (usage) whose message names the file (or the model
// directory holding it): no crash, no hang, no bare "Cannot read properties".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { zipSync } from 'fflate';
import { runCli } from '../helpers/cli.js';
import { idxBytes } from '../helpers/idx.js';
import { createRng, type Rng } from '../../src/data/random.js';
import { encodeNpy } from '../../src/data/npy.js';
import { readMnistImages, readMnistLabels } from '../../src/data/idx.js';
import { modelFilePath } from '../../src/detectors/model-dir.js';

const CASES_PER_KIND = Number(process.env.NORMALCY_FUZZ_CASES ?? 150);
const dir = mkdtempSync(join(tmpdir(), 'normalcy-fuzz-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const rng = createRng(16);

const rows = 300;
const values = Array.from({ length: rows }, (_, i) => Math.sin(i / 7).toFixed(4));
const seriesCsv = Buffer.from('value\n' + values.join('\n') + '\n');
const seriesPath = join(dir, 'series.csv');
writeFileSync(seriesPath, seriesCsv);
const npy = Buffer.from(
  encodeNpy({ dtype: 'float32', shape: [rows, 1], data: Float32Array.from(values, Number) }),
);
const npz = Buffer.from(zipSync({ 'x.npy': npy }));
const idxImages = idxBytes([4, 3, 3], new Uint8Array(36).fill(7));
const idxLabels = idxBytes([4], Uint8Array.from([0, 1, 2, 3]));
const labelsJson = Buffer.from(
  JSON.stringify([
    [100, 150],
    [200, 210],
  ]),
);
const labelsCsv = Buffer.from('start,end\n100,150\n200,210\n');
const labelColumn = Buffer.from(
  'label\n' + values.map((_, i) => (i > 250 ? 1 : 0)).join('\n') + '\n',
);
const configYaml = Buffer.from(
  'window: 10\ncomponents: 2\nscaler: zscore\nsmoothing:\n  kind: ewma\n  span: 3\n',
);
const configJson = Buffer.from('{"window": 10, "components": 2, "downsample": 1}');

const TOKENS = [
  'NaN',
  '-',
  '',
  '1e39',
  '-1e400',
  '"',
  ',',
  '\n',
  '\0',
  '9'.repeat(30),
  '[',
  '{',
  'null',
  '-0',
  '1e308',
  ':',
  '\ufffd',
  '0x10',
  'Infinity',
  '999999999',
];

/** One random mutation of the bytes: flip, truncate, insert, delete, repeat or splice a token. */
function mutate(input: Buffer, r: Rng, text: boolean): Buffer {
  let b = Buffer.from(input);
  const count = 1 + r.nextInt(3);
  for (let m = 0; m < count; m++) {
    const at = r.nextInt(Math.max(1, b.length));
    switch (r.nextInt(text ? 7 : 6)) {
      case 0:
        if (b.length > 0) b[at] = b[at]! ^ (1 << r.nextInt(8));
        break;
      case 1:
        b = b.subarray(0, at);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([r.nextInt(256)]), b.subarray(at)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + r.nextInt(16))]);
        break;
      case 4: {
        const len = 1 + r.nextInt(64);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 5:
        if (b.length > 0) b[at] = r.nextInt(2) ? 0xff : 0;
        break;
      default: {
        const token = TOKENS[r.nextInt(TOKENS.length)]!;
        const end = at + r.nextInt(6);
        b = Buffer.concat([b.subarray(0, at), Buffer.from(token), b.subarray(end)]);
      }
    }
  }
  return b;
}

interface Outcome {
  kind: string;
  ok: number;
  refused1: number;
  refused2: number;
  ms: number;
}
const outcomes: Outcome[] = [];

/** Runs `cases` mutations of `seed`; `run` returns the exit code and message. */
async function fuzz(
  kind: string,
  seed: Buffer,
  text: boolean,
  fileName: string,
  run: (path: string) => Promise<{ code: number; message: string }>,
  names: (path: string) => (message: string) => boolean = (path) => (message) =>
    message.includes(basename(path)),
): Promise<void> {
  const o: Outcome = { kind, ok: 0, refused1: 0, refused2: 0, ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < CASES_PER_KIND; i++) {
    const path = join(dir, kind, String(i), fileName);
    mkdirSync(join(dir, kind, String(i)), { recursive: true });
    const bytes = mutate(seed, rng, text);
    writeFileSync(path, bytes);
    const c0 = performance.now();
    const { code, message } = await run(path);
    const ms = performance.now() - c0;
    const what = `${kind} case ${i} (${bytes.length} bytes, ${JSON.stringify(bytes.subarray(0, 60).toString('latin1'))}...)`;
    assert.ok(ms < 10_000, `${what} took ${ms.toFixed(0)} ms`);
    assert.ok(code === 0 || code === 1 || code === 2, `${what}: exit ${code}`);
    if (code !== 0) {
      assert.ok(names(path)(message), `${what}: the message does not name the file: ${message}`);
      assert.doesNotMatch(
        message,
        /Cannot read properties|is not a function|undefined is not|Maximum call stack/,
        what,
      );
    }
    if (code === 0) o.ok++;
    else if (code === 1) o.refused1++;
    else o.refused2++;
    rmSync(join(dir, kind, String(i)), { recursive: true, force: true });
  }
  o.ms = performance.now() - t0;
  outcomes.push(o);
}

async function cli(...args: string[]) {
  const r = await runCli(...args);
  return { code: r.code, message: r.stderr };
}

/** A library reader: success is 0, a thrown error is a runtime refusal (1). */
async function library(read: () => unknown) {
  try {
    read();
    return { code: 0, message: '' };
  } catch (err) {
    return { code: 1, message: (err as Error).message };
  }
}

const model = join(dir, 'model');
const legacyModel = join(dir, 'legacy-model');

test('set up a small model (current and old layout)', async () => {
  writeFileSync(join(dir, 'c.json'), configJson);
  const t = await runCli(
    'train',
    '--detector',
    'pca',
    '--config',
    join(dir, 'c.json'),
    '--data',
    seriesPath,
    '--fpr',
    '0.05',
    '--out',
    model,
  );
  assert.equal(t.code, 0, t.stderr);
  // The old layout: manifest.json (format 1, no hashes) and weights.bin at the top.
  mkdirSync(legacyModel);
  const manifest = JSON.parse(readFileSync(modelFilePath(model), 'utf8')) as Record<
    string,
    unknown
  >;
  delete manifest.files;
  manifest.formatVersion = 1;
  writeFileSync(join(legacyModel, 'manifest.json'), JSON.stringify(manifest));
  cpSync(modelFilePath(model, 'weights.bin'), join(legacyModel, 'weights.bin'));
});

const out = () => join(dir, 'scores.csv');

test('mutated series files (CSV, npy, npz) are scored or refused naming the file', async () => {
  const score = (path: string) => cli('score', '--model', model, '--data', path, '--out', out());
  await fuzz('csv', seriesCsv, true, 'series.csv', score);
  await fuzz('npy', npy, false, 'series.npy', score);
  await fuzz('npz', npz, false, 'series.npz', score);
});

test('mutated idx image and label files are read or refused naming the file', async () => {
  await fuzz('idx-images', idxImages, false, 'images-idx3-ubyte', (p) =>
    library(() => readMnistImages(p)),
  );
  await fuzz('idx-labels', idxLabels, false, 'labels-idx1-ubyte', (p) =>
    library(() => readMnistLabels(p, { count: 4, path: 'images' })),
  );
});

test('mutated label files (JSON ranges, CSV ranges, a 0/1 column) are used or refused naming the file', async () => {
  const evaluate = (path: string) =>
    cli('evaluate', '--model', model, '--data', seriesPath, '--labels', path);
  await fuzz('labels-json', labelsJson, true, 'labels.json', evaluate);
  await fuzz('labels-csv', labelsCsv, true, 'labels.csv', evaluate);
  await fuzz('label-column', labelColumn, true, 'label-column.csv', evaluate);
});

test('mutated config files (YAML, JSON) train or are refused naming the file', async () => {
  const train = (path: string) =>
    cli(
      'train',
      '--detector',
      'pca',
      '--config',
      path,
      '--data',
      seriesPath,
      '--fpr',
      '0.05',
      '--out',
      join(dir, 'fuzz-model'),
    );
  // A config whose window does not fit the data is refused naming the data file.
  const either = (path: string) => (message: string) =>
    message.includes(path) || message.includes(seriesPath);
  await fuzz('config-yaml', configYaml, true, 'config.yaml', train, either);
  await fuzz('config-json', configJson, true, 'config.json', train, either);
});

test('mutated model files are loaded or refused naming the model', async () => {
  const files = ['manifest.json', 'weights.bin', 'normal-scores.bin', 'CURRENT'];
  for (const [layout, source] of [
    ['model', model],
    ['legacy-model', legacyModel],
  ] as const) {
    for (const name of layout === 'model' ? files : ['manifest.json', 'weights.bin']) {
      const original = readFileSync(
        layout === 'model' && name !== 'CURRENT' ? modelFilePath(source, name) : join(source, name),
      );
      await fuzz(
        `${layout}-${name}`,
        original,
        name.endsWith('.json') || name === 'CURRENT',
        name,
        async (path) => {
          // A copy of the model with this one file replaced by the mutated bytes.
          const copy = join(path, '..', 'm');
          cpSync(source, copy, { recursive: true });
          const target =
            layout === 'model' && name !== 'CURRENT' ? modelFilePath(copy, name) : join(copy, name);
          writeFileSync(target, readFileSync(path));
          return cli('score', '--model', copy, '--data', seriesPath, '--out', out());
        },
        (path) => (message) => message.includes(join(path, '..', 'm')),
      );
    }
  }
});

test('fuzz summary', () => {
  const total = outcomes.reduce((n, o) => n + o.ok + o.refused1 + o.refused2, 0);
  for (const o of outcomes)
    console.log(
      `${o.kind.padEnd(26)} ok ${o.ok}, refused (1) ${o.refused1}, usage (2) ${o.refused2}, ${(o.ms / 1000).toFixed(1)} s`,
    );
  console.log(`fuzz: ${total} cases, no crash, no hang, every refusal named its file`);
  assert.ok(total >= 2000);
});
