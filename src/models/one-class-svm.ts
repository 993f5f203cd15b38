// One-Class SVM (Schölkopf et al., 2001) with an RBF kernel, k(x, y) = exp(-gamma |x - y|²),
// trained by libsvm's solver through the addon (native/svm.cc), as scikit-learn's
// OneClassSVM is. The decision function is sum_i coef_i k(x, sv_i) - rho: positive
// inside the learned support of the training data, negative outside; nu bounds the
// share of training points left outside from above and of support vectors from below.
// Anomaly scores are the negated decision values, so higher means more anomalous.
import { native, type OneClassSvmHandle } from '../engine/native.js';

/** scikit-learn's gamma choices: a positive number, 1 / cols ('auto') or 1 / (cols * var(X)) ('scale'). */
export type OneClassSvmGamma = number | 'scale' | 'auto';

export interface OneClassSvmOptions {
  /** Upper bound on the share of training outliers, lower bound on support vectors; in (0, 1]. Default 0.5. */
  nu?: number;
  /** RBF kernel width. Default 'scale', as in scikit-learn. */
  gamma?: OneClassSvmGamma;
  /** libsvm's stopping tolerance. Default 1e-3. */
  tol?: number;
  /** libsvm's kernel cache in MB. Default 200. */
  cacheMb?: number;
  /** libsvm's shrinking heuristic. Default true. */
  shrinking?: boolean;
}

/** What `toJSON` writes and `fromJSON` reads. */
export interface OneClassSvmState {
  kind: 'one-class-svm';
  cols: number;
  nu: number;
  gamma: number;
  rho: number;
  /** Dual coefficients of the support vectors. */
  coef: number[];
  /** Support vectors, row-major: coef.length rows of cols values. */
  supportVectors: number[];
}

type Matrix = Float32Array | Float64Array;

function checkCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${value}`);
  }
}

/** Checks shape and finiteness; returns the data as float64 (copied only from float32). */
function asFloat64(x: Matrix, rows: number, cols: number): Float64Array {
  if (!(x instanceof Float32Array) && !(x instanceof Float64Array)) {
    throw new TypeError('data must be a Float32Array or Float64Array');
  }
  checkCount(rows, 'rows');
  checkCount(cols, 'cols');
  if (x.length !== rows * cols) {
    throw new RangeError(
      `data has ${x.length} values, expected rows * cols = ${rows} * ${cols} = ${rows * cols}`,
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      const r = Math.floor(i / cols);
      throw new RangeError(`data must be finite: row ${r}, column ${i - r * cols} is ${x[i]}`);
    }
  }
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/**
 * The gamma scikit-learn would use: 'auto' = 1 / cols, 'scale' = 1 / (cols * var(X)) with
 * X's population variance over all values (1 when X is constant).
 */
export function resolveGamma(gamma: OneClassSvmGamma, x: Matrix, cols: number): number {
  if (gamma === 'auto') return 1 / cols;
  if (gamma === 'scale') {
    const n = x.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i]!;
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (x[i]! - mean) ** 2;
    const variance = sq / n;
    return variance !== 0 ? 1 / (cols * variance) : 1;
  }
  if (typeof gamma !== 'number' || !Number.isFinite(gamma) || gamma <= 0) {
    throw new RangeError(`gamma must be a positive number, 'scale' or 'auto', got ${gamma}`);
  }
  return gamma;
}

/** A one-class SVM; fit it, or restore one with `fromJSON`. */
export class OneClassSvm {
  private handle: OneClassSvmHandle | undefined;
  private fittedCols = 0;
  private fittedNu = 0;
  private fittedGamma = 0;
  private fittedRho = 0;
  private support: Int32Array | undefined;

  /** Trains on `rows` rows of `cols` values (row-major). Returns this. */
  fit(x: Matrix, rows: number, cols: number, options: OneClassSvmOptions = {}): this {
    const data = asFloat64(x, rows, cols);
    const nu = options.nu ?? 0.5;
    if (typeof nu !== 'number' || !(nu > 0 && nu <= 1)) {
      throw new RangeError(`nu must be in (0, 1], got ${nu}`);
    }
    const gamma = resolveGamma(options.gamma ?? 'scale', data, cols);
    const handle = new (native().OneClassSvmHandle)();
    const result = handle.fit(data, rows, cols, {
      nu,
      gamma,
      tol: options.tol ?? 1e-3,
      cacheMb: options.cacheMb ?? 200,
      shrinking: options.shrinking ?? true,
    });
    this.handle = handle;
    this.fittedCols = cols;
    this.fittedNu = nu;
    this.fittedGamma = gamma;
    this.fittedRho = result.rho;
    this.support = result.supportIndices;
    return this;
  }

  /** Number of features the model was fitted on. */
  get cols(): number {
    this.fitted();
    return this.fittedCols;
  }

  /** nu the model was trained with. */
  get nu(): number {
    this.fitted();
    return this.fittedNu;
  }

  /** The kernel width used (resolved from 'scale' or 'auto'). */
  get gamma(): number {
    this.fitted();
    return this.fittedGamma;
  }

  /** libsvm's offset: decision = sum_i coef_i k(x, sv_i) - rho. */
  get rho(): number {
    this.fitted();
    return this.fittedRho;
  }

  /** Training-row indices of the support vectors; undefined for a model from `fromJSON`. */
  get supportIndices(): Int32Array | undefined {
    this.fitted();
    return this.support;
  }

  /** libsvm's decision values, one per row: positive inside (normal), negative outside. */
  decisionFunction(x: Matrix, rows: number): Float64Array {
    const handle = this.fitted();
    return handle.decision(asFloat64(x, rows, this.fittedCols), rows);
  }

  /** Anomaly scores, -decision: higher is more anomalous, above 0 outside the support. */
  score(x: Matrix, rows: number): Float64Array {
    const d = this.decisionFunction(x, rows);
    for (let i = 0; i < d.length; i++) d[i] = -d[i]!;
    return d;
  }

  /** The fitted parameters, JSON-able; numbers survive JSON text exactly. */
  toJSON(): OneClassSvmState {
    const s = this.fitted().serialize();
    return {
      kind: 'one-class-svm',
      cols: s.cols,
      nu: this.fittedNu,
      gamma: s.gamma,
      rho: s.rho,
      coef: s.coef,
      supportVectors: s.supportVectors,
    };
  }

  /** Restores a model saved with `toJSON`, validating the state; decisions are bit-identical. */
  static fromJSON(state: unknown): OneClassSvm {
    const s = state as Partial<OneClassSvmState> | null;
    if (s === null || typeof s !== 'object' || s.kind !== 'one-class-svm') {
      throw new RangeError("not a one-class SVM state: kind must be 'one-class-svm'");
    }
    const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    const finiteList = (v: unknown): v is number[] => Array.isArray(v) && v.every(finite);
    if (!Number.isInteger(s.cols) || (s.cols as number) < 1) {
      throw new RangeError('not a one-class SVM state: cols must be a positive integer');
    }
    if (!finite(s.gamma) || s.gamma <= 0 || !finite(s.rho)) {
      throw new RangeError('not a one-class SVM state: gamma must be positive, rho finite');
    }
    if (!finite(s.nu) || !(s.nu > 0 && s.nu <= 1)) {
      throw new RangeError('not a one-class SVM state: nu must be in (0, 1]');
    }
    if (!finiteList(s.coef) || s.coef.length === 0 || !finiteList(s.supportVectors)) {
      throw new RangeError(
        'not a one-class SVM state: coef and supportVectors must be finite number lists',
      );
    }
    const cols = s.cols as number;
    if (s.supportVectors.length !== s.coef.length * cols) {
      throw new RangeError(
        `not a one-class SVM state: ${s.coef.length} support vectors of ${cols} values need ` +
          `${s.coef.length * cols} numbers, got ${s.supportVectors.length}`,
      );
    }
    const handle = new (native().OneClassSvmHandle)();
    handle.load(
      cols,
      s.gamma,
      s.rho,
      Float64Array.from(s.coef),
      Float64Array.from(s.supportVectors),
    );
    const model = new OneClassSvm();
    model.handle = handle;
    model.fittedCols = cols;
    model.fittedNu = s.nu;
    model.fittedGamma = s.gamma;
    model.fittedRho = s.rho;
    return model;
  }

  private fitted(): OneClassSvmHandle {
    if (!this.handle) throw new Error('one-class SVM used before fit (or fromJSON)');
    return this.handle;
  }
}
