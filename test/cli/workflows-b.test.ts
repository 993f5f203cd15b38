// The amsl and labelled-channels workflows, --quick, through the CLI: the files
// they write and the finite headline numbers of their summaries. Data: DSADS
// and SMAP from the shared datasets folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/version.js';
import { dataset } from '../helpers/datasets.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

const dir = mkdtempSync(join(tmpdir(), 'normalcy-workflows-b-'));

function config(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function summaryOf(out: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
}

function assertFiles(out: string, names: string[]): void {
  for (const name of names) {
    const p = join(out, name);
    assert.ok(existsSync(p), `${p} is missing`);
    assert.ok(statSync(p).size > 0, `${p} is empty`);
  }
}

function assertFinite(obj: Record<string, unknown>, keys: string[]): void {
  for (const k of keys)
    assert.ok(Number.isFinite(obj[k]), `${k} is not a finite number: ${String(obj[k])}`);
}

test('workflow amsl --quick: split, AMSL, 98th-percentile threshold, macro metrics', () => {
  const cfg = config('amsl.yaml', [
    `dsads: ${dataset('dsads')}`,
    'persons: [1, 2]',
    'model:',
    '  hidden: [32, 16, 16]',
    '  epochs: 5',
  ]);
  const out = join(dir, 'amsl-out');
  const r = run('workflow', 'amsl', '--config', cfg, '--out', out, '--quick', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  assertFiles(out, [
    'metrics.csv',
    'activities.csv',
    'train-scores.csv',
    'test-scores.csv',
    'test-scores.png',
    'roc.svg',
    'summary.json',
  ]);
  const s = summaryOf(out);
  assert.equal(s.quick, true);
  assert.deepEqual(s.persons, [1]);
  assertFinite(s, ['accuracy', 'macroPrecision', 'macroRecall', 'mF1', 'aucRoc', 'threshold']);
  for (const k of ['accuracy', 'macroPrecision', 'macroRecall', 'mF1'])
    assert.ok((s[k] as number) >= 0 && (s[k] as number) <= 1, `${k} = ${String(s[k])}`);
  // Quick: 1 epoch of the tiny network whatever the config says.
  assert.equal(s.epochs, 1);
  // 4 segments x 19 activities of one person: 56 normal (60% train), 20 abnormal.
  assert.equal(s.train, 34);
  assert.equal(s.testNormal, 22);
  assert.equal(s.testAbnormal, 20);
  const metrics = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
  assert.equal(metrics.length, 2);
  assert.match(metrics[0]!, /accuracy,macro_precision,macro_recall,mF1/);
  const test = readFileSync(join(out, 'test-scores.csv'), 'utf8').trim().split('\n');
  assert.equal(test[0], 'activity,person,segment,label,score,flagged');
  assert.equal(test.length, 1 + 42);
  // The train scores are cut at their 98th percentile: at most 2% (here 1 of 34) above it.
  const train = readFileSync(join(out, 'train-scores.csv'), 'utf8').trim().split('\n').slice(1);
  assert.equal(train.length, 34);
  assert.ok(train.filter((l) => l.endsWith(',1')).length <= 1);
});

test('workflow labelled-channels --quick: telemanom labels, forecaster, dynamic threshold, charts', () => {
  const cfg = config('channels.yaml', [
    `labels: ${dataset('smap_msl', 'labeled_anomalies.csv')}`,
    `data: ${dataset('smap_msl')}`,
    'channels: [S-1, P-1]',
  ]);
  const out = join(dir, 'channels-out');
  const r = run('workflow', 'labelled-channels', '--config', cfg, '--out', out, '--quick');
  assert.equal(r.status, 0, r.stderr);
  const files = [
    'scores.csv',
    'incidents.json',
    'thresholds.csv',
    'thresholds.png',
    'roc.png',
    'scores.png',
    'scores.svg',
    'tsne-before.png',
    'tsne-after.png',
  ];
  assertFiles(out, ['channels.csv', 'summary.json', ...files.map((f) => join('S-1', f))]);
  assert.ok(!existsSync(join(out, 'P-1')), 'quick runs only the first channel');
  const s = summaryOf(out);
  const channels = s.channels as Record<string, unknown>[];
  assert.equal(channels.length, 1);
  const c = channels[0]!;
  assert.equal(c.channel, 'S-1');
  // S-1's one labelled range [5300, 5747], in test-series steps.
  assert.deepEqual(c.labelled, [[5300, 5747]]);
  assertFinite(c, ['aucRoc', 'bestF1', 'tp', 'fp', 'fn', 'finalLoss']);
  assertFinite(c.breakEven as Record<string, unknown>, ['threshold', 'value', 'recall']);
  assert.equal((c.tp as number) + (c.fn as number), 1);
  const events = s.events as Record<string, unknown>;
  assertFinite(events, ['tp', 'fp', 'fn', 'precision', 'recall', 'f1']);
  const table = readFileSync(join(out, 'S-1', 'thresholds.csv'), 'utf8').split('\n');
  assert.equal(table[0], 'threshold,detection_ratio,recall,precision,f1,tp,fp,tn,fn');
  const scores = readFileSync(join(out, 'S-1', 'scores.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(scores[0], 'step,value,error,smoothed_error,epsilon,label,flagged');
  for (const line of scores.slice(1, 50))
    assert.ok(
      line.split(',').every((v) => Number.isFinite(Number(v))),
      line,
    );
});

test('workflow labelled-channels reads a per-channel range table; bad configs exit 2', () => {
  const table = join(dir, 'ranges.csv');
  writeFileSync(
    table,
    'chan_id,num_values,num_true_anoms,start1,end1,start2,end2\nE-1,8516,2,5000,5030,5610,6086\n',
  );
  const cfg = config('table.yaml', [
    `labels: ${table}`,
    `data: ${dataset('smap_msl')}`,
    'channels: [E-1]',
    'tsne:',
    '  iterations: 50',
  ]);
  const out = join(dir, 'table-out');
  const r = run('workflow', 'labelled-channels', '--config', cfg, '--out', out, '--quick');
  assert.equal(r.status, 0, r.stderr);
  const c = (summaryOf(out).channels as Record<string, unknown>[])[0]!;
  assert.equal(c.channel, 'E-1');
  // The quick slice ends 300 steps after the first labelled range, before the second.
  assert.deepEqual(c.labelled, [[5000, 5030]]);

  const unknown = config('unknown.yaml', [`labels: ${table}`, `data: ${dir}`, 'window: 3']);
  const bad = run('workflow', 'labelled-channels', '--config', unknown, '--out', out, '--quick');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /config\.window: unknown field/);
  const badModel = config('bad-model.yaml', [`dsads: ${dir}`, 'model:', '  hidden: 3']);
  const bad2 = run('workflow', 'amsl', '--config', badModel, '--out', out, '--quick');
  assert.equal(bad2.status, 2);
  assert.match(bad2.stderr, /config\.model\.hidden/);
  const missing = config('missing.yaml', [`labels: ${table}`, `data: ${dir}`, 'channels: [X-9]']);
  const bad3 = run('workflow', 'labelled-channels', '--config', missing, '--out', out, '--quick');
  assert.equal(bad3.status, 2);
  assert.match(bad3.stderr, /no label row for X-9/);
});
