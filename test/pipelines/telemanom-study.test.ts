import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/data/random.js';
import { createSeries } from '../../src/data/series.js';
import type { IndexRange } from '../../src/data/ranges.js';
import { telemanomEvents, telemanomThreshold } from '../../src/pipelines/telemanom.js';
import {
  BASELINE_VARIANT,
  chooseAndReport,
  crossTotal,
  evaluateVariants,
  studyGrid,
  UNION_VARIANT,
  MEAN_VARIANT,
  type StudyRow,
  type StudyVariant,
} from '../../src/pipelines/telemanom-study.js';

const layout = { start: 250, horizon: 10, window: 250 };

/** Errors of low noise with a burst of 0.8 at each given error index (20 steps). */
function row(group: string, seed: number, bursts: number[], labelled: IndexRange[]): StudyRow {
  const n = 3000;
  const rng = createRng(seed);
  const errors = new Float32Array(n);
  for (let i = 0; i < n; i++) errors[i] = 0.02 * rng.next();
  for (const b of bursts) errors.fill(0.8, b, b + 20);
  const values = new Float32Array(layout.start + n + layout.horizon);
  for (let t = 0; t < values.length; t++) values[t] = Math.sin(t / 20);
  return {
    channel: `${group}-${seed}`,
    group,
    labelled,
    errors,
    test: createSeries({ data: values, channels: 1 }),
    layout,
  };
}

const variants: StudyVariant[] = [
  BASELINE_VARIANT,
  { name: 'merge 300', threshold: {}, rules: { mergeGap: 300 } },
  { name: 'min length 300', threshold: {}, rules: { minLength: 300 } },
];

test('study: the baseline counts as telemanom; the rules change the flagged ranges', () => {
  // Two bursts 450 steps apart outside the labelled range: two false alarms.
  const r = row('A', 1, [1200, 1650], [[2800, 2900]]);
  const direct = telemanomThreshold(r.errors, r.test, r.layout);
  assert.equal(direct.ranges.length, 2);
  const gap = direct.ranges[1]![0] - direct.ranges[0]![1] - 1;
  assert.ok(gap > 0 && gap <= 300, `gap ${gap}`);
  const results = evaluateVariants([r], variants);
  const base = results.get('telemanom')!.A!;
  const expected = telemanomEvents(direct.ranges, r.labelled);
  assert.deepEqual([base.tp, base.fp, base.fn], [expected.tp, expected.fp, expected.fn]);
  assert.deepEqual([base.tp, base.fp, base.fn], [0, 2, 1]);
  // Merging the two close ranges leaves one false alarm; ranges shorter than 300 go.
  const merged = results.get('merge 300')!.A!;
  assert.deepEqual([merged.tp, merged.fp, merged.fn], [0, 1, 1]);
  const long = results.get('min length 300')!.A!;
  assert.deepEqual([long.tp, long.fp, long.fn], [0, 0, 1]);
  assert.deepEqual(results.get('telemanom')!.total, base);
});

test('study: a variant is chosen on one group and reported on the other', () => {
  const rows = [
    // A: one found anomaly and two close false alarms (merging helps).
    row('A', 2, [600, 1200, 1650], [[850, 900]]),
    // B: one found anomaly, no false alarm.
    row('B', 3, [2000], [[2250, 2300]]),
  ];
  const results = evaluateVariants(rows, variants);
  const aToB = chooseAndReport(results, variants, 'A', 'B');
  assert.equal(aToB.variant, 'merge 300');
  assert.ok(aToB.onChosen.f1 > aToB.baselineOnChosen.f1);
  assert.deepEqual(aToB.onReported, results.get('merge 300')!.B);
  // On B nothing beats the baseline, and a tie keeps it.
  const bToA = chooseAndReport(results, variants, 'B', 'A');
  assert.equal(bToA.variant, 'telemanom');
  const cross = crossTotal(aToB, bToA);
  assert.equal(cross.tp, aToB.onReported.tp + bToA.onReported.tp);
  assert.equal(cross.fp, aToB.onReported.fp + bToA.onReported.fp);
  assert.equal(cross.rows, 2);
  assert.throws(() => chooseAndReport(results, variants, 'A', 'C'), /group C/);
});

