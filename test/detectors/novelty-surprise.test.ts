import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NoveltySurprise,
  scoreNoveltyStream,
} from '../../src/detectors/streaming/novelty-surprise.js';
import { createRng } from '../../src/data/random.js';

const HOUR = 3_600_000;

function noisySine(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from(
    { length: n },
    (_, i) => Math.sin((2 * Math.PI * i) / 48) + 0.05 * rng.next(),
  );
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

test('novelty-surprise: zero in probation, scores in [0, 1], peaks at a level shift', () => {
  const values = noisySine(3000, 3);
  for (let i = 2000; i < 3000; i++) values[i]! += 3;
  const scores = scoreNoveltyStream(values, { probation: 450 });
  assert.equal(scores.length, values.length);
  for (let i = 0; i < 450; i++) assert.equal(scores[i], 0);
  for (const s of scores) assert.ok(s >= 0 && s <= 1, String(s));
  assert.equal(argmax(scores), 2000);
  assert.ok(scores[2000]! > 0.5, `the shift scores ${scores[2000]}`);
  // The rest period: the rows right after the shift, new as they are, do not alarm again.
  for (let i = 2001; i < 2040; i++) assert.equal(scores[i], 0, `row ${i}`);
});

test('novelty-surprise: a settled series scores a novelty higher than a wandering one', () => {
  // Same jump, once in a stationary series and once in a rising one that keeps finding new ground.
  const stationary = noisySine(2500, 5);
  const walk = noisySine(2500, 5).map((v, i) => v + i / 100);
  for (const v of [stationary, walk]) v[2000] = v[1999]! + 5;
  // A large scale keeps both below the cap of 1.
  const config = { scoreScale: 1000 };
  const s1 = scoreNoveltyStream(stationary, { probation: 375, config });
  const s2 = scoreNoveltyStream(walk, { probation: 375, config });
  assert.ok(s1[2000]! < 1);
  assert.ok(s1[2000]! > s2[2000]!, `${s1[2000]} vs ${s2[2000]}`);
});

test('novelty-surprise: causal, deterministic, and the hour-of-day family sees the clock', () => {
  // A daily pattern: high by day, low by night; then a high value at night.
  const n = 24 * 60;
  const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * HOUR);
  const values = Float64Array.from(times, (t) => {
    const h = new Date(t).getUTCHours();
    return h >= 8 && h < 20 ? 10 : 0;
  });
  const night = 24 * 50 + 2; // 02:00 on day 50
  values[night] = 10;
  const probation = 24 * 9;
  const config = { hourBins: [5] };
  const withClock = scoreNoveltyStream(values, { probation, times, config });
  const without = scoreNoveltyStream(values, { probation, config });
  assert.equal(argmax(withClock), night);
  assert.ok(withClock[night]! > 0);
  assert.equal(without[night], 0, 'a value seen before is not new without the clock');
  assert.deepEqual(scoreNoveltyStream(values, { probation, times, config }), withClock);
  // Changing a later row changes no earlier score.
  const changed = Float64Array.from(values);
  changed[night + 100] = -50;
  const again = scoreNoveltyStream(changed, { probation, times, config });
  for (let i = 0; i < night + 100; i++) assert.equal(again[i], withClock[i]);
  // The streaming object gives the same scores one row at a time.
  const d = new NoveltySurprise(config, probation);
  for (let i = 0; i < n; i++)
    assert.equal(d.update(values[i]!, times[i]), withClock[i], `row ${i}`);
});

test('novelty-surprise: bad configuration and input are named', () => {
  assert.throws(() => new NoveltySurprise({ valueBins: [0] }), /valueBins/);
  assert.throws(
    () => new NoveltySurprise({ valueBins: [], hourBins: [], shape: null }),
    /at least one family/,
  );
  assert.throws(() => new NoveltySurprise({ rest: -1 }), /rest/);
  assert.throws(() => new NoveltySurprise({}, 0), /probation/);
  assert.throws(
    () => scoreNoveltyStream([1, 2, 3], { probation: 1, times: [1, 2] }),
    /2 timestamps for 3 values/,
  );
  const d = new NoveltySurprise({}, 2);
  assert.equal(d.update(NaN), 0);
  // A flat probation still gives a scale: any change is new.
  const flat = scoreNoveltyStream([...Array(100).fill(5), 5, 5, 7], { probation: 100 });
  assert.ok(flat[102]! > 0);
  assert.equal(flat[101], 0);
});
