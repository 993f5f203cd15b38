// Exact seeded t-SNE: repeatable, and it keeps well-separated clusters apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tsne, subsampleIndices } from '../../src/report/tsne.js';
import { createRng } from '../../src/data/random.js';

/** Two Gaussian clusters of 60 points in 5 dimensions, 10 apart. */
function clusters(seed: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(120 * 5);
  for (let i = 0; i < 120; i++)
    for (let k = 0; k < 5; k++) out[i * 5 + k] = (i < 60 ? 0 : 10) + rng.next() - 0.5;
  return out;
}

test('t-SNE is repeatable for a seed and keeps two clusters apart', () => {
  const data = clusters(1);
  const a = tsne(data, 120, 5, { iterations: 300, perplexity: 20, seed: 3 });
  const b = tsne(data, 120, 5, { iterations: 300, perplexity: 20, seed: 3 });
  assert.deepEqual(a.x, b.x);
  assert.deepEqual(a.y, b.y);
  assert.ok(Number.isFinite(a.kl) && a.kl >= 0, `KL ${a.kl}`);
  // every point is nearer its own cluster's centre than the other's
  const centre = (from: number) => {
    let x = 0;
    let y = 0;
    for (let i = from; i < from + 60; i++) {
      x += a.x[i]!;
      y += a.y[i]!;
    }
    return [x / 60, y / 60] as const;
  };
  const c0 = centre(0);
  const c1 = centre(60);
  for (let i = 0; i < 120; i++) {
    const d0 = Math.hypot(a.x[i]! - c0[0], a.y[i]! - c0[1]);
    const d1 = Math.hypot(a.x[i]! - c1[0], a.y[i]! - c1[1]);
    assert.ok(i < 60 ? d0 < d1 : d1 < d0, `point ${i}`);
  }
  const other = tsne(data, 120, 5, { iterations: 50, seed: 4 });
  assert.notDeepEqual(other.x, a.x);
});

test('t-SNE refuses fewer than 2 points or a wrong data length', () => {
  assert.throws(() => tsne([1, 2], 1, 2), /at least 2 points/);
  assert.throws(() => tsne([1, 2, 3], 2, 2), /3 values for 2 points of 2/);
  const same = tsne(new Float64Array(20), 10, 2, { iterations: 20 });
  assert.ok(same.x.every(Number.isFinite));
});

test('subsampleIndices: all when few, else a seeded, sorted, distinct sample', () => {
  assert.deepEqual(Array.from(subsampleIndices(5, 10)), [0, 1, 2, 3, 4]);
  const s = subsampleIndices(10_000, 2000, 7);
  assert.equal(s.length, 2000);
  assert.equal(new Set(s).size, 2000);
  for (let i = 1; i < s.length; i++) assert.ok(s[i]! > s[i - 1]!);
  assert.deepEqual(s, subsampleIndices(10_000, 2000, 7));
  assert.notDeepEqual(s, subsampleIndices(10_000, 2000, 8));
});
