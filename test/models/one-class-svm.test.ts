// One-Class SVM through libsvm: separation, the nu property, sklearn's gamma rules,
// the JSON round trip and input errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OneClassSvm, resolveGamma } from '../../src/models/one-class-svm.js';
import { native } from '../../src/engine/native.js';

/** Seeded standard normals (mulberry32 + Box-Muller). */
function gaussian(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

const ROWS = 300;
const blob = gaussian(ROWS * 2, 7);

test('points far from a 2-D Gaussian blob score higher than the blob', () => {
  const model = new OneClassSvm().fit(blob, ROWS, 2, { nu: 0.1, gamma: 0.5 });
  const inside = Float64Array.from([0, 0, 0.3, -0.2, -0.4, 0.1]);
  const outside = Float64Array.from([6, 6, -7, 0, 0, 8]);
  const sIn = model.score(inside, 3);
  const sOut = model.score(outside, 3);
  for (const s of sIn) assert.ok(s < 0, `inside score ${s} should be negative`);
  for (const s of sOut) assert.ok(s > 0, `outside score ${s} should be positive`);
  assert.ok(Math.max(...sIn) < Math.min(...sOut));
  // score is the negated decision function
  const d = model.decisionFunction(outside, 3);
  assert.deepEqual(
    Array.from(d, (v) => -v),
    Array.from(sOut),
  );
  // float32 input gives the decisions of its float64 values
  const f32 = Float32Array.from(outside);
  assert.deepEqual(
    model.decisionFunction(f32, 3),
    model.decisionFunction(Float64Array.from(f32), 3),
  );
});

test('the share of training points outside is about nu (libsvm nu property)', () => {
  for (const nu of [0.05, 0.1, 0.25, 0.5]) {
    const model = new OneClassSvm().fit(blob, ROWS, 2, { nu, gamma: 'scale' });
    const d = model.decisionFunction(blob, ROWS);
    const share = (keep: (v: number) => boolean): number => d.filter(keep).length / ROWS;
    // nu bounds the share strictly outside from above and the share outside or on the
    // margin from below; margin points sit at |decision| ~ 1e-7 either side of 0.
    const outside = share((v) => v < 0);
    assert.ok(share((v) => v < -1e-3) <= nu + 0.01, `nu=${nu}: too many points clearly outside`);
    assert.ok(share((v) => v < 1e-3) >= nu - 0.01, `nu=${nu}: too few points outside or on margin`);
    assert.ok(Math.abs(outside - nu) <= 0.05, `nu=${nu}: ${outside} of training points outside`);
    const nSupport = model.supportIndices!.length;
    assert.ok(nSupport >= Math.floor(nu * ROWS), `nu=${nu}: ${nSupport} support vectors`);
    for (const i of model.supportIndices!) assert.ok(i >= 0 && i < ROWS);
  }
});

test("gamma 'auto' and 'scale' follow scikit-learn", () => {
  const x = Float64Array.from([1, 2, 3, 4, 5, 7]);
  assert.equal(resolveGamma('auto', x, 3), 1 / 3);
  // population variance of all values: mean 11/3, var = 35/9
  const scale = resolveGamma('scale', x, 3);
  assert.ok(Math.abs(scale - 1 / (3 * (35 / 9))) < 1e-15);
  assert.equal(resolveGamma('scale', new Float64Array(6).fill(2), 3), 1);
  assert.equal(resolveGamma(0.25, x, 3), 0.25);
  const model = new OneClassSvm().fit(blob, ROWS, 2, { nu: 0.2, gamma: 'auto' });
  assert.equal(model.gamma, 0.5);
  const scaled = new OneClassSvm().fit(blob, ROWS, 2, { nu: 0.2 });
  assert.equal(scaled.gamma, resolveGamma('scale', blob, 2));
  assert.equal(scaled.nu, 0.2);
});

test('a JSON round trip gives bit-identical decisions', () => {
  const model = new OneClassSvm().fit(blob, ROWS, 2, { nu: 0.15, gamma: 'scale' });
  const probe = gaussian(200 * 2, 99).map((v) => v * 3);
  const restored = OneClassSvm.fromJSON(JSON.parse(JSON.stringify(model)));
  assert.deepEqual(restored.decisionFunction(probe, 200), model.decisionFunction(probe, 200));
  assert.deepEqual(restored.toJSON(), model.toJSON());
  assert.equal(restored.rho, model.rho);
  assert.equal(restored.cols, 2);
  const state = model.toJSON();
  assert.equal(state.supportVectors.length, state.coef.length * 2);
});

test('bad input is refused with clear errors', () => {
  const m = new OneClassSvm();
  assert.throws(() => m.decisionFunction(blob, ROWS), /before fit/);
  assert.throws(() => m.fit(blob, ROWS, 3), /rows \* cols/);
  assert.throws(() => m.fit(blob, 0, 2), /rows must be a positive integer/);
  assert.throws(() => m.fit(blob, ROWS, 2.5), /cols must be a positive integer/);
  assert.throws(
    () => m.fit([1, 2] as unknown as Float64Array, 1, 2),
    /Float32Array or Float64Array/,
  );
  const nan = Float64Array.from(blob);
  nan[7] = NaN;
  assert.throws(() => m.fit(nan, ROWS, 2), /finite: row 3, column 1 is NaN/);
  for (const nu of [0, -0.1, 1.5, NaN]) {
    assert.throws(() => m.fit(blob, ROWS, 2, { nu }), /nu must be in \(0, 1\]/);
  }
  assert.throws(() => m.fit(blob, ROWS, 2, { gamma: -1 }), /gamma must be/);
  assert.throws(
    () => m.fit(blob, ROWS, 2, { gamma: 'median' as unknown as number }),
    /gamma must be/,
  );
  m.fit(blob, ROWS, 2, { nu: 0.5, gamma: 1 });
  assert.equal(m.nu, 1 / 2);
  assert.throws(() => m.decisionFunction(Float64Array.from([1, 2, 3]), 1), /rows \* cols/);
  assert.throws(() => m.score(Float64Array.from([1, Infinity]), 1), /finite/);
  assert.throws(() => OneClassSvm.fromJSON({ kind: 'scaler' }), /one-class-svm/);
  const state = m.toJSON();
  assert.throws(
    () => OneClassSvm.fromJSON({ ...state, supportVectors: state.supportVectors.slice(1) }),
    /support vectors/,
  );
  assert.throws(() => OneClassSvm.fromJSON({ ...state, gamma: 0 }), /gamma must be positive/);
  assert.throws(() => OneClassSvm.fromJSON({ ...state, coef: [] }), /number lists/);
});

test('the native handle checks its own arguments', () => {
  const h = new (native().OneClassSvmHandle)();
  assert.equal(h.isFitted(), false);
  assert.throws(() => h.decision(blob, ROWS), /before fit/);
  assert.throws(() => h.fit(blob, ROWS, 2, { nu: 1.2, gamma: 1 }), /nu must be in/);
  assert.throws(() => h.fit(blob, ROWS, 2, { nu: 0.5, gamma: 0 }), /gamma must be positive/);
  assert.throws(
    () => h.fit(Float32Array.from(blob) as unknown as Float64Array, ROWS, 2, { nu: 0.5, gamma: 1 }),
    /Float64Array/,
  );
  assert.throws(() => h.fit(blob, ROWS + 1, 2, { nu: 0.5, gamma: 1 }), /rows \* cols/);
  const r = h.fit(blob, ROWS, 2, { nu: 0.5, gamma: 1, tol: 1e-4, cacheMb: 10, shrinking: false });
  assert.equal(r.nSupport, r.supportIndices.length);
  assert.equal(h.isFitted(), true);
  // a failed refit leaves the fitted model in place
  const before = h.decision(blob, ROWS);
  const nan = Float64Array.from(blob);
  nan[0] = NaN;
  assert.throws(() => h.fit(nan, ROWS, 2, { nu: 0.5, gamma: 1 }), /finite/);
  assert.deepEqual(h.decision(blob, ROWS), before);
});
