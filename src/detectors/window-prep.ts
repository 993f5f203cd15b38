// The preparation the window detectors (forecaster, autoencoder, the baselines,
// discord) share: block-mean downsampling, a scaler fitted on the downsampled
// training data only, and the scaled row-major values the windows are cut from
// (gatherWindows in data/windows.ts); scores go back to one per input step with
// upsampleRows (window-alignment.ts).
import { Scaler, type ScalerKind } from '../data/scalers.js';
import { downsample } from '../data/downsample.js';
import type { Series } from '../data/series.js';

/** Block means of `ratio` steps (the series itself when ratio is 1). */
export function downsampleBy(x: Series, ratio: number): Series {
  return ratio > 1 ? downsample(x, ratio, { method: 'mean' }) : x;
}

/** A scaler fitted on the (downsampled) training data; none for 'none'. */
export function fitWindowScaler(kind: ScalerKind | 'none', train: Series): Scaler | undefined {
  return kind === 'none' ? undefined : new Scaler(kind).fit(train);
}

/** The row-major values of a downsampled series, scaled when there is a scaler. */
export function scaledValues(ds: Series, scaler: Scaler | undefined): Float32Array {
  return scaler ? scaler.transformValues(ds.data, ds.channels) : ds.data;
}

/** Downsampled, then scaled: what the model sees of `x`. */
export function preparedValues(x: Series, ratio: number, scaler: Scaler | undefined): Float32Array {
  return scaledValues(downsampleBy(x, ratio), scaler);
}
