// train -> detect / explain / score on the generated service metrics (timestamps,
// named columns, four faults), and the bad input around names and times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/version.js';
import { serviceMetricsCase, seriesToCsv } from '../../src/data/service-metrics.js';
import { readManifest } from '../../src/detectors/model-dir.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

const dir = mkdtempSync(join(tmpdir(), 'normalcy-detect-'));
const data = serviceMetricsCase({ trainSteps: 3000, testSteps: 2000, seed: 5 });
writeFileSync(join(dir, 'train.csv'), seriesToCsv(data.train, 'time'));
writeFileSync(join(dir, 'test.csv'), seriesToCsv(data.test, 'time'));
const model = join(dir, 'model');
/** A small dense forecaster on train.csv, with its time column. */
const trainModel = (out: string) =>
  run(
    'train',
    '--data',
    join(dir, 'train.csv'),
    '--time-column',
    'time',
    '--network',
    'dense',
    '--window',
    '12',
    '--epochs',
    '4',
    '--out',
    out,
  );

/** The test file with its columns in another order, renamed, or without the time column. */
function variant(name: string, edit: (header: string[], rows: string[][]) => void): string {
  const [head, ...lines] = readFileSync(join(dir, 'test.csv'), 'utf8').trim().split('\n');
  const header = head!.split(',');
  const rows = lines.map((l) => l.split(','));
  edit(header, rows);
  const path = join(dir, name);
  writeFileSync(path, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
  return path;
}

test('train: default detector, channel names and time column in the manifest', () => {
  const r = trainModel(model);
  assert.equal(r.status, 0, r.stderr);
  const m = readManifest(model);
  assert.equal(m.detector, 'forecaster');
  assert.deepEqual(m.channelNames, ['requests', 'cpu', 'memory', 'latency']);
  assert.equal(m.timeColumn, 'time');
  // 600 held-out scores for a 1% target: extrapolated, and said so with the numbers.
  assert.match(
    r.stderr,
    /held-out normal data has \d+ scores; a false-positive rate of 0.01 needs at least 1000/,
  );
});

test('detect: incidents.csv, incidents.json, a table, and the JSON line with times and culprits', () => {
  const out = join(dir, 'detect');
  const r = run(
    'detect',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--out',
    out,
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]!) as {
    incidents: {
      start: string;
      end: string;
      start_step: number;
      end_step: number;
      peak: number;
      severity: number;
      p_value: number;
      channels: { name: string; share: number }[];
    }[];
    threshold: { value: number; kind: string };
  };
  assert.ok(last.incidents.length >= 2, r.stdout);
  for (const i of last.incidents) {
    assert.match(i.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(i.end_step >= i.start_step);
    assert.ok(i.peak > last.threshold.value);
    assert.ok(i.p_value > 0 && i.p_value <= 1);
    assert.equal(i.channels.length, 4);
  }
  // Sorted by severity; the spike (latency) and the level shift (memory) are found
  // with the right culprit.
  const severities = last.incidents.map((i) => i.severity);
  assert.deepEqual(
    severities,
    [...severities].sort((a, b) => b - a),
  );
  for (const fault of data.faults.filter((f) => f.kind === 'spike' || f.kind === 'level-shift')) {
    const hit = last.incidents.find((i) => i.start_step <= fault.end && i.end_step >= fault.start);
    assert.ok(hit, `${fault.kind} at ${fault.start} not found`);
    assert.equal(hit.channels[0]!.name, fault.channel, fault.kind);
  }
  assert.match(r.stdout, /^\d+ incidents? over 20\d\d-/m);
  assert.match(r.stdout, /severity +p-value +top channels/);
  const csv = readFileSync(join(out, 'incidents.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, last.incidents.length + 1);
  assert.match(
    csv[0]!,
    /^start_step,end_step,start_time,end_time,steps,peak,peak_step,severity,p_value,channels$/,
  );
  const doc = JSON.parse(readFileSync(join(out, 'incidents.json'), 'utf8')) as {
    incidents: { startTime: string }[];
    rules: { mergeGap: number };
  };
  assert.equal(doc.incidents.length, last.incidents.length);
  assert.ok(doc.rules.mergeGap >= 12);
});

test('score: timestamp and contributions per channel; the first window is empty, not 0', () => {
  const out = join(dir, 'scores.csv');
  const r = run('score', '--model', model, '--data', join(dir, 'test.csv'), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const rows = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(
    rows[0],
    'step,timestamp,score,anomalous,contribution_requests,contribution_cpu,contribution_memory,contribution_latency',
  );
  assert.match(rows[1]!, /^0,2024-\d\d-\d\dT[\d:.]+Z,,,,,,$/);
  assert.match(rows[12]!, /^11,[^,]+,,,/);
  const first = rows[13]!.split(',');
  assert.ok(Number.isFinite(Number(first[2])) && first[2] !== '');
});

test('score: columns in another order are matched by name, with the same scores', () => {
  const swapped = variant('swapped.csv', (h, rows) => {
    for (const r of [h, ...rows]) [r[1], r[2]] = [r[2]!, r[1]!];
  });
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  assert.equal(
    run('score', '--model', model, '--data', join(dir, 'test.csv'), '--out', a).status,
    0,
  );
  const r = run('score', '--model', model, '--data', swapped, '--out', b);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /reordered by name/);
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
});

test('bad input: renamed column, unknown --columns, missing time column', () => {
  const renamed = variant('renamed.csv', (h) => {
    h[2] = 'cpu_pct';
  });
  const r1 = run('detect', '--model', model, '--data', renamed, '--out', join(dir, 'x'));
  assert.equal(r1.status, 1);
  assert.match(
    r1.stderr,
    /renamed.csv: column\(s\) 'cpu' that the model was trained on are missing/,
  );
  assert.match(r1.stderr, /'cpu_pct' is the same data renamed/);

  const r2 = run(
    'score',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--columns',
    'cpu,disk',
    '--out',
    join(dir, 'y.csv'),
  );
  assert.equal(r2.status, 2);
  assert.match(
    r2.stderr,
    /--columns: .*no column named 'disk' \(columns: time, requests, cpu, memory, latency\)/,
  );

  const noTime = variant('no-time.csv', (h, rows) => {
    for (const r of [h, ...rows]) r.shift();
  });
  const r3 = run('detect', '--model', model, '--data', noTime, '--out', join(dir, 'z'));
  assert.equal(r3.status, 1);
  assert.match(
    r3.stderr,
    /trained with time column 'time', which this file lacks.*pass --time-column/,
  );

  const r4 = run(
    'train',
    '--data',
    join(dir, 'train.csv'),
    '--time-column',
    'when',
    '--out',
    join(dir, 'm2'),
  );
  assert.equal(r4.status, 2);
  assert.match(r4.stderr, /--time-column: .*no timestamp column named 'when'/);
});

test('explain: ranked channels at a time, and per incident', () => {
  const spike = data.faults.find((f) => f.kind === 'spike')!;
  const at = new Date(data.test.timestamps![spike.start + 1]!).toISOString();
  const r = run(
    'explain',
    '--model',
    model,
    '--data',
    join(dir, 'test.csv'),
    '--at',
    at,
    '--top',
    '2',
    '--json',
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]!) as {
    step: number;
    channels: { name: string; share: number }[];
  };
  assert.equal(last.step, spike.start + 1);
  assert.equal(last.channels.length, 2);
  assert.equal(last.channels[0]!.name, 'latency');
  const all = run('explain', '--model', model, '--data', join(dir, 'test.csv'));
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout, /incident\(s\)/);
  const bad = run('explain', '--model', model, '--data', join(dir, 'test.csv'), '--at', '99999');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--at 99999: the series has 2000 steps/);
});

