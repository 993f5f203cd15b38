import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Fft,
  createRng,
  createSeries,
  fft,
  isPowerOfTwo,
  powerSpectrum,
  spectrumFrameCount,
} from '../../src/data/index.js';

function naiveDft(re: number[], im: number[]): [number[], number[]] {
  const n = re.length;
  const outRe: number[] = [];
  const outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe.push(sr);
    outIm.push(si);
  }
  return [outRe, outIm];
}

const tone = (n: number, cyclesPerRow: number, amplitude = 1) =>
  createSeries({
    data: Float32Array.from(
      { length: n },
      (_, t) => amplitude * Math.sin(2 * Math.PI * cyclesPerRow * t),
    ),
    channels: 1,
  });

describe('FFT', () => {
  it('matches a direct DFT on random complex input', () => {
    const rng = createRng(9);
    for (const n of [1, 2, 4, 8, 64]) {
      const re = Array.from({ length: n }, () => rng.next() - 0.5);
      const im = Array.from({ length: n }, () => rng.next() - 0.5);
      const [er, ei] = naiveDft(re, im);
      const r = Float64Array.from(re);
      const i = Float64Array.from(im);
      fft(r, i);
      for (let k = 0; k < n; k++) {
        assert.ok(
          Math.abs(r[k]! - er[k]!) < 1e-9 && Math.abs(i[k]! - ei[k]!) < 1e-9,
          `n=${n} k=${k}`,
        );
      }
    }
  });

  it('transforms hand-computed cases', () => {
    const re = Float64Array.of(1, 0, 0, 0);
    const im = new Float64Array(4);
    new Fft(4).transform(re, im);
    assert.deepEqual(Array.from(re), [1, 1, 1, 1]); // an impulse has a flat spectrum
    const c = Float64Array.of(1, 1, 1, 1);
    const ci = new Float64Array(4);
    fft(c, ci);
    assert.deepEqual(Array.from(c), [4, 0, 0, 0]); // a constant is all DC
    assert.ok(isPowerOfTwo(1024) && !isPowerOfTwo(1000) && !isPowerOfTwo(0));
    assert.throws(() => new Fft(12), /power of two/);
    assert.throws(() => new Fft(8).transform(new Float64Array(4), new Float64Array(4)), /size 8/);
  });
});

describe('power spectrum', () => {
  it('puts a pure tone at its bin, at A^2/2 in dB', () => {
    // 8 cycles per 64 rows: bin 8
    const s = powerSpectrum(tone(256, 8 / 64, 2), { frameSize: 64, hop: 64, window: 'rect' });
    assert.equal(s.length, 4);
    assert.equal(s.channels, 33);
    for (let f = 0; f < s.length; f++) {
      const row = Array.from(s.data.subarray(f * 33, (f + 1) * 33));
      assert.equal(row.indexOf(Math.max(...row)), 8);
      assert.ok(Math.abs(row[8]! - 10 * Math.log10(2)) < 1e-4, `${row[8]}`); // 2^2 / 2 = 2
      assert.equal(row[3], -100); // nothing elsewhere: clipped to the floor
    }
  });

  it('peaks at the right bin with a Hann window and overlapping frames', () => {
    const s = powerSpectrum(tone(1000, 5 / 128), { frameSize: 128, hop: 32 });
    assert.equal(s.length, spectrumFrameCount(1000, 128, 32));
    assert.equal(s.length, 28);
    for (let f = 0; f < s.length; f++) {
      const row = Array.from(s.data.subarray(f * 65, (f + 1) * 65));
      assert.equal(row.indexOf(Math.max(...row)), 5);
      assert.ok(Math.abs(row[5]! - 10 * Math.log10(0.5)) < 1e-3);
    }
  });

  it('clips to the ceiling, lays channels out in blocks and keeps frame timestamps', () => {
    const loud = createSeries({
      data: Float32Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 1000 : 0)),
      channels: 2,
      timestamps: Float64Array.from({ length: 16 }, (_, t) => t * 10),
      names: ['a', 'b'],
    });
    const s = powerSpectrum(loud, { frameSize: 8, hop: 4, ceilingDb: 20, floorDb: -50 });
    assert.equal(s.length, 3);
    assert.equal(s.channels, 10);
    assert.deepEqual(Array.from(s.timestamps!), [0, 40, 80]);
    assert.equal(s.names![0], 'a:0');
    assert.equal(s.names![5], 'b:0');
    assert.equal(s.data[0], 20); // DC of channel a: 120 dB clipped to the ceiling
    assert.equal(s.data[5], -50); // silent channel b: -inf clipped to the floor
    assert.throws(() => powerSpectrum(loud, { frameSize: 6, hop: 1 }), /power of two/);
    assert.throws(() => powerSpectrum(loud, { frameSize: 8, hop: 0 }), /hop/);
    assert.throws(
      () => powerSpectrum(loud, { frameSize: 8, hop: 1, floorDb: 0, ceilingDb: 0 }),
      /below/,
    );
  });
});
