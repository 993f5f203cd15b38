// The sine demo's data and detector, shared by `normalcy demo` and the incidents
// benchmark: the shared sine files (normal.csv, abn.csv: the amplitude doubles
// from step 160,000) or the same series generated, and the LSTM forecaster that
// finds the change.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readSeries } from '../data/read-series.js';
import type { Series } from '../data/series.js';
import { generateSine } from '../data/sine.js';
import { Forecaster } from '../detectors/forecaster.js';

/** Where the abnormal sine's amplitude change starts. */
export const SINE_ANOMALY_FROM = 160_000;

/**
 * normal.csv and abn.csv from the first of `dirs` that holds both; otherwise
 * the sine generated with `seed` (320,000 steps each).
 */
export function sineDemoData(
  dirs: readonly string[],
  seed: number,
): { normal: Series; abn: Series; source: string } {
  for (const dir of dirs) {
    if (existsSync(join(dir, 'normal.csv')) && existsSync(join(dir, 'abn.csv')))
      return {
        normal: readSeries(join(dir, 'normal.csv')),
        abn: readSeries(join(dir, 'abn.csv')),
        source: dir,
      };
  }
  return {
    normal: generateSine({ length: 320_000, seed }),
    abn: generateSine({ length: 320_000, seed, anomalyFrom: SINE_ANOMALY_FROM }),
    source: 'generated sine',
  };
}

/**
 * The demo's forecaster. One period of the sine is 400 steps: downsampling by 4
 * keeps 100 points per period, and the score is averaged over one period so
 * noise does not mask the amplitude change.
 */
export function sineDemoForecaster(o: { trainShift: number; epochs: number }): Forecaster {
  return new Forecaster({
    network: 'lstm',
    hidden: [32],
    window: 25,
    horizon: 1,
    downsample: 4,
    trainShift: o.trainShift,
    epochs: o.epochs,
    smoothing: { kind: 'moving-average', span: 100 },
  });
}