test('every option of every command states its default or that it is required', () => {
  const commands = run('--help')
    .stdout.split('Commands:')[1]!
    .split(/\n\n/)[0]!
    .match(/^  ([a-z-]+)/gm)!;
  const names = commands.map((c) => c.trim()).filter((c) => c !== 'help');
  assert.ok(names.includes('detect') && names.includes('explain'));
  for (const command of names) {
    const help = run(command, '--help').stdout;
    const options = help.split('Options:')[1]!.split(/\n\n/)[0]!;
    // One entry per option: the flag line and its wrapped continuation lines.
    const entries = options.split(/\n  (?=-)/).slice(1);
    for (const entry of entries) {
      if (/^-h, --help/.test(entry.trim())) continue;
      const flat = entry.replace(/\s+/g, ' ');
      const flag = flat.trim().split(' ')[0];
      const stated = /default|required/.test(flat) || /^--(model|data|out)\b/.test(flag!);
      assert.ok(stated, `${command} ${flag}: no default in "${flat}"`);
    }
  }
});

test('drifted data: one drift finding instead of many incidents; recalibrate on recent normal data', () => {
  // Noisier cpu and a higher memory baseline everywhere (a new deployment), seeded noise.
  let state = 11;
  const noise = () => ((state = (state * 48271) % 2147483647) / 2147483647 - 0.5) * 14;
  const drifted = variant('drifted.csv', (h, rows) => {
    for (const r of rows) {
      r[2] = String(Number(r[2]) + noise());
      r[3] = String(Number(r[3]) + 6);
    }
  });
  const out = join(dir, 'drift');
  const r = run('detect', '--model', model, '--data', drifted, '--out', out, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /the data no longer looks like training since 2024-.*: retrain or recalibrate/,
  );
  const lines = r.stdout.trim().split('\n');
  const last = JSON.parse(lines[lines.length - 1]!) as { incidents: unknown[]; drift?: object };
  assert.ok(last.drift);
  assert.ok(last.incidents.length <= 2, `${last.incidents.length} incidents`);

  const recent = join(dir, 'recent.csv');
  writeFileSync(recent, readFileSync(drifted, 'utf8').split('\n').slice(0, 801).join('\n') + '\n');
  const copy = join(dir, 'model-recalibrated');
  assert.equal(trainModel(copy).status, 0);
  const t = run('threshold', '--model', copy, '--recalibrate', recent, '--json');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /recalibrated on \d+ scores of .*recent.csv/);
  const after = run('detect', '--model', copy, '--data', drifted, '--out', join(dir, 'drift2'));
  assert.equal(after.status, 0, after.stderr);
  assert.doesNotMatch(after.stdout, /no longer looks like training/);
  const bad = run('threshold', '--model', copy, '--recalibrate', recent, '--value', '3');
  assert.equal(bad.status, 2);
});
