import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataset, datasetsDir } from '../helpers/datasets.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { readNpy } from '../../src/data/npy.js';
import { numbers } from '../helpers/json-numbers.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function bench(name: string, out: string, ...extra: string[]) {
  const r = spawnSync(
    process.execPath,
    [cli, 'bench', name, '--quick', '--json', '--out', out, '--seed', '3', ...extra],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

function checkResults(out: string, name: string, summary: Record<string, unknown>) {
  assert.ok(existsSync(join(out, 'results.md')), 'results.md');
  const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
    benchmark: string;
    record: Record<string, unknown> & { machine: Record<string, unknown> };
    protocol: string[];
    published: Record<string, unknown>;
    results: Record<string, unknown>;
  };
  assert.equal(json.benchmark, name);
  const r = json.record;
  assert.equal(r.mode, 'quick');
  assert.equal(r.seed, 3);
  assert.match(String(r.gitCommit), /^([0-9a-f]{40}|unknown)$/);
  assert.equal(typeof r.gitDirty, 'boolean');
  assert.match(String(r.normalcyVersion), /^\d+\.\d+\.\d+/);
  assert.ok(Number(r.wallSeconds) > 0);
  assert.ok(Number(r.peakRssMiB) > 0);
  assert.ok(Number(r.machine.cpus) >= 1);
  assert.equal(typeof r.machine.cpuModel, 'string');
  assert.ok(Number(r.machine.memoryGiB) > 0);
  assert.ok(json.protocol.length >= 2);
  assert.ok(Object.keys(json.published).length > 0);
  for (const [path, v] of numbers(json.results)) assert.ok(Number.isFinite(v), `${path} = ${v}`);
  const md = readFileSync(join(out, 'results.md'), 'utf8');
  for (const s of ['## Protocol', '## Run record', 'git commit', 'peak memory', 'quick'])
    assert.ok(md.includes(s), `results.md lacks '${s}'`);
  assert.equal(summary.benchmark, name);
  assert.equal(summary.mode, 'quick');
  return json;
}

test('bench sine --quick: three forecasters separate the halves', () =>
  withTempDir('normalcy-bench-sine-', (out) => {
    const summary = bench('sine', out);
    const json = checkResults(out, 'sine', summary);
    // It trained in this process: the record says how torch ran.
    const engine = json.record.engine as {
      threads: number;
      chosenBy: string;
      ompWaitPolicy: string;
    };
    assert.ok(engine.threads >= 1);
    assert.ok(['auto', 'NORMALCY_THREADS'].includes(engine.chosenBy), engine.chosenBy);
    assert.equal(engine.ompWaitPolicy, process.env.OMP_WAIT_POLICY || 'PASSIVE');
    assert.match(readFileSync(join(out, 'results.md'), 'utf8'), /torch threads .*OMP_WAIT_POLICY=/);
    const results = json.results as Record<string, Record<string, number>>;
    for (const net of ['dense', 'lstm', 'gru']) {
      const r = results[net]!;
      assert.ok(r.aucRoc! > 0.5 && r.aucRoc! <= 1, `${net} AUC ${r.aucRoc}`);
      assert.ok(r.realisedFprValidation! <= 0.01, `${net} validation FPR`);
      assert.equal(typeof summary[net], 'number');
    }
  }));

test('bench nab --quick: 5 files in NAB layout, three profile scores', () =>
  withTempDir('normalcy-bench-nab-', (out) => {
    // --data-dir may point at the NAB folder itself.
    const summary = bench('nab', out, '--data-dir', dataset('nab'));
    const json = checkResults(out, 'nab', summary);
    const results = json.results as { files: number; scores: Record<string, number> };
    assert.equal(results.files, 5);
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
      assert.ok(Number.isFinite(results.scores[p]), p);
      assert.ok(results.scores[p]! <= 100, p);
    }
    // The entry and the baseline, each in NAB's layout.
    for (const detector of ['normalcyNoveltySurprise', 'normalcyWindowedLikelihood']) {
      const layout = join(out, detector);
      const written = readdirSync(layout).flatMap((cat) =>
        readdirSync(join(layout, cat)).map((f) => `${cat}/${f}`),
      );
      assert.equal(written.length, 5);
      assert.ok(written.every((f) => new RegExp(`/${detector}_.+\\.csv$`).test(f)));
      const first = readFileSync(join(layout, written[0]!), 'utf8').split('\n');
      assert.equal(first[0], 'timestamp,value,anomaly_score,label');
    }
    const baseline = (json.results as { baseline: { scores: Record<string, number> } }).baseline;
    assert.ok(Number.isFinite(baseline.scores.standard));
  }));

