import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEVELOPMENT_DRAW,
  selectSeries,
  seriesOrder,
  type SeriesNames,
} from '../../../src/pipelines/benchmarks/series-selection.js';
import { loadSeriesCases } from '../../../src/pipelines/benchmarks/series.js';
import { datasetsDir } from '../../helpers/datasets.js';

const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
const candidates: SeriesNames = { smap: names('S', 40), msl: names('M', 20), nab: names('N', 50) };
// Every third NAB file has no labelled window after its probation.
const eligible = (name: string) => Number(name.slice(2)) % 3 !== 0;
const all = (s: SeriesNames) => [...s.smap, ...s.msl, ...s.nab];

test('the holdout set continues the seeded order after the development draw', () => {
  const { chosen: dev } = selectSeries(candidates, eligible, 'development', 1, 5);
  const { chosen: held, development } = selectSeries(candidates, eligible, 'holdout', 1, 8);
  const order = seriesOrder(candidates, 1);
  const eligibleNab = order.nab.filter(eligible);
  assert.deepEqual(dev, development);
  assert.deepEqual(dev.smap, order.smap.slice(0, 5));
  assert.deepEqual(dev.nab, eligibleNab.slice(0, 10));
  assert.deepEqual(held.smap, order.smap.slice(5, 13));
  assert.deepEqual(held.msl, order.msl.slice(5, 13));
  assert.deepEqual(held.nab, eligibleNab.slice(10, 26));
  assert.ok(held.nab.every(eligible));
  assert.ok(all(held).every((n) => !all(dev).includes(n)));
});

test('a holdout draw with another seed still leaves out the seed-1 development draw', () => {
  const { development } = selectSeries(candidates, eligible, 'holdout', 1, 5);
  for (const seed of [2, 3, 7]) {
    // Big enough to exhaust MSL: everything outside the development draw is taken.
    const { chosen } = selectSeries(candidates, eligible, 'holdout', seed, 20);
    assert.equal(chosen.msl.length, candidates.msl.length - DEVELOPMENT_DRAW.perSource);
    assert.ok(
      all(chosen).every((n) => !all(development).includes(n)),
      `seed ${seed}`,
    );
    // A development run at that seed is its own draw and may overlap.
    const { chosen: dev } = selectSeries(candidates, eligible, 'development', seed, 5);
    assert.notDeepEqual(dev.smap, development.smap);
  }
});

test('the development draw is the one the defaults were chosen on (bench series, issue 13)', () => {
  const ctx = { out: '', seed: 1, quick: true, log: () => {}, dataDir: datasetsDir() };
  const dev = loadSeriesCases(ctx, DEVELOPMENT_DRAW.perSource, 'development').map((c) => c.name);
  assert.deepEqual(dev, [
    ...['D-1', 'E-7', 'F-1', 'G-7', 'T-1', 'D-15', 'F-8', 'M-1', 'M-6', 'P-14'],
    ...[
      'realAdExchange/exchange-4_cpm_results.csv',
      'realKnownCause/nyc_taxi.csv',
      'realTweets/Twitter_volume_KO.csv',
      'realTweets/Twitter_volume_AMZN.csv',
      'realTweets/Twitter_volume_AAPL.csv',
      'artificialWithAnomaly/art_load_balancer_spikes.csv',
      'realAdExchange/exchange-4_cpc_results.csv',
      'artificialWithAnomaly/art_increase_spike_density.csv',
      'realAWSCloudwatch/ec2_network_in_5abac7.csv',
      'realKnownCause/rogue_agent_key_hold.csv',
    ],
  ]);
  const held = loadSeriesCases(ctx, 2, 'holdout');
  assert.deepEqual(
    held.map((c) => c.source),
    ['smap', 'smap', 'msl', 'msl', 'nab', 'nab', 'nab', 'nab'],
  );
  assert.ok(held.every((c) => !dev.includes(c.name) && c.labels.includes(1)));
});
