// Chunked scoring gives, bit for bit, the scores and explanations of scoring the whole
// series, for every detector kind routed through it (series several chunks long, fed in
// parts of uneven sizes); detectors without a reach are scored whole, in one chunk.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/data/random.js';
import { sliceRows, type Series } from '../../src/data/series.js';
import { twoChannels as shifted } from '../helpers/two-channels.js';
import { createDetector } from '../../src/detectors/registry.js';
import { scoreInChunks, type ScoredChunk } from '../../src/detectors/chunked-scoring.js';
import type { Detector } from '../../src/detectors/detector.js';

/** The helper's two noisy sines with a shift in channel 1 over [0.6, 0.62) of the series. */
const twoChannels = (length: number, seed: number): Series =>
  shifted(length, seed, [Math.floor(0.6 * length), Math.floor(0.62 * length)]);

/** The series in consecutive parts of uneven sizes, as a reader hands them over. */
async function* parts(x: Series, seed: number): AsyncGenerator<Series> {
  const rng = createRng(seed);
  for (let t = 0; t < x.length;) {
    const n = 1 + Math.floor(rng.next() * 1500);
    yield sliceRows(x, t, Math.min(x.length, t + n));
    t += n;
  }
}

async function chunked(d: Detector, x: Series, rows: number): Promise<ScoredChunk[]> {
  const out: ScoredChunk[] = [];
  for await (const c of scoreInChunks(d, parts(x, rows), rows)) out.push(c);
  return out;
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

const train = twoChannels(3000, 1);

const cases: {
  name: string;
  detector: string;
  config: Record<string, unknown>;
  length: number;
  rows: number;
}[] = [
  { name: 'pca', detector: 'pca', config: { window: 10 }, length: 3 * 4096 + 777, rows: 4096 },
  {
    name: 'pca, centre alignment, downsample 2',
    detector: 'pca',
    config: { window: 8, alignment: 'centre', downsample: 2 },
    length: 3 * 8192 + 333,
    rows: 8192,
  },
  {
    name: 'knn',
    detector: 'knn',
    config: { window: 5, k: 3, maxTrain: 200 },
    length: 3 * 4096 + 10,
    rows: 4096,
  },
  {
    name: 'isolation-forest',
    detector: 'isolation-forest',
    config: { window: 4, trees: 8, subsample: 64 },
    length: 3 * 4096 + 5,
    rows: 4096,
  },
  {
    name: 'rolling-zscore',
    detector: 'rolling-zscore',
    config: { window: 50 },
    length: 4 * 4096 + 99,
    rows: 4096,
  },
  {
    name: 'dense forecaster, horizon 2',
    detector: 'forecaster',
    config: { network: 'dense', window: 20, horizon: 2, hidden: [16], epochs: 1 },
    length: 4 * 1024 + 77,
    rows: 1024,
  },
  {
    name: 'LSTM forecaster',
    detector: 'forecaster',
    config: { network: 'lstm', window: 16, hidden: [8], epochs: 1 },
    length: 4 * 1024 + 3,
    rows: 1024,
  },
  {
    name: 'dense autoencoder, downsample 2',
    detector: 'autoencoder',
    config: { network: 'dense', window: 16, epochs: 1, downsample: 2 },
    length: 4 * 2048 + 1,
    rows: 2048,
  },
  {
    name: 'conv autoencoder',
    detector: 'autoencoder',
    config: { network: 'conv1d', window: 16, epochs: 1 },
    length: 4 * 1024 + 500,
    rows: 1024,
  },
];

describe('scoreInChunks', () => {
  for (const c of cases) {
    it(`${c.name}: chunks equal the whole-series scores and explanations`, async () => {
      const d = createDetector(c.detector, c.config);
      await d.fit(train, { seed: 3 });
      assert.ok(d.scoringReach?.(), `${c.name} has a reach`);
      const x = twoChannels(c.length, 2);
      const chunks = await chunked(d, x, c.rows);
      assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
      let next = 0;
      for (const ch of chunks) {
        assert.equal(ch.start, next);
        assert.equal(ch.series.length, ch.scores.length);
        next += ch.scores.length;
      }
      assert.equal(next, x.length);
      assert.deepEqual(concat(chunks.map((ch) => ch.scores)), d.score(x));
      assert.deepEqual(concat(chunks.map((ch) => ch.contributions)), d.explain(x));
      assert.deepEqual(
        Array.from(chunks[1]!.series.data),
        Array.from(sliceRows(x, chunks[1]!.start, chunks[2]!.start).data),
      );
    });
  }

  it('scores the whole series in one chunk when scores need all of it', async () => {
    const smoothed = createDetector('pca', { window: 10, smoothing: { kind: 'ewma', span: 20 } });
    const meanAligned = createDetector('knn', { window: 5, alignment: 'mean', maxTrain: 200 });
    const discord = createDetector('discord', { window: 20 });
    for (const d of [smoothed, meanAligned, discord]) {
      await d.fit(train, { seed: 3 });
      assert.equal(d.scoringReach?.(), undefined, d.name);
      const x = twoChannels(5000, 4);
      const chunks = await chunked(d, x, 1024);
      assert.equal(chunks.length, 1, d.name);
      assert.deepEqual(chunks[0]!.scores, d.score(x));
    }
  });

  it('scores a series no longer than a chunk whole, and passes on its refusals', async () => {
    const d = createDetector('pca', { window: 10 });
    await d.fit(train, { seed: 3 });
    const x = twoChannels(4096 + 4096 - 1, 5);
    const chunks = await chunked(d, x, 4096);
    assert.equal(chunks.length, 1);
    assert.deepEqual(chunks[0]!.scores, d.score(x));
    await assert.rejects(chunked(d, twoChannels(5, 6), 4096), /at least 10 are needed/);
  });
});
