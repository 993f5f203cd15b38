// The live-scoring check of the conformance suite: a detector's stream() against its batch
// score(), row by row, with a saved state restored halfway.
import assert from 'node:assert/strict';
import { sliceRows, type Series } from '../../src/data/series.js';
import type { Detector } from '../../src/detectors/detector.js';
import type { StreamState } from '../../src/detectors/stream-scorer.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 + 2e-4 * Math.abs(b);

/**
 * Pushes x row by row: each score must equal batch scoring of the rows so far at its newest
 * step (checked at every 7th row and the last rows), and the full series' score at the last
 * row; null only where batch scoring of the rows so far gives nothing (too short) or 0. A
 * state saved halfway and restored continues with the same scores; the state stops growing.
 */
export function streamMatchesBatch(d: Detector, x: Series): void {
  const live = d.stream();
  const scores: (number | null)[] = [];
  const half = Math.floor(x.length / 2);
  let saved = '';
  for (let t = 0; t < x.length; t++) {
    scores.push(live.push(x.data.subarray(t * x.channels, (t + 1) * x.channels)).score);
    if (t === half - 1) saved = JSON.stringify(live.saveState());
  }
  // Rows pushed several at a time give the same points.
  const many = d.stream();
  for (let t = 0; t < Math.min(x.length, 400); t += 64) {
    const end = Math.min(t + 64, x.length, 400);
    many.pushMany(x.data.slice(t * x.channels, end * x.channels)).forEach((p, k) => {
      const s = scores[t + k]!;
      assert.ok(p.score === s || close(p.score!, s), `pushMany row ${t + k}: ${p.score} vs ${s}`);
    });
  }
  const full = d.score(x);
  const last = x.length - 1;
  assert.ok(
    close(scores[last]!, full[last]!),
    `last row: stream ${scores[last]}, batch ${full[last]}`,
  );
  for (let t = 0; t < x.length; t++) {
    if (t % 7 !== 0 && t < last - 8) continue;
    let batch: number | null;
    try {
      batch = d.score(sliceRows(x, 0, t + 1))[t]!;
    } catch {
      batch = null;
    }
    const s = scores[t]!;
    if (s === null)
      assert.ok(batch === null || batch === 0, `row ${t}: stream null, batch ${batch}`);
    else assert.ok(batch !== null && close(s, batch), `row ${t}: stream ${s}, batch ${batch}`);
  }
  // Restored halfway, the scorer goes on as if never stopped.
  const resumed = d.stream({ state: JSON.parse(saved) as StreamState });
  for (let t = half; t < x.length; t++) {
    const s = resumed.push(x.data.subarray(t * x.channels, (t + 1) * x.channels)).score;
    assert.ok(s === scores[t] || close(s!, scores[t]!), `resumed row ${t}: ${s} vs ${scores[t]}`);
  }
  // Bounded memory: past the scorer's capacity, more rows leave the state no larger.
  assert.ok(Number.isInteger(live.capacity) && live.capacity >= 1);
  const once = JSON.stringify(resumed.saveState()).length;
  for (let t = 0; t < half; t++)
    resumed.push(x.data.subarray(t * x.channels, (t + 1) * x.channels));
  const twice = JSON.stringify(resumed.saveState()).length;
  if (live.capacity < x.length)
    assert.ok(twice <= once * 1.05 + 100, `state grew from ${once} to ${twice} chars`);
  const bad = new Float32Array(x.channels).fill(NaN);
  assert.throws(() => resumed.push(bad), /channel 0: NaN is not a finite number/);
  assert.throws(() => resumed.push(new Float32Array(x.channels + 1)), /expected \d+ value/);
}
