// `normalcy score` on a CSV longer than a chunk: the scores file written chunk by chunk
// is byte for byte the one whole-series scoring writes, and a bad row far into the file
// fails with the file, the line and the problem, leaving no output behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { packageRoot } from '../../src/version.js';
import { createRng } from '../../src/data/random.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
/** The CLI in a child process (its own environment, as a user runs it). */
function runCli(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'normalcy-score-chunks-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** time,a,b rows of two noisy sines (b shifted by 2 over a stretch). */
function rows(n: number, seed: number, header = 'timestamp,a,b'): string {
  const rng = createRng(seed);
  const start = Date.UTC(2024, 0, 1);
  let text = header + '\n';
  for (let t = 0; t < n; t++) {
    const a = Math.sin(t / 3) + 0.05 * (rng.next() - 0.5);
    const b = Math.cos(t / 5) + 0.05 * (rng.next() - 0.5) + (t > 0.7 * n && t < 0.71 * n ? 2 : 0);
    text += `${new Date(start + t * 60_000).toISOString()},${a.toFixed(5)},${b.toFixed(5)}\n`;
  }
  return text;
}

const trainCsv = join(dir, 'train.csv');
writeFileSync(trainCsv, rows(3000, 1));
const long = join(dir, 'long.csv');
writeFileSync(long, rows(10_000, 2));

/** Runs score with NORMALCY_CHUNK_ROWS set; returns the result and the scores file. */
function score(model: string, data: string, chunkRows: number, ...extra: string[]) {
  const out = join(dir, `scores-${chunkRows}.csv`);
  rmSync(out, { force: true });
  const env = { NORMALCY_CHUNK_ROWS: String(chunkRows) };
  const r = runCli(env, 'score', '--model', model, '--data', data, '--out', out, ...extra);
  return { ...r, text: existsSync(out) ? readFileSync(out, 'utf8') : undefined };
}

for (const [detector, args] of [
  ['pca', ['--window', '10']],
  ['forecaster', ['--network', 'dense', '--window', '20', '--epochs', '1']],
] as const) {
  test(`score ${detector}: chunked output equals whole-series output, byte for byte`, () => {
    const model = join(dir, `model-${detector}`);
    const t = runCli(
      {},
      'train',
      '--detector',
      detector,
      ...args,
      '--data',
      trainCsv,
      '--seed',
      '1',
      '--out',
      model,
    );
    assert.equal(t.code, 0, t.stderr);
    const whole = score(model, long, 1_000_000);
    assert.equal(whole.code, 0, whole.stderr);
    const chunked = score(model, long, 1000);
    assert.equal(chunked.code, 0, chunked.stderr);
    assert.match(chunked.stdout, /10000 scores written/);
    assert.equal(chunked.text, whole.text);
    const lines = whole.text!.trim().split('\n');
    assert.equal(lines[0], 'step,timestamp,score,anomalous,contribution_a,contribution_b');
    assert.equal(lines.length, 10_001);
    assert.ok(
      lines.some((l) => l.split(',')[3] === '1'),
      'the shift is flagged',
    );
    if (detector !== 'pca') return;
    // Gzipped, and with the columns in another order: matched by name, said once.
    const swapped = join(dir, 'swapped.csv.gz');
    const text = readFileSync(long, 'utf8')
      .split('\n')
      .map((l) => {
        const [time, a, b] = l.split(',');
        return l === '' ? l : `${time},${b},${a}`;
      });
    writeFileSync(swapped, gzipSync(Buffer.from(text.join('\n'))));
    const reordered = score(model, swapped, 1000);
    assert.equal(reordered.code, 0, reordered.stderr);
    assert.equal(reordered.stderr.match(/reordered by name/g)?.length, 1, reordered.stderr);
    assert.equal(reordered.text, whole.text);
  });
}

test('score: a bad row far into a long file names the file and line; no output is left', () => {
  const model = join(dir, 'model-pca');
  const lines = readFileSync(long, 'utf8').split('\n');
  lines[9001] = lines[9001]!.replace(/,[^,]*$/, ',oops');
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, lines.join('\n'));
  const r = score(model, bad, 1000);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.csv line 9002: non-numeric cell 'oops' in column 'b'/);
  assert.equal(r.text, undefined);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('.normalcy-tmp')),
    [],
  );
  const zero = score(model, long, 0);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /NORMALCY_CHUNK_ROWS must be a positive integer/);
});
