// Isolation forest baseline (Liu, Ting and Zhou, 2008): `trees` random trees, each
// grown on a seeded sample of `subsample` training windows with random features and
// uniform random split values, to depth ceil(log2(subsample)). A window's score is
// 2^(-E(h) / c(n)), E(h) its mean path length (plus c(size) at a leaf that still holds
// several samples) and c(n) the mean path length of an unsuccessful search in a binary
// search tree of n points. Per channel, the score is split in proportion to how much
// it falls, on average, when that channel's values in the window are replaced by those
// of a few training windows (a fixed seeded background sample); explain scores the
// window that many more times per channel, score does not.
//
// Trees are stored in heap order (children of node i at 2i+1 and 2i+2) as three
// tensors [trees, nodes]: feature (-1 leaf, -2 unused), threshold, and the number of
// training samples that reached the node; the background windows as a fourth.
import { tensor, type Tensor } from '../../engine/index.js';
import { createRng, type Rng } from '../../data/random.js';
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

export interface IsolationForestConfig extends BaselineConfig {
  trees: number;
  /** Training windows per tree (fewer if the training data has fewer). */
  subsample: number;
}

export const ISOLATION_FOREST_DEFAULTS: IsolationForestConfig = {
  ...BASELINE_DEFAULTS,
  trees: 100,
  subsample: 256,
};

export const ISOLATION_FOREST_SCHEMA: Schema = {
  ...baselineFields,
  trees: positiveInt,
  subsample: { type: 'int', min: 2 },
};

const EULER_GAMMA = 0.5772156649015329;
/** Training windows kept for explain. */
const BACKGROUND = 8;

/** Mean path length of an unsuccessful binary-search-tree search among n points. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

interface Forest {
  trees: number;
  nodes: number;
  feature: Int32Array;
  threshold: Float32Array;
  size: Int32Array;
  /** Samples each tree was grown on. */
  samples: number;
}

