// `normalcy stream`: one column of a CSV scored row by row by a streaming detector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/version.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

/** Hourly rows: a daily cycle, and a jump to 5 at row 900. */
function feed(dir: string): string {
  const lines = ['timestamp,value,other'];
  for (let i = 0; i < 1200; i++) {
    const t = new Date(Date.UTC(2021, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', '');
    const v = i === 900 ? 5 : Math.sin((2 * Math.PI * i) / 24) + 0.01 * ((i * 7919) % 13);
    lines.push(`${t},${v},${i % 3}`);
  }
  const path = join(dir, 'feed.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `stream` on the feed's value column. */
const streamValue = (data: string) => ['stream', '--data', data, '--column', 'value'];

/** Runs `check` on the feed in a fresh directory, removed afterwards. */
function withFeed(check: (dir: string, data: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-stream-'));
  try {
    check(dir, feed(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('stream: scores every row, the first ones learned only, and flags the jump', () =>
  withFeed((dir, data) => {
    const out = join(dir, 'scores.csv');
    const r = run(...streamValue(data), '--out', out, '--threshold', '0.3', '--json');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      rows: number;
      probation: number;
      alarms: number[];
    };
    assert.equal(summary.rows, 1200);
    assert.equal(summary.probation, 180); // 15% of 1200
    assert.deepEqual(summary.alarms, [900]);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'step,timestamp,value,score,alarm');
    assert.equal(lines.length, 1201);
    assert.equal(lines[901], `900,2021-02-07T12:00:00.000Z,5,${lines[901]!.split(',')[3]},1`);
    for (const line of lines.slice(1, 181)) assert.equal(line.split(',')[3], '0');

    // The baseline detector and an explicit probation.
    const r2 = run(
      'stream',
      '--data',
      data,
      '--column',
      '1',
      '--detector',
      'windowed-likelihood',
      '--probation',
      '50',
      '--out',
      join(dir, 'wl.csv'),
      '--json',
    );
    assert.equal(r2.status, 0, r2.stderr);
    assert.equal(JSON.parse(r2.stdout.trim().split('\n').at(-1)!).probation, 50);
  }));

test('stream: two value columns, a bad probation and a missing file are named', () =>
  withFeed((dir, data) => {
    const out = join(dir, 'scores.csv');
    const two = run('stream', '--data', data, '--out', out);
    assert.notEqual(two.status, 0);
    assert.match(
      two.stderr,
      /feed\.csv.*reads one column, the file has 2 \(value, other\).*--column/,
    );
    assert.ok(!existsSync(out), 'nothing written on error');
    const bad = run(...streamValue(data), '--probation', '0', '--out', out);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--probation must be a positive integer/);
    const missing = run('stream', '--data', join(dir, 'nope.csv'), '--out', out);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /nope\.csv/);
  }));

test('stream: any registered detector, its fields from --config, checked against its schema', () =>
  withFeed((dir, data) => {
    const config = join(dir, 'damp.yaml');
    writeFileSync(config, 'window: 24\nrest: 0\n');
    const out = join(dir, 'damp.csv');
    const r = run(
      ...streamValue(data),
      '--detector',
      'damp',
      '--config',
      config,
      '--threshold',
      '0.3',
      '--out',
      out,
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout.trim().split('\n').at(-1)!).alarms.includes(900));

    writeFileSync(config, 'window: 1.5\n');
    const bad = run(
      'stream',
      '--data',
      data,
      '--detector',
      'damp',
      '--config',
      config,
      '--out',
      out,
    );
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /damp\.yaml: damp config\.window: 1\.5 is not an integer >= 2 or one of auto/,
    );
    writeFileSync(config, 'widen: 0.1\nwindows: 3\n');
    const unknown = run('stream', '--data', data, '--config', config, '--out', out);
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stderr,
      /novelty-surprise config\.windows: unknown field \(known fields: valueBins/,
    );

    const help = run('stream', '--help');
    assert.equal(help.status, 0);
    for (const line of [
      'damp: streaming left discords',
      "window = 'auto' (an integer >= 2 or one of auto)",
      'suppress = 200 (an integer >= 0)',
      'valueBins = [5,10,20,40] (a list of integers >= 1)',
    ])
      assert.ok(help.stdout.includes(line), `--help lacks ${line}:\n${help.stdout}`);
  }));
