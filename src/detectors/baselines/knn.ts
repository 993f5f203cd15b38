// k-nearest-neighbour baseline: a window's score is its Euclidean distance to the k-th
// nearest training window (brute force over at most `maxTrain` reference windows, a
// seeded sample of the training windows). Per channel, the score is split in
// proportion to the squared differences to that neighbour.
import { noGrad, tensor, tidy, type Tensor } from '../../engine/index.js';
import { createRng } from '../../data/random.js';
import {
  BASELINE_DEFAULTS,
  WindowBaseline,
  sampleIndices,
  windowBlock,
  type BaselineConfig,
  type Prepared,
  baselineFields,
} from './common.js';
import type { Manifest } from '../model-dir.js';
import { positiveInt, type Schema } from '../../config/schema.js';

export interface KnnConfig extends BaselineConfig {
  /** Which neighbour: the distance to the k-th nearest reference window is the score. */
  k: number;
  /** At most this many training windows are kept as references (seeded sample). */
  maxTrain: number;
}

export const KNN_DEFAULTS: KnnConfig = { ...BASELINE_DEFAULTS, k: 5, maxTrain: 2000 };

export const KNN_SCHEMA: Schema = { ...baselineFields, k: positiveInt, maxTrain: positiveInt };

const BATCH = 1024;

/** Index of the k-th smallest (1-based) of row[0..m); ties go to the lower index. */
function kthSmallest(
  row: Float32Array,
  m: number,
  k: number,
  best: Float64Array,
  at: Int32Array,
): number {
  let size = 0;
  for (let j = 0; j < m; j++) {
    const v = row[j]!;
    if (size === k && v >= best[k - 1]!) continue;
    let pos = size < k ? size++ : k - 1;
    while (pos > 0 && best[pos - 1]! > v) {
      best[pos] = best[pos - 1]!;
      at[pos] = at[pos - 1]!;
      pos--;
    }
    best[pos] = v;
    at[pos] = j;
  }
  return at[size - 1]!;
}

export class KnnDetector extends WindowBaseline<KnnConfig> {
  readonly name = 'knn';
  /** Reference windows [references, window * channels]. */
  private refs?: Float32Array;

  constructor(config: Partial<KnnConfig> = {}) {
    super('knn', KNN_DEFAULTS, config, KNN_SCHEMA);
  }

  protected learn(train: Prepared, seed: number): void {
    const count = train.steps - this.config.window + 1;
    const rng = createRng(seed);
    const picked = sampleIndices(count, this.config.maxTrain, (n) => rng.nextInt(n));
    this.refs = windowBlock(train, this.config.window, picked);
  }

  protected contributions(p: Prepared): Float32Array {
    const w = this.config.window;
    const ch = p.channels;
    const d = w * ch;
    const refs = this.refs!;
    const m = refs.length / d;
    const k = Math.min(this.config.k, m);
    const count = p.steps - w + 1;
    const out = new Float32Array(count * ch);
    const best = new Float64Array(k);
    const at = new Int32Array(k);
    const parts = new Float64Array(ch);
    // Ranking needs only |r|^2 - 2 q.r (|q|^2 is the same for every reference).
    const refNorms = tidy(() =>
      noGrad(() => tensor(refs, [m, d]).square().sum(1).toFloat32Array()),
    );
    for (let i = 0; i < count; i += BATCH) {
      const n = Math.min(BATCH, count - i);
      const block = windowBlock(
        p,
        w,
        Int32Array.from({ length: n }, (_, j) => i + j),
      );
      const dist = tidy(() =>
        noGrad(() =>
          tensor(block, [n, d])
            .matmul(tensor(refs, [m, d]).transpose(0, 1))
            .mul(-2)
            .add(tensor(refNorms, [1, m]))
            .toFloat32Array(),
        ),
      );
      for (let r = 0; r < n; r++) {
        const j = kthSmallest(dist.subarray(r * m, (r + 1) * m), m, k, best, at);
        // The exact distance to that neighbour, channel by channel.
        parts.fill(0);
        let total = 0;
        for (let e = 0; e < d; e++) {
          const diff = block[r * d + e]! - refs[j * d + e]!;
          parts[e % ch]! += diff * diff;
          total += diff * diff;
        }
        if (total === 0) continue;
        const score = Math.sqrt(total);
        for (let q = 0; q < ch; q++) out[(i + r) * ch + q] = (score * parts[q]!) / total;
      }
    }
    return this.spread(out, ch);
  }

  protected saveState(): { weights: Record<string, Tensor>; state: Record<string, unknown> } {
    const d = this.config.window * this.channels;
    return {
      weights: { references: tensor(this.refs!, [this.refs!.length / d, d]) },
      state: { references: this.refs!.length / d },
    };
  }

  protected loadState(_state: Record<string, unknown>, weights: Record<string, Tensor>): void {
    const refs = weights.references;
    if (!refs) throw new Error("knn: weights lack 'references'");
    if (refs.rank !== 2 || refs.shape[1] !== this.config.window * this.channels)
      throw new Error('knn: saved reference windows do not match the window and channels');
    this.refs = refs.toFloat32Array();
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): KnnDetector {
    return new KnnDetector(manifest.config as Partial<KnnConfig>).restore(manifest, weights);
  }
}
