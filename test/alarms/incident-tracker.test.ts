import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IncidentTracker,
  detectIncidents,
  DriftGuard,
  pruneIncidents,
  rankChannels,
  bySeverity,
  type Incident,
} from '../../src/alarms/index.js';

/** Scores of 0.1 with the given steps set to `high`. */
function scoresWith(n: number, high: Record<number, number>): Float32Array {
  const s = new Float32Array(n).fill(0.1);
  for (const [k, v] of Object.entries(high)) s[Number(k)] = v;
  return s;
}

test('runs closer than mergeGap merge; farther runs stay apart', () => {
  const scores = scoresWith(40, { 5: 2, 6: 2, 9: 3, 20: 2, 21: 2 });
  const merged = detectIncidents(scores, { threshold: 1, rules: { mergeGap: 2 } }).incidents;
  assert.deepEqual(
    merged.map((i) => [i.start, i.end, i.peakStep]),
    [
      [5, 9, 9],
      [20, 21, 20],
    ],
  );
  const apart = detectIncidents(scores, { threshold: 1, rules: { mergeGap: 1 } }).incidents;
  assert.equal(apart.length, 3);
});

test('runs shorter than minLength are dropped', () => {
  const scores = scoresWith(30, { 3: 2, 10: 2, 11: 2, 12: 2 });
  const out = detectIncidents(scores, { threshold: 1, rules: { mergeGap: 0, minLength: 3 } });
  assert.deepEqual(
    out.incidents.map((i) => [i.start, i.end]),
    [[10, 12]],
  );
});

test('hysteresis: a run opens only above openAbove and keeps its earlier flagged steps', () => {
  const scores = scoresWith(30, { 2: 1.5, 10: 1.5, 11: 1.6, 12: 5, 13: 1.2 });
  const out = detectIncidents(scores, { threshold: 1, rules: { mergeGap: 0, openAbove: 4 } });
  assert.deepEqual(
    out.incidents.map((i) => [i.start, i.end, i.peak]),
    [[10, 13, 5]],
  );
});

test('the tracker fed step by step gives the batch incidents, opened before closed', () => {
  const scores = scoresWith(50, { 4: 2, 5: 3, 8: 2, 30: 4, 31: 4, 32: 4 });
  const batch = detectIncidents(scores, { threshold: 1, rules: { mergeGap: 3, minLength: 2 } });
  const tracker = new IncidentTracker({ threshold: 1, rules: { mergeGap: 3, minLength: 2 } });
  const opened: Incident[] = [];
  const closed: Incident[] = [];
  const openedAt: number[] = [];
  for (let t = 0; t < scores.length; t++) {
    const u = tracker.push({ step: t, score: scores[t]!, flagged: scores[t]! > 1 });
    if (u.opened) {
      opened.push(u.opened);
      openedAt.push(t);
    }
    if (u.closed) closed.push(u.closed);
  }
  const last = tracker.flush();
  if (last) closed.push(last);
  assert.deepEqual(closed, batch.incidents);
  assert.deepEqual(openedAt, [5, 31]); // the second flagged step meets minLength 2
  assert.equal(closed[0]!.end, 8);
  assert.throws(() => tracker.push({ step: 3, score: 0, flagged: false }), /not after/);
});

test('culprit channels: contributions summed over the incident, ranked with shares', () => {
  const n = 20;
  const scores = scoresWith(n, { 10: 2, 11: 2 });
  const contributions = new Float32Array(n * 3);
  for (let t = 0; t < n; t++) contributions.set([0.01, 0.01, 0.01], t * 3);
  contributions.set([0.2, 1.5, 0.3], 10 * 3);
  contributions.set([0.2, 0.5, 0.3], 11 * 3);
  const [incident] = detectIncidents(scores, {
    threshold: 1,
    contributions,
    channelNames: ['cpu', 'memory', 'latency'],
  }).incidents;
  assert.deepEqual(
    incident!.channels.map((c) => c.name),
    ['memory', 'latency', 'cpu'],
  );
  assert.ok(Math.abs(incident!.channels[0]!.share - 2 / 3) < 1e-6);
  const total = incident!.channels.reduce((a, c) => a + c.share, 0);
  assert.ok(Math.abs(total - 1) < 1e-9);
  assert.deepEqual(rankChannels([0, 0], ['a', 'b']), [
    { name: 'a', share: 0 },
    { name: 'b', share: 0 },
  ]);
});