interface ImageBenchResults {
  protocol: string;
  classes: Record<
    string,
    Record<string, { aucRoc: { mean: number; std: number }; seeds: number[] }>
  >;
  meanAucRoc: Record<string, number>;
  runs: { detector: string; seed: number; aucRoc: number }[];
}

test('bench mnist --quick: every image detector on two digits, AUC-ROC beside Deep SVDD', () =>
  withTempDir('normalcy-bench-mnist-', (out) => {
    const summary = bench('mnist', out, '--data-dir', datasetsDir());
    const json = checkResults(out, 'mnist', summary);
    const results = json.results as unknown as ImageBenchResults;
    assert.equal(results.protocol, 'full');
    assert.deepEqual(Object.keys(results.classes), ['0', '1']);
    for (const d of ['cae-ocsvm', 'ocsvm', 'deep-svdd', 'cae-ocsvm (reconstruction error)']) {
      const m = results.meanAucRoc[d]!;
      assert.ok(m >= 0 && m <= 1, `${d} mean ${m}`);
      assert.deepEqual(results.classes['0']![d]!.seeds, [3]);
    }
    // Raw-pixel OC-SVM needs no training epochs: well above chance even on the quick slice.
    assert.ok(results.meanAucRoc.ocsvm! > 0.8, `ocsvm ${results.meanAucRoc.ocsvm}`);
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    for (const s of ['Deep SVDD (published)', 'OC-SVM (raw pixels) (published)', 'Wall seconds'])
      assert.ok(md.includes(s), s);
  }));

test('bench cifar10 --quick: development protocol, chosen classes, detectors and seeds', () =>
  withTempDir('normalcy-bench-cifar-', (out) => {
    const summary = bench(
      'cifar10',
      out,
      '--data-dir',
      datasetsDir(),
      '--classes',
      '8',
      '--seeds',
      '2',
      '--detectors',
      'ocsvm',
    );
    const json = checkResults(out, 'cifar10', summary);
    const results = json.results as unknown as ImageBenchResults;
    assert.equal(results.protocol, 'development');
    assert.deepEqual(Object.keys(results.classes), ['8']);
    assert.deepEqual(Object.keys(results.meanAucRoc), ['ocsvm']);
    const cell = results.classes['8']!.ocsvm!;
    assert.deepEqual(cell.seeds, [3, 4]);
    const runs = results.runs.map((r) => r.aucRoc);
    assert.equal(runs.length, 2);
    // Two seeds draw two different splits, so the std is that of two different AUCs.
    assert.ok(Math.abs(cell.aucRoc.std - Math.abs(runs[0]! - runs[1]!) / Math.SQRT2) < 1e-4);
    // Ships on raw pixels: the published OC-SVM reaches 74.9.
    assert.ok(cell.aucRoc.mean > 0.6, `ship ${cell.aucRoc.mean}`);
    assert.match(readFileSync(join(out, 'results.md'), 'utf8'), /8 \(ship\)/);
  }));

test('bench mnist --holdout --set: development protocol on the training split, a detector field set', () =>
  withTempDir('normalcy-bench-holdout-', (out) => {
    const summary = bench(
      'mnist',
      out,
      '--data-dir',
      datasetsDir(),
      '--holdout',
      '--classes',
      '1',
      '--detectors',
      'ocsvm',
      '--set',
      'ocsvm.normalization=minmax',
    );
    const json = checkResults(out, 'mnist', summary);
    const results = json.results as unknown as ImageBenchResults & {
      detectors: Record<string, Record<string, unknown>>;
      classes: Record<string, Record<string, { testImages: number }>>;
    };
    assert.equal(results.protocol, 'holdout');
    assert.equal(results.detectors.ocsvm!.normalization, 'minmax');
    // 20% of the 6,742 training ones held out, plus the quick sample of 600 other digits.
    assert.equal(results.classes['1']!.ocsvm!.testImages, 1348 + 600);
    assert.ok(json.protocol.some((p) => p.includes('the test split is not read')));
  }));