test('study grid: the baseline first, names unique', () => {
  const grid = studyGrid();
  assert.equal(grid[0], BASELINE_VARIANT);
  assert.equal(new Set(grid.map((v) => v.name)).size, grid.length);
  assert.ok(grid.length > 100);
});

test('study: the union variant flags what either run flags, the mean variant what their mean error shows; both need the partner errors', () => {
  // Run 1 sees the anomaly at 1200 (labelled), run 2 the one at 2000 (labelled) and a
  // false alarm at 600: the union finds both anomalies and keeps run 2's false alarm.
  const labelled: IndexRange[] = [
    [1400, 1500],
    [2200, 2300],
  ];
  const first = row('A', 2, [1200], labelled);
  const second = row('A', 3, [600, 2000], labelled);
  const united = { ...first, partnerErrors: [second.errors] };
  const results = evaluateVariants([united], [BASELINE_VARIANT, UNION_VARIANT, MEAN_VARIANT]);
  const alone = results.get(BASELINE_VARIANT.name)!.A!;
  assert.deepEqual([alone.tp, alone.fp, alone.fn], [1, 0, 1]);
  const union = results.get(UNION_VARIANT.name)!.A!;
  assert.deepEqual([union.tp, union.fp, union.fn], [2, 1, 0]);
  // The mean: each burst at half height (0.4) still stands far above the noise.
  const mean = results.get(MEAN_VARIANT.name)!.A!;
  const direct = telemanomThreshold(
    first.errors.map((e, i) => (e + second.errors[i]!) / 2),
    first.test,
    first.layout,
  );
  const expected = telemanomEvents(direct.ranges, labelled);
  assert.deepEqual([mean.tp, mean.fp, mean.fn], [expected.tp, expected.fp, expected.fn]);
  assert.equal(mean.tp, 2);
  assert.throws(
    () => evaluateVariants([first], [UNION_VARIANT]),
    /A-2: a union variant needs the partner run's errors/,
  );
  assert.throws(
    () => evaluateVariants([{ ...first, partnerErrors: [new Float32Array(5)] }], [MEAN_VARIANT]),
    /A-2: the runs' errors: error arrays of 3000 and 5 steps/,
  );
  assert.throws(
    () => evaluateVariants([united], [{ ...UNION_VARIANT, rules: { mergeGap: 100 } }]),
    /a partner variant takes no alarms rules/,
  );
});

test('study: several partner runs: the union flags what any run flags, the mean averages all of them', () => {
  const labelled: IndexRange[] = [
    [1400, 1500],
    [2200, 2300],
  ];
  // Each run sees one labelled anomaly or a false alarm the others do not.
  const runs = [
    row('A', 2, [1200], labelled),
    row('A', 3, [2000], labelled),
    row('A', 4, [600], labelled),
  ];
  const [first, ...others] = runs as [StudyRow, ...StudyRow[]];
  const withAll = { ...first, partnerErrors: others.map((r) => r.errors) };
  const results = evaluateVariants([withAll], [BASELINE_VARIANT, UNION_VARIANT, MEAN_VARIANT]);
  const union = results.get(UNION_VARIANT.name)!.A!;
  assert.deepEqual([union.tp, union.fp, union.fn], [2, 1, 0]);
  const mean = results.get(MEAN_VARIANT.name)!.A!;
  const direct = telemanomThreshold(
    first.errors.map((e, i) => (e + runs[1]!.errors[i]! + runs[2]!.errors[i]!) / 3),
    first.test,
    first.layout,
  );
  const expected = telemanomEvents(direct.ranges, labelled);
  assert.deepEqual([mean.tp, mean.fp, mean.fn], [expected.tp, expected.fp, expected.fn]);
  // A partner list that is empty is no partner at all.
  assert.throws(
    () => evaluateVariants([{ ...first, partnerErrors: [] }], [MEAN_VARIANT]),
    /A-2: a mean variant needs the partner run's errors/,
  );
});

test('telemanom-study script: a directory without errors/ is refused, naming the flag', () => {
  const script = fileURLToPath(new URL('../../bench/telemanom-study.js', import.meta.url));
  const empty = mkdtempSync(join(tmpdir(), 'normalcy-study-'));
  try {
    const r = spawnSync(process.execPath, [script, '--results', empty, '--with', '/no/such/run'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--results .*: no errors\/ folder there/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
