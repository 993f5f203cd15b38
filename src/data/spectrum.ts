// Power spectra of frames, for detectors that work on spectrum data (vibration, audio).
//
// Frame f covers input rows [f * hop, f * hop + frameSize); it is multiplied by the window,
// transformed, and bin k (0..frameSize/2, frequency k / frameSize cycles per row) gets the
// one-sided power 2 |X_k|^2 / (sum of window)^2 (not doubled at 0 and frameSize/2). With
// that scaling a sine of amplitude A centred on a bin shows its mean power A^2/2 there.
// Power is then taken to dB (10 log10) and clipped to [floorDb, ceilingDb], which also
// turns the -inf of silent frames into the floor.
import { Fft } from './fft.js';
import { createSeries, type Series } from './series.js';

export interface SpectrumOptions {
  /** Rows per frame, a power of two. */
  frameSize: number;
  /** Rows between frame starts. */
  hop: number;
  /** `'hann'` (default, periodic Hann) or `'rect'` (no window). */
  window?: 'hann' | 'rect';
  /** Lowest dB value kept; default -100. */
  floorDb?: number;
  /** Highest dB value kept; default 100. */
  ceilingDb?: number;
}

/** Number of whole frames in `length` rows. */
export function spectrumFrameCount(length: number, frameSize: number, hop: number): number {
  return length < frameSize ? 0 : Math.floor((length - frameSize) / hop) + 1;
}

/**
 * The dB power spectrum of every frame of every channel. The result has one row per
 * frame and `channels * (frameSize / 2 + 1)` columns, channel-major: column
 * `c * bins + k` is bin k of input channel c. Timestamps are those of frame starts.
 */
export function powerSpectrum(series: Series, options: SpectrumOptions): Series {
  const { frameSize, hop } = options;
  const floorDb = options.floorDb ?? -100;
  const ceilingDb = options.ceilingDb ?? 100;
  if (!Number.isInteger(hop) || hop < 1) {
    throw new RangeError(`spectrum hop must be a positive integer, got ${hop}`);
  }
  const windowKind = options.window ?? 'hann';
  if (windowKind !== 'hann' && windowKind !== 'rect') {
    throw new RangeError(`spectrum window must be 'hann' or 'rect', got '${String(windowKind)}'`);
  }
  if (!(floorDb < ceilingDb)) {
    throw new RangeError(`spectrum floorDb ${floorDb} must be below ceilingDb ${ceilingDb}`);
  }
  const plan = new Fft(frameSize);
  const window = new Float64Array(frameSize);
  for (let n = 0; n < frameSize; n++) {
    window[n] = windowKind === 'rect' ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / frameSize);
  }
  const windowSum = window.reduce((a, b) => a + b, 0);
  const bins = frameSize / 2 + 1;
  const { data, channels } = series;
  const frames = spectrumFrameCount(series.length, frameSize, hop);
  const width = channels * bins;
  const out = new Float32Array(frames * width);
  const re = new Float64Array(frameSize);
  const im = new Float64Array(frameSize);
  for (let f = 0; f < frames; f++) {
    const first = f * hop;
    for (let c = 0; c < channels; c++) {
      for (let n = 0; n < frameSize; n++) re[n] = data[(first + n) * channels + c]! * window[n]!;
      im.fill(0);
      plan.transform(re, im);
      for (let k = 0; k < bins; k++) {
        const edge = k === 0 || k === bins - 1;
        const power = ((edge ? 1 : 2) * (re[k]! ** 2 + im[k]! ** 2)) / windowSum ** 2;
        const db = 10 * Math.log10(power);
        out[f * width + c * bins + k] = Math.min(ceilingDb, Math.max(floorDb, db));
      }
    }
  }
  let timestamps: Float64Array | undefined;
  if (series.timestamps !== undefined) {
    timestamps = new Float64Array(frames);
    for (let f = 0; f < frames; f++) timestamps[f] = series.timestamps[f * hop]!;
  }
  const names = series.names?.flatMap((name) =>
    Array.from({ length: bins }, (_, k) => `${name}:${k}`),
  );
  return createSeries({
    data: out,
    channels: width,
    length: frames,
    ...(timestamps && { timestamps }),
    ...(names && { names }),
  });
}