function growTree(
  forest: Forest,
  tree: number,
  block: Float32Array,
  d: number,
  rows: number[],
  maxDepth: number,
  rng: Rng,
): void {
  const base = tree * forest.nodes;
  forest.feature.fill(-2, base, base + forest.nodes);
  const grow = (node: number, members: number[], depth: number): void => {
    const at = base + node;
    if (depth >= maxDepth || members.length <= 1) {
      forest.feature[at] = -1;
      forest.size[at] = members.length;
      return;
    }
    const f = rng.nextInt(d);
    let min = Infinity;
    let max = -Infinity;
    for (const r of members) {
      const v = block[r * d + f]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (!(max > min)) {
      forest.feature[at] = -1;
      forest.size[at] = members.length;
      return;
    }
    const split = Math.fround(min + rng.next() * (max - min));
    forest.feature[at] = f;
    forest.size[at] = members.length;
    forest.threshold[at] = split;
    const left: number[] = [];
    const right: number[] = [];
    for (const r of members) (block[r * d + f]! < split ? left : right).push(r);
    grow(2 * node + 1, left, depth + 1);
    grow(2 * node + 2, right, depth + 1);
  };
  grow(0, rows, 0);
}

export class IsolationForestDetector extends WindowBaseline<IsolationForestConfig> {
  readonly name = 'isolation-forest';
  private forest?: Forest;
  /** Training windows [background, window * channels] that explain swaps channels with. */
  private background: Float32Array = new Float32Array(0);

  constructor(config: Partial<IsolationForestConfig> = {}) {
    super('isolation-forest', ISOLATION_FOREST_DEFAULTS, config, ISOLATION_FOREST_SCHEMA);
  }

  /** At least two windows to grow trees on. */
  protected override minFitSteps(): number {
    return this.config.window + 1;
  }

  protected learn(train: Prepared, seed: number): void {
    const { window: w, trees, subsample } = this.config;
    const d = w * train.channels;
    const count = train.steps - w + 1;
    const samples = Math.min(subsample, count);
    const maxDepth = Math.max(1, Math.ceil(Math.log2(Math.max(2, samples))));
    const nodes = 2 ** (maxDepth + 1) - 1;
    const forest: Forest = {
      trees,
      nodes,
      feature: new Int32Array(trees * nodes),
      threshold: new Float32Array(trees * nodes),
      size: new Int32Array(trees * nodes),
      samples,
    };
    const rng = createRng(seed);
    this.background = windowBlock(
      train,
      w,
      sampleIndices(count, BACKGROUND, (n) => rng.nextInt(n)),
    );
    for (let t = 0; t < trees; t++) {
      const picked = sampleIndices(count, samples, (n) => rng.nextInt(n));
      const block = windowBlock(train, w, picked);
      growTree(
        forest,
        t,
        block,
        d,
        Array.from({ length: picked.length }, (_, i) => i),
        maxDepth,
        rng,
      );
    }
    this.forest = forest;
  }

  /** The isolation score of one window of d values. */
  private windowScore(x: Float32Array): number {
    const f = this.forest!;
    let pathSum = 0;
    for (let t = 0; t < f.trees; t++) {
      const base = t * f.nodes;
      let node = 0;
      let depth = 0;
      for (;;) {
        const feat = f.feature[base + node]!;
        if (feat < 0) break;
        node = x[feat]! < f.threshold[base + node]! ? 2 * node + 1 : 2 * node + 2;
        depth++;
      }
      pathSum += depth + averagePathLength(f.size[base + node]!);
    }
    return 2 ** (-pathSum / f.trees / (averagePathLength(f.samples) || 1));
  }

  protected override stepScores(p: Prepared): Float32Array {
    const d = this.config.window * p.channels;
    const count = p.steps - this.config.window + 1;
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++)
      out[i] = this.windowScore(p.data.subarray(i * p.channels, i * p.channels + d));
    return this.spread(out, 1);
  }

  protected contributions(p: Prepared): Float32Array {
    const w = this.config.window;
    const ch = p.channels;
    const d = w * ch;
    const count = p.steps - w + 1;
    const out = new Float32Array(count * ch);
    const buf = new Float32Array(d);
    const drops = new Float64Array(ch);
    const background = this.background.length / d;
    for (let i = 0; i < count; i++) {
      const x = p.data.subarray(i * ch, i * ch + d);
      const score = this.windowScore(x);
      if (ch === 1) {
        out[i] = score;
        continue;
      }
      // How much the score falls when one channel comes from typical training windows.
      buf.set(x);
      let total = 0;
      for (let q = 0; q < ch; q++) {
        let swapped = 0;
        for (let b = 0; b < background; b++) {
          for (let j = q; j < d; j += ch) buf[j] = this.background[b * d + j]!;
          swapped += this.windowScore(buf);
        }
        for (let j = q; j < d; j += ch) buf[j] = x[j]!;
        drops[q] = Math.max(0, score - swapped / background);
        total += drops[q]!;
      }
      for (let q = 0; q < ch; q++)
        out[i * ch + q] = total > 0 ? (score * drops[q]!) / total : score / ch;
    }
    return this.spread(out, ch);
  }

  protected saveState(): { weights: Record<string, Tensor>; state: Record<string, unknown> } {
    const f = this.forest!;
    const shape = [f.trees, f.nodes];
    const d = this.config.window * this.channels;
    return {
      weights: {
        feature: tensor(f.feature, shape),
        threshold: tensor(f.threshold, shape),
        size: tensor(f.size, shape),
        background: tensor(this.background, [this.background.length / d, d]),
      },
      state: { samples: f.samples },
    };
  }

  protected loadState(state: Record<string, unknown>, weights: Record<string, Tensor>): void {
    const { feature, threshold, size } = weights;
    if (!feature || !threshold || !size)
      throw new Error("isolation-forest: weights lack 'feature', 'threshold' or 'size'");
    const [trees, nodes] = feature.shape;
    if (feature.rank !== 2 || trees !== this.config.trees)
      throw new Error('isolation-forest: saved trees do not match the configuration');
    const samples = Number(state.samples);
    if (!Number.isInteger(samples) || samples < 1)
      throw new Error('isolation-forest: state lacks the per-tree sample count');
    const background = weights.background;
    const d = this.config.window * this.channels;
    if (!background || background.rank !== 2 || background.shape[1] !== d)
      throw new Error('isolation-forest: saved background windows do not match the window');
    this.background = background.toFloat32Array();
    this.forest = {
      trees: trees!,
      nodes: nodes!,
      feature: Int32Array.from(feature.data() as ArrayLike<number>),
      threshold: threshold.toFloat32Array(),
      size: Int32Array.from(size.data() as ArrayLike<number>),
      samples,
    };
  }

  static fromSaved(manifest: Manifest, weights: Record<string, Tensor>): IsolationForestDetector {
    return new IsolationForestDetector(manifest.config as Partial<IsolationForestConfig>).restore(
      manifest,
      weights,
    );
  }
}
