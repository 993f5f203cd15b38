// PCA baseline: the k leading principal components of the training windows (flattened
// to window x channels values); a window's score is its mean squared residual after
// projecting onto them, split per channel. The covariance is accumulated in batches
// and diagonalised by cyclic Jacobi rotations (exact for symmetric matrices).
import { noGrad, tensor, tidy, type Tensor } from '../../engine/index.js';
import {
  BASELINE_DEFAULTS,
  WindowBaseline,
  windowBlock,
  type BaselineConfig,
  type Prepared,
  baselineFields,
} from './common.js';
import type { Manifest } from '../model-dir.js';
import { positiveInt, type Schema } from '../../config/schema.js';

export interface PcaConfig extends BaselineConfig {
  /** Principal components kept; must be below window x channels. */
  components: number;
}

export const PCA_DEFAULTS: PcaConfig = { ...BASELINE_DEFAULTS, window: 10, components: 2 };

export const PCA_SCHEMA: Schema = { ...baselineFields, components: positiveInt };

const BATCH = 4096;

/**
 * Eigen-decomposition of a symmetric n x n matrix (row-major, float64; not modified):
 * eigenvalues in decreasing order and the matching unit eigenvectors as rows.
 */
export function symmetricEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (const x of a) norm += x * x;
  const tolerance = 1e-24 * Math.max(norm, Number.MIN_VALUE);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q]! ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // Rotation J (c at pp and qq, s at pq, -s at qp) that zeroes a[p][q] in J^T A J.
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => a[j * n + j]! - a[i * n + i]! || i - j,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    values[r] = a[col * n + col]!;
    for (let k = 0; k < n; k++) vectors[r * n + k] = v[k * n + col]!;
  });
  return { values, vectors };
}

export class PcaDetector extends WindowBaseline<PcaConfig> {
  readonly name = 'pca';
  private mean?: Float32Array;
  /** [components, window * channels], rows are unit principal directions. */
  private basis?: Float32Array;
  private explained: number[] = [];

  constructor(config: Partial<PcaConfig> = {}) {
    super('pca', PCA_DEFAULTS, config, PCA_SCHEMA);
  }

  protected learn(train: Prepared): void {
    const { window: w, components: k } = this.config;
    const d = w * train.channels;
    if (k >= d) {
      throw new Error(
        `pca: components (${k}) must be below window x channels (${d}), or the residual is always 0`,
      );
    }
    const count = train.steps - w + 1;
    const starts = (i: number, n: number) => Int32Array.from({ length: n }, (_, j) => i + j);
    const mean = new Float64Array(d);
    for (let i = 0; i < count; i++) {
      const row = train.data.subarray(i * train.channels, i * train.channels + d);
      for (let j = 0; j < d; j++) mean[j]! += row[j]!;
    }
    for (let j = 0; j < d; j++) mean[j]! /= count;
    const mean32 = Float32Array.from(mean);
    const cov = new Float64Array(d * d);
    for (let i = 0; i < count; i += BATCH) {
      const n = Math.min(BATCH, count - i);
      const block = windowBlock(train, w, starts(i, n));
      const gram = tidy(() =>
        noGrad(() => {
          const z = tensor(block, [n, d]).sub(tensor(mean32, [1, d]));
          return z.transpose(0, 1).matmul(z).toFloat64Array();
        }),
      );
      for (let j = 0; j < d * d; j++) cov[j]! += gram[j]!;
    }
    for (let j = 0; j < d * d; j++) cov[j]! /= Math.max(1, count - 1);
    const { values, vectors } = symmetricEigen(cov, d);
    this.mean = mean32;
    this.basis = Float32Array.from(vectors.subarray(0, k * d));
    this.explained = Array.from(values.subarray(0, k));
  }

  /** Per-window, per-channel mean squared residuals (a window's channels sum to its score). */
  protected contributions(p: Prepared): Float32Array {
    const w = this.config.window;
    const ch = p.channels;
    const d = w * ch;
    const k = this.config.components;
    const count = p.steps - w + 1;
    const out = new Float32Array(count * ch);
    const mean = this.mean!;
    const basis = this.basis!;
    for (let i = 0; i < count; i += BATCH) {
      const n = Math.min(BATCH, count - i);
      const block = windowBlock(
        p,
        w,
        Int32Array.from({ length: n }, (_, j) => i + j),
      );
      const residual = tidy(() =>
        noGrad(() => {
          const z = tensor(block, [n, d]).sub(tensor(mean, [1, d]));
          const c = tensor(basis, [k, d]);
          return z
            .sub(z.matmul(c.transpose(0, 1)).matmul(c))
            .square()
            .toFloat32Array();
        }),
      );
      for (let r = 0; r < n; r++) {
        const o = (i + r) * ch;
        for (let j = 0; j < d; j++) out[o + (j % ch)]! += residual[r * d + j]! / d;
      }
    }
    return this.spread(out, ch);
  }

  protected saveState(): { weights: Record<string, Tensor>; state: Record<string, unknown> } {
    const d = this.mean!.length;
    return {
      weights: {
        mean: tensor(this.mean!, [d]),
        components: tensor(this.basis!, [this.config.components, d]),
      },
      state: { explainedVariance: this.explained },
    };
  }

  protected loadState(state: Record<string, unknown>, weights: Record<string, Tensor>): void {
    const mean = weights.mean;
    const comps = weights.components;
    const d = this.config.window * this.channels;
    if (!mean || !comps) throw new Error("pca: weights lack 'mean' or 'components'");
    if (mean.size !== d || comps.size !== this.config.components * d)
      throw new Error('pca: saved weights do not match the window, channels and components');
    this.mean = mean.toFloat32Array();
    this.basis = comps.toFloat32Array();
    this.explained = Array.isArray(state.explainedVariance)
      ? (state.explainedVariance as number[])
      : [];
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): PcaDetector {
    return new PcaDetector(manifest.config as Partial<PcaConfig>).restore(manifest, weights);
  }
}
