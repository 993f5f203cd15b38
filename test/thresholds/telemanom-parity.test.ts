// Parity with telemanom: the ranges of TELEMANOM_THRESHOLD + telemanomStartup
// on fixed error arrays equal those of the reference port in
// bench/telemanom-parity.py (rerun `python3 bench/telemanom-parity.py fixtures`
// to regenerate test/thresholds/fixtures/telemanom-parity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/data/npy.js';
import { readSeries } from '../../src/data/read-series.js';
import { column } from '../../src/data/series.js';
import { packageRoot } from '../../src/version.js';
import {
  dynamicThreshold,
  TELEMANOM_THRESHOLD,
  telemanomStartup,
} from '../../src/thresholds/dynamic-threshold.js';
import { dataset } from '../helpers/datasets.js';

const FIXTURES = join(packageRoot(), 'test', 'thresholds', 'fixtures', 'telemanom-parity');
const INPUT = 250;
const HORIZON = 10;

interface ParityCase {
  name: string;
  kind: 'synthetic' | 'naive';
  steps: number;
  ranges: [number, number][];
}

const cases = (
  JSON.parse(readFileSync(join(FIXTURES, 'ranges.json'), 'utf8')) as { cases: ParityCase[] }
).cases;

function telemanomRanges(
  errors: ArrayLike<number>,
  values: ArrayLike<number>,
  flatten = true,
): [number, number][] {
  const startup = telemanomStartup(errors.length, INPUT);
  return dynamicThreshold(errors, {
    ...TELEMANOM_THRESHOLD,
    ...startup,
    flattenFirst: flatten ? startup.flattenFirst : 0,
    values,
    valuesHorizon: HORIZON,
  }).ranges;
}

for (const c of cases.filter((x) => x.kind === 'synthetic')) {
  test(`telemanom parity: ${c.name} (${c.steps} errors)`, () => {
    const errors = readNpy(join(FIXTURES, `${c.name}-errors.npy`)).data as Float32Array;
    const values = readNpy(join(FIXTURES, `${c.name}-values.npy`)).data as Float32Array;
    assert.equal(errors.length, c.steps);
    assert.deepEqual(telemanomRanges(errors, values), c.ranges);
  });
}

// Naive forecast yhat(t) = y(t - 1) on real channels: errors for t = 250 .. N - 11
// (N - 260 of them, as telemanom has), C-2 without the start-up flattening.
const naive = cases.filter((x) => x.kind === 'naive');
const haveData = existsSync(dataset('smap_msl', 'test', 'P-1.npy.gz'));
for (const c of naive) {
  test(
    `telemanom parity: naive forecast on ${c.name}`,
    { skip: !haveData && 'no smap_msl data' },
    () => {
      const y = column(readSeries(dataset('smap_msl', 'test', `${c.name}.npy.gz`)), 0);
      const n = y.length - INPUT - HORIZON;
      const errors = Float64Array.from({ length: n }, (_, i) =>
        Math.abs(y[INPUT + i]! - y[INPUT + i - 1]!),
      );
      const values = y.subarray(INPUT, INPUT + n + HORIZON - 1);
      assert.equal(n, c.steps);
      assert.deepEqual(telemanomRanges(errors, values, c.name !== 'C-2'), c.ranges);
    },
  );
}

test('the fixtures tell telemanom from the even layout', () => {
  // At least one case where the old settings (even windows, every point) differ.
  let differ = 0;
  for (const c of cases.filter((x) => x.kind === 'synthetic')) {
    const errors = readNpy(join(FIXTURES, `${c.name}-errors.npy`)).data as Float32Array;
    const even = dynamicThreshold(errors, {
      ...TELEMANOM_THRESHOLD,
      windowLayout: 'even',
      ...telemanomStartup(errors.length, INPUT),
    }).ranges;
    if (JSON.stringify(even) !== JSON.stringify(c.ranges)) differ++;
  }
  assert.ok(differ > 0);
});
