import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision, maskToRanges, rocAuc, vus } from '../../src/metrics/index.js';
import { close as closeTo } from '../helpers/close.js';
import { lcg } from '../helpers/lcg.js';

const close = (a: number, b: number, eps = 1e-9) => closeTo(a, b, eps);

const rng = lcg;

function sample(n: number, seed: number): { scores: Float64Array; labels: Uint8Array } {
  const r = rng(seed);
  const labels = new Uint8Array(n);
  for (let i = 5; i < n - 5; i += 25 + Math.floor(r() * 20))
    labels.fill(1, i, i + 1 + Math.floor(r() * 6));
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = Math.round((r() + 0.6 * labels[i]) * 20) / 20; // ties
  return { scores, labels };
}

// The definition, computed the slow way: every buffer length, every threshold,
// every point.
function slowVus(
  scores: Float64Array,
  labels: Uint8Array,
  L: number,
  T: number | 'all',
  existence: boolean,
) {
  const n = scores.length;
  const desc = Array.from(scores).sort((a, b) => b - a);
  const thr =
    T === 'all'
      ? [...new Set(desc)]
      : Array.from({ length: T }, (_, k) => desc[Math.floor((k * (n - 1)) / (T - 1))]);
  let P = 0;
  for (const v of labels) P += v;
  const roc: number[] = [];
  const pr: number[] = [];
  for (let l = 0; l <= L; l++) {
    const h = Math.floor(l / 2);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (labels[i]) {
        w[i] = 1;
        continue;
      }
      let d = Infinity;
      for (let j = 0; j < n; j++) if (labels[j]) d = Math.min(d, Math.abs(i - j));
      if (d <= h) w[i] = Math.sqrt(1 - d / l);
    }
    const buffered = maskToRanges(Uint8Array.from(w, (v) => (v > 0 ? 1 : 0)));
    const sumW = w.reduce((a, b) => a + b, 0);
    const pNew = (P + sumW) / 2;
    const F = [0];
    const R = [0];
    const Pr: number[] = [];
    for (const t of thr) {
      let tp = 0;
      let flagged = 0;
      for (let i = 0; i < n; i++)
        if (scores[i] >= t) {
          tp += w[i];
          flagged++;
        }
      let hit = 0;
      for (const r of buffered) {
        let any = false;
        for (let i = r.start; i <= r.end; i++) any ||= scores[i] >= t;
        if (any) hit++;
      }
      const rec = Math.min(1, tp / pNew);
      R.push(existence ? (rec * hit) / buffered.length : rec);
      F.push((flagged - tp) / (n - pNew));
      Pr.push(tp / flagged);
    }
    F.push(1);
    R.push(1);
    let a = 0;
    for (let k = 1; k < F.length; k++) a += ((F[k] - F[k - 1]) * (R[k] + R[k - 1])) / 2;
    let b = 0;
    for (let k = 0; k < Pr.length; k++) b += (R[k + 1] - R[k]) * Pr[k];
    roc.push(a);
    pr.push(b);
  }
  return { roc, pr };
}

test('VUS at buffer 0 without the existence factor is ROC AUC and average precision', () => {
  const { scores, labels } = sample(400, 3);
  const v = vus(scores, labels, { maxBuffer: 0, thresholds: 'all', existence: false });
  close(v.vusRoc, rocAuc(scores, labels), 1e-12);
  close(v.vusPr, averagePrecision(scores, labels), 1e-12);
});

test('VUS matches the slow definition (existence on, sampled and all thresholds)', () => {
  for (const [seed, T, existence] of [
    [1, 'all', true],
    [2, 30, true],
    [3, 'all', false],
  ] as const) {
    const { scores, labels } = sample(160, seed);
    const L = 9;
    const fast = vus(scores, labels, { maxBuffer: L, thresholds: T, existence });
    const slow = slowVus(scores, labels, L, T, existence);
    for (let l = 0; l <= L; l++) {
      close(fast.rocByBuffer[l], slow.roc[l]);
      close(fast.prByBuffer[l], slow.pr[l]);
    }
    close(fast.vusRoc, slow.roc.reduce((a, b) => a + b, 0) / (L + 1));
    close(fast.vusPr, slow.pr.reduce((a, b) => a + b, 0) / (L + 1));
  }
});

test('VUS hand case: the buffer softens a near miss', () => {
  // One labelled point at 3; the detector's top score sits next to it.
  const labels = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0]);
  const scores = Float64Array.from([0, 0, 0, 0.5, 1, 0, 0, 0]);
  const v = vus(scores, labels, { maxBuffer: 2, thresholds: 'all', existence: false });
  // l = 0, 1: plain ROC AUC, the label ranks second of 8 -> 6/7
  close(v.rocByBuffer[0], 6 / 7, 1e-12);
  close(v.rocByBuffer[1], 6 / 7, 1e-12);
  // l = 2: points 2 and 4 get sqrt(1/2); P' = 1 + sqrt(1/2), n - P' = 7 - sqrt(1/2)
  const s = Math.SQRT1_2;
  const pNew = 1 + s;
  const nNew = 8 - pNew;
  // thresholds 1 (flags 4), 0.5 (flags 3, 4), 0 (all)
  const pts = [
    [0, 0],
    [(1 - s) / nNew, s / pNew],
    [(2 - 1 - s) / nNew, Math.min(1, (1 + s) / pNew)],
    [(8 - 1 - 2 * s) / nNew, 1],
    [1, 1],
  ];
  let area = 0;
  for (let k = 1; k < pts.length; k++)
    area += ((pts[k][0] - pts[k - 1][0]) * (pts[k][1] + pts[k - 1][1])) / 2;
  close(v.rocByBuffer[2], area, 1e-12);
  assert.ok(v.rocByBuffer[2] > v.rocByBuffer[0]);
  close(v.vusRoc, (2 * (6 / 7) + area) / 3, 1e-12);
});

test('VUS refuses labels without anomalies and bad options', () => {
  assert.throws(() => vus([1, 2], new Uint8Array(2), { maxBuffer: 2 }), /no anomalous/);
  assert.throws(() => vus([1, 2], Uint8Array.from([1, 0]), { maxBuffer: -1 }), /maxBuffer/);
  assert.throws(
    () => vus([1, 2], Uint8Array.from([1, 0]), { maxBuffer: 1, thresholds: 1 }),
    /thresholds/,
  );
});
