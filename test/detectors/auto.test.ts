import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDetector, loadDetector } from '../../src/detectors/registry.js';
import { readManifest } from '../../src/detectors/model-dir.js';
import { memberScale, type AutoDetector } from '../../src/detectors/auto.js';
import { createSeries, sliceRows } from '../../src/data/series.js';
import { createRng } from '../../src/data/random.js';
import { injectAnomalies, UNIVARIATE_KINDS } from '../../src/data/inject.js';

function signal(n: number, seed: number, at = -1): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const ph = (2 * Math.PI * i) / 40;
    const flip = at >= 0 && i >= at && i < at + 40 ? -1 : 1;
    x[i] = Math.sin(ph) + flip * 0.5 * Math.sin(2 * ph) + 0.05 * (rng.next() - 0.5);
  }
  return x;
}

test('every anomaly kind changes the series inside its labels only', () => {
  const x = createSeries({ data: signal(2000, 1), channels: 1 });
  for (const kind of UNIVARIATE_KINDS) {
    const { series, labels, injections } = injectAnomalies(x, kind, {
      count: 3,
      minLength: 20,
      maxLength: 80,
      rng: createRng(2),
    });
    assert.equal(injections.length, 3);
    let changedOutside = 0;
    let changedInside = 0;
    for (let t = 0; t < x.length; t++) {
      const diff = series.data[t] !== x.data[t];
      if (diff && !labels[t]) changedOutside++;
      if (diff && labels[t]) changedInside++;
    }
    assert.equal(changedOutside, 0, kind);
    assert.ok(changedInside > 0, kind);
  }
});

function topStep(s: Float32Array): number {
  let top = 0;
  for (let i = 1; i < s.length; i++) if (s[i]! > s[top]!) top = i;
  return top;
}

test('auto by default averages discord and pca at the period, each divided by its held-out spread', async () => {
  const d = createDetector('auto', { maxHeldOut: 2000 }) as AutoDetector;
  const train = createSeries({ data: signal(4000, 3), channels: 1 });
  await d.fit(train, { seed: 5 });
  const choice = d.choice!;
  assert.equal(choice.select, 'fixed');
  assert.equal(choice.refit, false);
  assert.equal(choice.kind, 'ensemble');
  assert.deepEqual(
    choice.members.map((m) => m.detector),
    ['discord', 'pca'],
  );
  // Both at the period's window; pca's windows spread by their maximum.
  assert.ok(choice.members.every((m) => Math.abs((m.config.window as number) - 40) <= 1));
  // The synthetic anomalies still say how the members and their mean do, per kind.
  assert.equal(choice.candidates.length, 2);
  assert.ok(choice.candidates.every((c) => Object.keys(c.perKind).length === 8));
  assert.deepEqual(
    choice.ensembleTried?.labels,
    choice.members.map((m) => m.label),
  );
  // Its score is the mean of the members fitted on the first 70% of the training data, each
  // divided by its scale (99th percentile minus median of its scores on the other 30%).
  const x = createSeries({ data: signal(2000, 4, 1200), channels: 1 });
  const s = d.score(x);
  const expected = new Float32Array(x.length);
  for (const m of choice.members) {
    const member = createDetector(m.detector, m.config);
    await member.fit(sliceRows(train, 0, 2800), { seed: 5 });
    const held = member.score(sliceRows(train, 2800));
    assert.ok(Math.abs(memberScale(held, 'spread') - m.scale) < 1e-6 * m.scale);
    member.score(x).forEach((v, t) => (expected[t]! += v / m.scale / choice.members.length));
  }
  for (let t = 0; t < s.length; t++) assert.ok(Math.abs(s[t]! - expected[t]!) < 1e-5 * (1 + s[t]!));
  const top = topStep(s);
  assert.ok(top >= 1150 && top < 1290, `top at ${top}`);
});

test('auto (select synthetic) records its choice, finds a shape anomaly and round-trips through save/load', async () => {
  const d = createDetector('auto', {
    select: 'synthetic',
    refit: false,
    candidates: ['discord', 'pca', 'rolling-zscore'],
    budgetSeconds: 120,
  }) as AutoDetector;
  await d.fit(createSeries({ data: signal(4000, 3), channels: 1 }), { seed: 5 });
  const choice = d.choice!;
  assert.ok(choice.candidates.length >= 6, `${choice.candidates.length} candidates`);
  assert.ok(choice.members.length >= 1);
  assert.ok(Math.abs(choice.period - 40) <= 1, `period ${choice.period}`);
  assert.ok(choice.candidates.every((c) => Object.keys(c.perKind).length === 8));
  const x = createSeries({ data: signal(2000, 4, 1200), channels: 1 });
  const s = d.score(x);
  let top = 0;
  for (let i = 1; i < s.length; i++) if (s[i]! > s[top]!) top = i;
  assert.ok(
    top >= 1150 && top < 1290,
    `top at ${top}; chose ${choice.members.map((m) => m.label)}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-auto-'));
  try {
    d.save(join(dir, 'm'));
    const saved = readManifest(join(dir, 'm'));
    assert.equal((saved.state as { choice: { kind: string } }).choice.kind, choice.kind);
    assert.deepEqual(loadDetector(join(dir, 'm')).score(x), s);
    // Live: the newest row scores what batch scoring gives the last step.
    const live = d.stream();
    const head = createSeries({ data: x.data.subarray(0, 1300), channels: 1 });
    let last = null as number | null;
    for (let t = 0; t < 1300; t++) last = live.push([x.data[t]!]).score;
    const batch = d.score(head);
    assert.ok(last !== null && Math.abs(last - batch[1299]!) < 1e-4 * (1 + batch[1299]!));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('auto refuses unknown candidates by name', () => {
  assert.throws(() => createDetector('auto', { candidates: ['nope'] }), /unknown detector 'nope'/);
  assert.throws(() => createDetector('auto', { candidates: ['auto'] }), /not auto/);
  assert.throws(() => createDetector('auto', { fixed: ['nope'] }), /unknown detector 'nope'/);
  assert.throws(() => createDetector('auto', { select: 'best' }), /select/);
});

test("members' scales: the held-out median, or the 99th percentile minus the median", () => {
  const ramp = Float32Array.from({ length: 100 }, (_, i) => i);
  assert.equal(memberScale(ramp, 'median'), 50);
  assert.equal(memberScale(ramp, 'spread'), 49);
  // No spread: the median; nothing at all: 1.
  assert.equal(memberScale(new Float32Array(10).fill(3), 'spread'), 3);
  assert.equal(memberScale(new Float32Array(10), 'spread'), 1);
});