test('bench cifar10 refuses an unknown detector, class or --set, and --holdout without training images, with a usage error', () => {
  for (const [extra, message] of [
    [['--detectors', 'forecaster'], /--detectors: 'forecaster' is not an image detector/],
    [['--classes', '10'], /--classes: 10 is not a class/],
    [['--set', 'forecaster.epochs=1'], /--set: 'forecaster' is not an image detector/],
    [['--set', 'ocsvm-nu'], /--set must look like detector.field=value/],
    [['--holdout'], /--holdout: CIFAR-10 has no training split/],
  ] as const) {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'bench',
        'cifar10',
        '--quick',
        '--out',
        tmpdir(),
        '--data-dir',
        datasetsDir(),
        ...extra,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});

test('bench refuses an unknown benchmark with a usage error', () => {
  const r = spawnSync(process.execPath, [cli, 'bench', 'nope', '--out', tmpdir()], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /nope/);
});

test('bench smap-msl --quick: channels on workers, event counts, raw errors saved', () =>
  withTempDir('normalcy-bench-smap-', (out) => {
    const summary = bench('smap-msl', out, '--data-dir', datasetsDir(), '--workers', '2');
    const json = checkResults(out, 'smap-msl', summary);
    const results = json.results as {
      summary: Record<string, { channels: number; tp: number; fp: number; fn: number; f1: number }>;
      channels: { channel: string; tp: number; fn: number; labelled: unknown[] }[];
      workers: number;
    };
    assert.equal(results.workers, 2);
    const total = results.summary.total!;
    assert.equal(total.channels, 3);
    assert.equal(total.channels, results.summary.SMAP!.channels + results.summary.MSL!.channels);
    // Every labelled range is either found or missed.
    const labelled = results.channels.reduce((a, c) => a + c.labelled.length, 0);
    assert.equal(total.tp + total.fn, labelled);
    assert.ok(total.f1 >= 0 && total.f1 <= 1);
    for (const c of results.channels) {
      const errors = readNpy(join(out, 'errors', `${c.channel}.npy`));
      assert.equal(errors.dtype, 'float32');
      assert.ok(errors.shape[0]! > 0);
    }
  }));

test('bench smap-msl --channels, --hidden, --epochs, --train-shift, --set forecaster.* set the channels and the model', () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-bench-smap-'));
  try {
    const summary = bench(
      'smap-msl',
      out,
      '--data-dir',
      datasetsDir(),
      '--workers',
      '1',
      '--channels',
      'T-9',
      '--hidden',
      '8,4',
      '--epochs',
      '2',
      '--train-shift',
      '8',
      '--set',
      'forecaster.residual=true',
    );
    const json = checkResults(out, 'smap-msl', summary);
    const results = json.results as {
      net: { hidden: number[]; epochs: number; trainShift: number };
      forecaster: Record<string, unknown>;
      channels: { channel: string; epochs: number; bestEpoch: number }[];
    };
    assert.deepEqual(results.net, { hidden: [8, 4], epochs: 2, trainShift: 8 });
    assert.deepEqual(results.forecaster, { residual: true });
    assert.match(readFileSync(join(out, 'results.md'), 'utf8'), /residual: the network forecasts/);
    assert.deepEqual(
      results.channels.map((c) => c.channel),
      ['T-9'],
    );
    assert.ok(results.channels[0]!.epochs <= 2 && results.channels[0]!.bestEpoch >= 1);
    assert.ok(existsSync(join(out, 'errors', 'T-9.npy')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  for (const extra of [
    ['--channels', 'T-9,X-99'],
    ['--hidden', '32,0'],
    ['--set', 'amsl.epochs=2'],
    ['--set', 'forecaster.residual=3'],
    ['--ensemble', '0'],
  ]) {
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'bench',
        'smap-msl',
        '--quick',
        '--out',
        tmpdir(),
        '--data-dir',
        datasetsDir(),
        ...extra,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(
      r.stderr,
      /--channels: X-99 not a labelled channel|--hidden must be|--set: smap-msl runs the forecaster only, not amsl|residual|--ensemble must be/,
    );
  }
});

test("bench smap-msl --ensemble: the errors are the mean of the seeds' models, the threshold runs on them", () => {
  const tiny = ['--data-dir', datasetsDir(), '--workers', '1', '--channels', 'T-9'];
  const model = ['--hidden', '8', '--epochs', '2', '--train-shift', '8'];
  const dirs = [1, 2, 3].map(() => mkdtempSync(join(tmpdir(), 'normalcy-bench-smap-')));
  try {
    const [one, two, both] = dirs as [string, string, string];
    // bench() runs with --seed 3: the ensemble's models are seeds 3 and 4.
    bench('smap-msl', one, ...tiny, ...model);
    bench('smap-msl', two, ...tiny, ...model, '--seed', '4');
    const summary = bench('smap-msl', both, ...tiny, ...model, '--ensemble', '2');
    const json = checkResults(both, 'smap-msl', summary);
    assert.equal((json.results as { ensemble: number }).ensemble, 2);
    assert.match(json.protocol.join(' '), /an ensemble of 2 per channel, seeds 3\.\.4/);
    const errors = (dir: string) => readNpy(join(dir, 'errors', 'T-9.npy')).data as Float32Array;
    const [a, b, mean] = [errors(one), errors(two), errors(both)];
    assert.equal(mean.length, a.length);
    // The two seeds' models differ, and the ensemble's errors are their mean.
    assert.ok(a.some((v, i) => Math.abs(v - b[i]!) > 1e-3));
    for (let i = 0; i < mean.length; i++)
      assert.ok(Math.abs(mean[i]! - (a[i]! + b[i]!) / 2) < 1e-5, `step ${i}`);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test('bench dsads --quick: AMSL protocol metrics', () =>
  withTempDir('normalcy-bench-dsads-', (out) => {
    // --set amsl.*: early stopping on a held-out share; a min delta no epoch beats stops at 2.
    const summary = bench(
      'dsads',
      out,
      '--data-dir',
      datasetsDir(),
      ...['--set', 'amsl.epochs=5', '--set', 'amsl.patience=1', '--set', 'amsl.minDelta=1e9'],
      ...['--set', 'amsl.validationSplit=0.25'],
    );
    const json = checkResults(out, 'dsads', summary);
    const stop = json.results as { epochs: number; bestEpoch: number; stoppedEarly: boolean };
    assert.deepEqual([stop.epochs, stop.bestEpoch, stop.stoppedEarly], [2, 1, true]);
    assert.match(json.protocol.join(' '), /at most 5 epochs with early stopping/);
    const r = json.results as Record<string, number>;
    for (const k of ['accuracy', 'macroPrecision', 'macroRecall', 'mF1'])
      assert.ok(r[k]! >= 0 && r[k]! <= 1, `${k} ${r[k]}`);
    // mF1 is the harmonic mean of macro precision and macro recall.
    const hm = (2 * r.macroPrecision! * r.macroRecall!) / (r.macroPrecision! + r.macroRecall!);
    assert.ok(Math.abs(r.mF1! - hm) < 1e-5, `mF1 ${r.mF1} vs ${hm}`);
    assert.ok(readFileSync(join(out, 'results.md'), 'utf8').includes('0.9352'));
    // every person present is found; quick keeps the first
    const results = json.results as { persons: number[]; personsPresent: number[] };
    assert.deepEqual(results.personsPresent, [1, 2]);
    assert.deepEqual(results.persons, [1]);
    const perActivity = json.results as { perActivity: Record<string, { flagged: number }> };
    assert.ok(perActivity.perActivity['a05 (abnormal)']!.flagged >= 0);
    // beside ours, what the authors' batch-mean scoring would report
    const batch = (json.results as { authorsBatchMean: Record<string, number> }).authorsBatchMean;
    for (const k of ['accuracy', 'macroPrecision', 'macroRecall', 'mF1'])
      assert.ok(batch[k]! >= 0 && batch[k]! <= 1, `${k} ${batch[k]}`);
    // a person that is not there is named
    const missing = spawnSync(
      process.execPath,
      [
        cli,
        'bench',
        'dsads',
        '--quick',
        '--out',
        out,
        '--persons',
        '2,9',
        '--data-dir',
        datasetsDir(),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /no segments found for person 9/);
    const other = spawnSync(
      process.execPath,
      [cli, 'bench', 'dsads', '--quick', '--out', out, '--data-dir', datasetsDir()].concat([
        '--set',
        'geom.shift=2',
      ]),
      { encoding: 'utf8' },
    );
    assert.equal(other.status, 2, other.stderr);
    assert.match(other.stderr, /--set: dsads runs amsl only, not geom/);
  }));

test('bench fashion-mnist --quick: two classes from the Debian package, beside GEOM', () =>
  withTempDir('normalcy-bench-fashion-', (out) => {
    const summary = bench('fashion-mnist', out, '--detectors', 'ocsvm,cae-ocsvm');
    const json = checkResults(out, 'fashion-mnist', summary);
    const results = json.results as unknown as ImageBenchResults;
    assert.deepEqual(Object.keys(results.classes), ['0', '1']);
    for (const c of Object.values(results.classes))
      assert.ok(c.ocsvm!.aucRoc.mean > 0.5 && c.ocsvm!.aucRoc.mean <= 1);
    const md = readFileSync(join(out, 'results.md'), 'utf8');
    assert.match(md, /T-shirt\/top/);
    assert.match(md, /GEOM \(published\)/);
  }));

test('bench series --quick: detectors and auto on SMAP/MSL and NAB series, chosen on one half', () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-bench-series-'));
  const before = process.env.NORMALCY_SERIES_DETECTORS;
  process.env.NORMALCY_SERIES_DETECTORS = 'discord,pca,auto';
  try {
    const summary = bench('series', out, '--data-dir', datasetsDir());
    const json = checkResults(out, 'series', summary) as unknown as {
      results: {
        cases: { source: string; half: string }[];
        chosen: { family: string; variant: string }[];
        rows: { variant: string; error?: string; chose?: string }[];
      };
    };
    const r = json.results;
    assert.deepEqual([...new Set(r.cases.map((c) => c.source))].sort(), ['msl', 'nab', 'smap']);
    assert.ok(r.cases.some((c) => c.half === 'A') && r.cases.some((c) => c.half === 'B'));
    assert.deepEqual(r.chosen.map((c) => c.family).sort(), ['auto', 'discord', 'pca']);
    assert.ok(
      r.rows.every((row) => row.error === undefined),
      JSON.stringify(r.rows.find((x) => x.error)),
    );
    assert.ok(r.rows.filter((row) => row.variant === 'auto').every((row) => row.chose));
  } finally {
    if (before === undefined) delete process.env.NORMALCY_SERIES_DETECTORS;
    else process.env.NORMALCY_SERIES_DETECTORS = before;
    rmSync(out, { recursive: true, force: true });
  }
});

test('bench series --series-set holdout: defaults only, on set C, with the goal stated', () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-bench-series-c-'));
  const before = process.env.NORMALCY_SERIES_DETECTORS;
  process.env.NORMALCY_SERIES_DETECTORS = 'pca,auto';
  try {
    const summary = bench('series', out, '--data-dir', datasetsDir(), '--series-set', 'holdout');
    const json = checkResults(out, 'series', summary) as unknown as {
      results: {
        set: string;
        cases: { name: string; source: string; half: string }[];
        summary: { detector: string; variant: string; series: number }[];
        goal: { bestAucPr: { detector: string }; series: number; failures: unknown[] };
        rows: { error?: string }[];
      };
    };
    const r = json.results;
    assert.equal(r.set, 'holdout');
    assert.deepEqual(
      r.cases.map((c) => c.source),
      ['smap', 'msl', 'nab', 'nab'],
    );
    assert.ok(r.cases.every((c) => c.half === 'C'));
    // One row per detector, its defaults: no variants to choose among on C.
    assert.deepEqual(
      r.summary.map((s) => [s.variant, s.series]),
      [
        ['pca', 4],
        ['auto', 4],
      ],
    );
    assert.ok(r.rows.every((row) => row.error === undefined));
    assert.equal(r.goal.bestAucPr.detector, 'pca');
    assert.equal(r.goal.series, 4);
    assert.deepEqual(r.goal.failures, []);
    assert.match(readFileSync(join(out, 'results.md'), 'utf8'), /Goal \(auto at or above/);
  } finally {
    if (before === undefined) delete process.env.NORMALCY_SERIES_DETECTORS;
    else process.env.NORMALCY_SERIES_DETECTORS = before;
    rmSync(out, { recursive: true, force: true });
  }
});

test('bench series --series-set: an unknown set is a usage error naming the flag', () => {
  const r = spawnSync(
    process.execPath,
    [cli, 'bench', 'series', '--out', tmpdir(), '--series-set', 'test'],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--series-set/);
});
