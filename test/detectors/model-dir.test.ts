// Model directories: versioned atomic saves, integrity checks, the manifest schema,
// old-layout directories, and a crash test killing saves at random points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  modelFilePath,
  readManifest,
  readSavedModel,
  updateManifest,
  writeModelDir,
  type ManifestContent,
} from '../../src/detectors/model-dir.js';
import { saveTensors, tensor, tidy } from '../../src/engine/index.js';
import { packageRoot } from '../../src/version.js';
import { createRng } from '../../src/data/random.js';

const root = mkdtempSync(join(tmpdir(), 'normalcy-model-dir-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const content = (generation: number): ManifestContent => ({
  detector: 'crash-test',
  config: { generation },
  channels: 1,
  state: { generation },
});

function save(dir: string, generation: number, n = 16): void {
  tidy(() =>
    writeModelDir(
      dir,
      content(generation),
      { w: tensor(new Float32Array(n).fill(generation), [n]) },
      {
        normalScores: new Float32Array(10).fill(generation),
        threshold: { kind: 'fixed', value: 1 },
      },
    ),
  );
}

/** Loads the model and checks that manifest, weights and normal scores are one generation. */
function loadGeneration(dir: string): number {
  const m = readSavedModel(dir);
  const g = Number(m.manifest.state!.generation);
  const w = tidy(() => m.weights.w!.toFloat32Array());
  assert.ok(
    w.length > 0 && w.every((v) => v === g),
    `weights of generation ${w[0]}, manifest ${g}`,
  );
  assert.ok(
    m.normalScores!.every((v) => v === g),
    'normal scores of another generation',
  );
  return g;
}

test('a save replaces the model atomically and the next save removes superseded versions', () => {
  const dir = join(root, 'plain');
  save(dir, 1);
  assert.equal(loadGeneration(dir), 1);
  save(dir, 2);
  save(dir, 3);
  assert.equal(loadGeneration(dir), 3);
  const versions = readdirSync(dir).filter((n) => n.startsWith('v-'));
  assert.equal(versions.length, 2, 'the current version and the one it replaced');
  assert.deepEqual(
    readdirSync(dir).filter((n) => !n.startsWith('v-')),
    ['CURRENT'],
  );
});

test('a threshold update writes a new version with the same verified files', () => {
  const dir = join(root, 'update');
  save(dir, 5);
  updateManifest(dir, (m) => ({ ...m, threshold: { kind: 'fixed', value: 9 } }));
  assert.equal(loadGeneration(dir), 5);
  assert.deepEqual(readManifest(dir).threshold, { kind: 'fixed', value: 9 });
});

test('an update sees the normal scores of its version, may replace them, and refuses a stale base', () => {
  const dir = join(root, 'recalibrate');
  save(dir, 4);
  const base = readSavedModel(dir).path;
  let seen: Float32Array | undefined;
  updateManifest(
    dir,
    (m, normal) => {
      seen = normal;
      return { ...m, threshold: { kind: 'fixed', value: 7 } };
    },
    { normalScores: new Float32Array([1, 2, 3]), basedOn: base },
  );
  assert.deepEqual([...seen!], new Array(10).fill(4));
  const after = readSavedModel(dir);
  assert.deepEqual([...after.normalScores!], [1, 2, 3]);
  assert.deepEqual(after.manifest.threshold, { kind: 'fixed', value: 7 });
  assert.notEqual(after.path, base);
  // Computed from the old version: refused, and the model is unchanged.
  assert.throws(
    () => updateManifest(dir, (m) => m, { normalScores: new Float32Array([9]), basedOn: base }),
    /saved again while this change was computed/,
  );
  assert.deepEqual([...readSavedModel(dir).normalScores!], [1, 2, 3]);
});

test('old-layout model directories load, and a save over one converts it', () => {
  const dir = join(root, 'legacy');
  mkdirSync(dir);
  tidy(() => {
    saveTensors(join(dir, 'weights.bin'), { w: tensor(new Float32Array(4).fill(7), [4]) });
    saveTensors(join(dir, 'normal-scores.bin'), {
      scores: tensor(new Float32Array(10).fill(7), [10]),
    });
  });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      format: 'normalcy-model',
      formatVersion: 1,
      normalcyVersion: '0.1.0',
      savedAt: '2026-01-01T00:00:00Z',
      ...content(7),
    }),
  );
  assert.equal(loadGeneration(dir), 7);
  save(dir, 8);
  assert.equal(loadGeneration(dir), 8);
  assert.ok(!existsSync(join(dir, 'manifest.json')) && !existsSync(join(dir, 'weights.bin')));
});

test('a save refuses to take over a directory that is not a model', () => {
  const dir = join(root, 'not-a-model');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  assert.throws(() => save(dir, 1), /not-a-model: exists and is not a normalcy model directory/);
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
});