test('severity in threshold margins and the p-value of the peak against normal scores', () => {
  const normal = Float32Array.from({ length: 99 }, (_, i) => i / 100); // median 0.49
  const scores = scoresWith(10, { 5: 2.47 });
  const [incident] = detectIncidents(scores, { threshold: 0.98, normalScores: normal }).incidents;
  // margin = 0.98 - 0.49; (2.47 - 0.98) / 0.49 = 3.04...
  assert.ok(Math.abs(incident!.severity - (2.47 - 0.98) / (0.98 - 0.49)) < 1e-5);
  assert.equal(incident!.pValue, 1 / 100);
  const order = bySeverity([
    { ...incident!, severity: 1, start: 3 },
    { ...incident!, severity: 4, start: 9 },
  ]);
  assert.deepEqual(
    order.map((i) => i.start),
    [9, 3],
  );
});

test('timestamps become ISO-8601 start and end times', () => {
  const t0 = Date.UTC(2024, 0, 1);
  const timestamps = Float64Array.from({ length: 10 }, (_, i) => t0 + i * 3600_000);
  const [incident] = detectIncidents(scoresWith(10, { 4: 2, 5: 2 }), {
    threshold: 1,
    timestamps,
  }).incidents;
  assert.equal(incident!.startTime, '2024-01-01T04:00:00.000Z');
  assert.equal(incident!.endTime, '2024-01-01T05:00:00.000Z');
  assert.deepEqual(JSON.parse(JSON.stringify(incident)), incident);
});

test('unscoreable (NaN) steps are never flagged', () => {
  const scores = scoresWith(10, { 5: 2 });
  scores.fill(NaN, 0, 3);
  const out = detectIncidents(scores, { threshold: -1, rules: { mergeGap: 0 } });
  assert.deepEqual(
    out.incidents.map((i) => [i.start, i.end]),
    [[3, 9]],
  );
});

test('telemanom pruning drops minor incidents beside a large one', () => {
  // The largest unflagged score (1.08) is within 13% of the minor peaks: they go.
  const scores = scoresWith(100, { 10: 1.2, 30: 1.25, 50: 10, 70: 1.22, 90: 1.08 });
  const { incidents } = detectIncidents(scores, { threshold: 1.1, prune: 0.13 });
  assert.deepEqual(
    incidents.map((i) => i.start),
    [50],
  );
  assert.equal(pruneIncidents([], scores, 0.13).length, 0);
});

test('drift guard: many incidents at a flag rate far above target become one finding', () => {
  const n = 3000;
  const scores = new Float32Array(n).fill(0.1);
  const t0 = Date.UTC(2024, 5, 1);
  const timestamps = Float64Array.from({ length: n }, (_, i) => t0 + i * 60_000);
  scores[300] = 2; // a genuine incident before the drift
  for (let t = 1500; t < n; t += 3) scores[t] = 2; // flickering after step 1500
  const out = detectIncidents(scores, {
    threshold: 1,
    timestamps,
    rules: { mergeGap: 1 },
    drift: { targetRate: 0.01, window: 500 },
  });
  assert.ok(out.drift);
  assert.equal(out.drift.reason, 'flag-rate');
  assert.equal(out.drift.since, 1500);
  assert.equal(out.drift.sinceTime, new Date(t0 + 1500 * 60_000).toISOString());
  assert.match(
    out.drift.message,
    /no longer looks like training since 2024-06-02T01:00:00.000Z: retrain or recalibrate/,
  );
  assert.deepEqual(
    out.incidents.map((i) => i.start),
    [300],
  );
  assert.ok(out.absorbed > 100);
});

test('drift guard: one long incident is an incident, not drift', () => {
  const scores = new Float32Array(3000).fill(0.1);
  scores.fill(3, 1500);
  const out = detectIncidents(scores, { threshold: 1, drift: { targetRate: 0.01, window: 500 } });
  assert.equal(out.drift, undefined);
  assert.equal(out.incidents.length, 1);
});

test('drift guard: scores shifted above the normal median while rarely flagged', () => {
  const normal = Float32Array.from({ length: 1000 }, (_, i) => i / 1000);
  const guard = new DriftGuard({ targetRate: 0.01, window: 200, normalScores: normal });
  let finding;
  for (let t = 0; t < 600 && !finding; t++) {
    const score = t < 300 ? (t % 100) / 100 : 0.8;
    finding = guard.push({ step: t, score, flagged: false });
  }
  assert.ok(finding);
  assert.equal(finding.reason, 'score-shift');
  // The finding dates from the start of the window that showed the shift.
  assert.ok(finding.detectedAt >= 300 && finding.since <= finding.detectedAt);
  assert.throws(() => new DriftGuard({ targetRate: 0 }), /targetRate/);
});

test('bad rules are refused with the field named', () => {
  assert.throws(() => new IncidentTracker({ threshold: 1, rules: { mergeGap: -1 } }), /mergeGap/);
  assert.throws(() => new IncidentTracker({ threshold: 1, rules: { minLength: 0 } }), /minLength/);
  assert.throws(
    () => detectIncidents(new Float32Array(3), { threshold: 1, flags: [1] }),
    /1 flags for 3 scores/,
  );
});
