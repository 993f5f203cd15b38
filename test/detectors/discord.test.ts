import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscordDetector } from '../../src/detectors/discord.js';
import { loadDetector } from '../../src/detectors/registry.js';
import { createSeries, seriesFromColumns } from '../../src/data/series.js';
import { createRng } from '../../src/data/random.js';
import { rocAuc } from '../../src/metrics/roc.js';

const PERIOD = 40;

/** A noisy periodic signal (two harmonics) with an optional shape distortion at [at, at + PERIOD). */
function signal(n: number, seed: number, at = -1): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const ph = (2 * Math.PI * i) / PERIOD;
    x[i] = Math.sin(ph) + 0.5 * Math.sin(2 * ph) + 0.05 * (rng.next() - 0.5);
    // Same range, different shape: the second harmonic flips sign.
    if (at >= 0 && i >= at && i < at + PERIOD) x[i] = Math.sin(ph) - 0.5 * Math.sin(2 * ph);
  }
  return x;
}

test('finds a shape distortion that keeps the range, with the window estimated from the period', async () => {
  const d = new DiscordDetector();
  await d.fit(createSeries({ data: signal(3000, 1), channels: 1 }), { seed: 1 });
  assert.ok(Math.abs(d.window - PERIOD) <= 1, `window ${d.window}`);
  const x = signal(2000, 2, 1200);
  const s = d.score(createSeries({ data: x, channels: 1 }));
  let top = 0;
  for (let i = 1; i < s.length; i++) if (s[i]! > s[top]!) top = i;
  assert.ok(top >= 1200 && top < 1240, `top score at ${top}`);
  const labels = new Uint8Array(2000).fill(1, 1200, 1240);
  assert.ok(rocAuc(s, labels) > 0.95);
});

test('self-join finds the same distortion with no training reference', async () => {
  const d = new DiscordDetector({ join: 'self', window: PERIOD });
  await d.fit(createSeries({ data: signal(1000, 3), channels: 1 }));
  const s = d.score(createSeries({ data: signal(2000, 4, 700), channels: 1 }));
  let top = 0;
  for (let i = 1; i < s.length; i++) if (s[i]! > s[top]!) top = i;
  assert.ok(top >= 700 && top < 740, `top score at ${top}`);
});

test('alignment centre puts a window score on the window centre; max covers the whole window', async () => {
  for (const alignment of ['centre', 'max', 'mean'] as const) {
    const d = new DiscordDetector({ window: PERIOD, alignment });
    await d.fit(createSeries({ data: signal(2000, 5), channels: 1 }));
    const s = d.score(createSeries({ data: signal(1000, 6, 500), channels: 1 }));
    let top = 0;
    for (let i = 1; i < s.length; i++) if (s[i]! > s[top]!) top = i;
    assert.ok(top >= 480 && top < 560, `${alignment}: top score at ${top}`);
  }
});

test('multichannel: the distorted channel carries the explanation, rows sum to the score', async () => {
  const train = seriesFromColumns([signal(2000, 7), signal(2000, 8)]);
  for (const combine of ['max', 'mean'] as const) {
    const d = new DiscordDetector({ window: PERIOD, combine });
    await d.fit(train);
    const x = seriesFromColumns([signal(1000, 9), signal(1000, 10, 400)]);
    const s = d.score(x);
    const e = d.explain(x);
    for (let t = 0; t < x.length; t += 97)
      assert.ok(Math.abs(e[2 * t]! + e[2 * t + 1]! - s[t]!) < 1e-4 * (1 + s[t]!));
    let share = 0;
    for (let t = 400; t < 440; t++) share += e[2 * t + 1]! / (e[2 * t]! + e[2 * t + 1]!);
    assert.ok(share / 40 > 0.6, `${combine}: share of the distorted channel ${share / 40}`);
  }
});

test('flat stretches: flat in training and test scores 0, flat only in test scores high', async () => {
  const train = signal(2000, 11);
  train.fill(0.3, 500, 700);
  const d = new DiscordDetector({ window: PERIOD });
  await d.fit(createSeries({ data: train, channels: 1 }));
  const x = signal(1000, 12);
  x.fill(-0.2, 300, 420);
  const s = d.score(createSeries({ data: x, channels: 1 }));
  assert.ok(s.every(Number.isFinite));
  assert.ok(s[360]! < 1e-6, `flat seen in training: ${s[360]}`);
  const d2 = new DiscordDetector({ window: PERIOD });
  await d2.fit(createSeries({ data: signal(2000, 11), channels: 1 }));
  const s2 = d2.score(createSeries({ data: x, channels: 1 }));
  assert.ok(s2[360]! > 2 * s2[800]!, `flat never seen: ${s2[360]} vs normal ${s2[800]}`);
});

test('save and load keep the estimated window and the scores', async () => {
  const d = new DiscordDetector({ combine: 'mean' });
  await d.fit(seriesFromColumns([signal(1500, 13), signal(1500, 14)]));
  const x = seriesFromColumns([signal(600, 15, 300), signal(600, 16)]);
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-discord-'));
  try {
    d.save(join(dir, 'm'));
    const back = loadDetector(join(dir, 'm')) as DiscordDetector;
    assert.equal(back.window, d.window);
    assert.deepEqual(back.score(x), d.score(x));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad configurations are refused naming the field', () => {
  assert.throws(
    () => new DiscordDetector({ window: 1 }),
    /discord config\.window: 1 is not an integer >= 2 or one of auto/,
  );
  assert.throws(
    () => new DiscordDetector({ window: 2.5 }),
    /discord config\.window: 2\.5 is not an integer >= 2 or one of auto/,
  );
  assert.throws(
    () => new DiscordDetector({ normalization: 'z' as never }),
    /discord config\.normalization: 'z' is not one of znorm, mean, none/,
  );
  assert.throws(
    () => new DiscordDetector({ alignment: 'left' as never }),
    /discord config\.alignment: 'left' is not one of mean, max, centre/,
  );
});
