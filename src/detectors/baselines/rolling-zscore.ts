// Rolling z-score baseline: the score of step t is max over channels of
// |x_t - m_t| / s_t, where m_t and s_t are the mean and (population) standard deviation
// of the `window` steps before t (fewer at the start; the first two steps score 0),
// with s_t floored at `minStd`. It needs no training: fit learns only the channel count
// and the scaler. explain puts the whole score on the channel that attains the max.
import { type Tensor } from '../../engine/index.js';
import {
  BASELINE_DEFAULTS,
  WindowBaseline,
  type BaselineConfig,
  type Prepared,
  baselineFields,
} from './common.js';
import type { Manifest } from '../model-dir.js';
import { positive, type Schema } from '../../config/schema.js';
import type { ScoringReach } from '../detector.js';
import { unsmoothed } from '../smoothing.js';

export interface RollingZScoreConfig extends BaselineConfig {
  /** Smallest standard deviation divided by (in scaled units), so flat stretches stay finite. */
  minStd: number;
}

export const ROLLING_ZSCORE_DEFAULTS: RollingZScoreConfig = {
  ...BASELINE_DEFAULTS,
  window: 50,
  minStd: 1e-3,
};

export const ROLLING_ZSCORE_SCHEMA: Schema = { ...baselineFields, minStd: positive };

/** Steps between re-sums of the running sums (rounding cannot build up). */
const RESUM_EVERY = 4096;

export class RollingZScoreDetector extends WindowBaseline<RollingZScoreConfig> {
  readonly name = 'rolling-zscore';

  constructor(config: Partial<RollingZScoreConfig> = {}) {
    super('rolling-zscore', ROLLING_ZSCORE_DEFAULTS, config, ROLLING_ZSCORE_SCHEMA);
  }

  protected override minSteps(): number {
    return 1;
  }

  /**
   * The running sums are re-summed every RESUM_EVERY steps, so a slice that starts at such
   * a step and reaches one re-sum (and a window) back holds the same sums from then on.
   */
  override scoringReach(): ScoringReach | undefined {
    const { window: w, downsample: r, smoothing } = this.config;
    if (!unsmoothed(smoothing)) return undefined;
    return { before: (RESUM_EVERY + w + 1) * r, after: r, align: RESUM_EVERY * r };
  }

  protected learn(): void {
    // Nothing to learn beyond the scaler, fitted by the base class.
  }

  protected contributions(p: Prepared): Float32Array {
    const { window: w, minStd } = this.config;
    const ch = p.channels;
    const out = new Float32Array(p.steps * ch);
    const sum = new Float64Array(ch);
    const sq = new Float64Array(ch);
    for (let t = 0; t < p.steps; t++) {
      const n = Math.min(t, w);
      if (n >= 2) {
        let best = -1;
        let bestQ = 0;
        for (let q = 0; q < ch; q++) {
          const mean = sum[q]! / n;
          const std = Math.max(minStd, Math.sqrt(Math.max(0, sq[q]! / n - mean * mean)));
          const z = Math.abs(p.data[t * ch + q]! - mean) / std;
          if (z > best) {
            best = z;
            bestQ = q;
          }
        }
        out[t * ch + bestQ] = best;
      }
      // Step t joins the trailing window, step t - w leaves it.
      for (let q = 0; q < ch; q++) {
        const v = p.data[t * ch + q]!;
        sum[q]! += v;
        sq[q]! += v * v;
        if (t >= w) {
          const old = p.data[(t - w) * ch + q]!;
          sum[q]! -= old;
          sq[q]! -= old * old;
        }
      }
      // Re-sum now and then, so rounding in the running sums cannot build up.
      if ((t + 1) % RESUM_EVERY === 0) {
        sum.fill(0);
        sq.fill(0);
        for (let s = Math.max(0, t + 1 - w); s <= t; s++) {
          for (let q = 0; q < ch; q++) {
            const v = p.data[s * ch + q]!;
            sum[q]! += v;
            sq[q]! += v * v;
          }
        }
      }
    }
    return out;
  }

  protected saveState(): { weights: Record<string, Tensor>; state: Record<string, unknown> } {
    return { weights: {}, state: {} };
  }

  protected loadState(): void {}

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): RollingZScoreDetector {
    return new RollingZScoreDetector(manifest.config as Partial<RollingZScoreConfig>).restore(
      manifest,
      weights,
    );
  }
}