test('a flipped bit, a truncated file or a symbolic link is refused, naming the file', () => {
  const dir = join(root, 'corrupt');
  save(dir, 1, 1024);
  const weights = modelFilePath(dir, 'weights.bin');
  const good = readFileSync(weights);
  const flipped = Buffer.from(good);
  flipped[good.length - 100]! ^= 0x04;
  writeFileSync(weights, flipped);
  assert.throws(() => readSavedModel(dir), /weights\.bin: SHA-256 does not match the manifest/);
  writeFileSync(weights, good.subarray(0, 500));
  assert.throws(() => readSavedModel(dir), /weights\.bin: 500 bytes where the manifest records/);
  const outside = join(root, 'outside.bin');
  writeFileSync(outside, good);
  rmSync(weights);
  symlinkSync(outside, weights);
  assert.throws(() => readSavedModel(dir), /weights\.bin: is a symbolic link; refused/);
  rmSync(weights);
  mkdirSync(weights);
  assert.throws(() => readSavedModel(dir), /weights\.bin: is a directory where a file is expected/);
  rmSync(weights, { recursive: true });
  writeFileSync(weights, good);
  assert.equal(loadGeneration(dir), 1);
});

test('the manifest is validated by its schema, naming the field', () => {
  const dir = join(root, 'schema');
  save(dir, 1);
  const path = modelFilePath(dir);
  const original = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const attempt = (value: unknown, expected: RegExp) => {
    writeFileSync(path, JSON.stringify(value));
    assert.throws(() => readSavedModel(dir), expected);
  };
  attempt(null, /manifest\.json: the manifest must be a JSON object, found null/);
  attempt([], /manifest must be a JSON object/);
  attempt({ ...original, channels: 0 }, /field 'channels' Too small: expected number to be >=1/);
  attempt({ ...original, channels: '1' }, /field 'channels' expected number, received string/);
  attempt({ ...original, detector: 3 }, /field 'detector' expected string/);
  attempt({ ...original, config: null }, /field 'config' expected record/);
  attempt({ ...original, formatVersion: 9 }, /model format version 9 is not supported/);
  attempt(
    { ...original, config: { scaler: 'zscore' } },
    /field 'scaler' is missing, but config\.scaler is 'zscore'/,
  );
  attempt(
    { ...original, scaler: { kind: 'zscore', center: [0], scale: [0] } },
    /field 'scaler\.scale\.0' must be above 0/,
  );
  attempt(
    { ...original, files: { 'weights.bin': { sha256: 'xyz', bytes: 1 } } },
    /field 'files\.weights\.bin\.sha256' must be 64 hexadecimal digits/,
  );
  attempt({ ...original, files: {} }, /field 'files' must list the hash of weights\.bin/);
  attempt({ ...original, channelNames: ['a', 'b'] }, /field 'channelNames' names 2 channels/);
  attempt({ ...original, channelNames: [1] }, /field 'channelNames\.0' expected string/);
  attempt({ ...original, timeColumn: 5 }, /field 'timeColumn' expected string/);
  writeFileSync(path, JSON.stringify(original));
  assert.equal(loadGeneration(dir), 1);
});

test('a pointer to a missing or malformed version is refused clearly', () => {
  const dir = join(root, 'pointer');
  save(dir, 1);
  writeFileSync(join(dir, 'CURRENT'), '../../etc\n');
  assert.throws(() => readSavedModel(dir), /CURRENT: corrupt version pointer/);
  writeFileSync(join(dir, 'CURRENT'), 'v-0-1-ab\n');
  assert.throws(() => readSavedModel(dir), /the version CURRENT points to is missing/);
});

test('killed saves (SIGKILL at 50 seeded random points) always leave a complete model', async () => {
  const dir = join(root, 'crash');
  save(dir, 1, 64 * 1024);
  const child = join(packageRoot(), 'dist', 'test', 'helpers', 'save-loop.js');
  const rng = createRng(16);
  let generation = 2;
  let newer = 0;
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = spawn(process.execPath, [child, dir, String(generation)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // After the child's first finished save, kill it at a random point of the ones that follow.
    await new Promise<void>((resolve, reject) => {
      p.once('error', reject);
      p.stdout.once('data', () => resolve());
    });
    await new Promise((r) => setTimeout(r, rng.next() * 40));
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    // One of this child's generations, whole: never a mix, never nothing.
    const g = loadGeneration(dir);
    assert.ok(g >= generation, `generation ${g}, this child started at ${generation}`);
    if (g > generation) newer++;
    generation = g + 1000;
  }
  // Killed saves leave versions and pointer files of dead processes: the next save removes them.
  save(dir, generation);
  assert.equal(loadGeneration(dir), generation);
  const left = readdirSync(dir);
  assert.ok(left.length <= 3, `left: ${left.join(', ')}`);
  console.log(
    `crash test: 50 kills, 50 complete loads (${newer} after more than one save of the child)`,
  );
});

test('concurrent readers never see a mixed model while another process saves', async () => {
  const dir = join(root, 'concurrent');
  save(dir, 1, 64 * 1024);
  const child = join(packageRoot(), 'dist', 'test', 'helpers', 'save-loop.js');
  const p = spawn(process.execPath, [child, dir, '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  p.stdout.resume();
  const seen = new Set<number>();
  // Read while the child saves, until a few of its generations were seen (or 20 s).
  const until = Date.now() + 20_000;
  while (Date.now() < until && seen.size < 4) {
    seen.add(loadGeneration(dir));
    await new Promise((r) => setImmediate(r));
  }
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
  assert.ok(seen.size > 1, `only generations ${[...seen].join(', ')} seen`);
});
