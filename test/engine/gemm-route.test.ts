// libtorch's float matrix products run through oneDNN (native/gemm_route.cc):
// the route is taken, every transposition BLAS passes maps to the right
// product, and NORMALCY_GEMM=openblas keeps the BLAS library's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  engineThreading,
  manualSeed,
  randn,
  tidy,
  Linear,
  F,
  type Tensor,
} from '../../src/engine/index.js';
import { native } from '../../src/engine/native.js';

/** a [m, k] @ b [k, n] in double precision, from the tensors' values. */
function reference(a: Tensor, b: Tensor): Float64Array {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const x = a.contiguous().data() as Float32Array;
  const y = b.contiguous().data() as Float32Array;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const v = x[i * k + p]!;
      for (let j = 0; j < n; j++) out[i * n + j]! += v * y[p * n + j]!;
    }
  return out;
}

function assertClose(got: Tensor, want: Float64Array, what: string): void {
  const g = got.contiguous().data() as Float32Array;
  assert.equal(g.length, want.length, what);
  for (let i = 0; i < g.length; i++) {
    const tol = 1e-4 * (1 + Math.abs(want[i]!));
    assert.ok(Math.abs(g[i]! - want[i]!) <= tol, `${what}: element ${i} ${g[i]} vs ${want[i]}`);
  }
}

test('matrix products run through oneDNN by default', () => {
  assert.equal(engineThreading().gemm, 'onednn');
  const before = native().gemmRouted!();
  tidy(() =>
    randn([64, 32])
      .matmul(randn([32, 16]))
      .sum()
      .item(),
  );
  assert.ok(native().gemmRouted!() > before, 'the product did not reach the oneDNN route');
});

test('every transposition and odd shapes give the product BLAS defines', () => {
  manualSeed(3);
  for (const [m, k, n] of [
    [1, 1, 1],
    [7, 5, 3],
    [33, 100, 17],
    [256, 65, 192],
  ] as [number, number, number][]) {
    tidy(() => {
      const a = randn([m, k]);
      const b = randn([k, n]);
      const want = reference(a, b);
      // Transposed views reach BLAS as transa/transb = 'T' rather than as copies.
      const aT = randn([k, m]);
      const bT = randn([n, k]);
      assertClose(a.matmul(b), want, `${m}x${k}x${n} NN`);
      assertClose(
        aT.transpose(0, 1).matmul(b),
        reference(aT.transpose(0, 1), b),
        `${m}x${k}x${n} TN`,
      );
      assertClose(
        a.matmul(bT.transpose(0, 1)),
        reference(a, bT.transpose(0, 1)),
        `${m}x${k}x${n} NT`,
      );
      assertClose(
        aT.transpose(0, 1).matmul(bT.transpose(0, 1)),
        reference(aT.transpose(0, 1), bT.transpose(0, 1)),
        `${m}x${k}x${n} TT`,
      );
    });
  }
});

test('a linear layer trains on the routed products: gradients match the formula', () => {
  manualSeed(5);
  tidy(() => {
    const layer = new Linear(20, 7);
    const x = randn([50, 20]);
    const y = randn([50, 7]);
    const loss = F.mse(layer.forward(x), y);
    loss.backward();
    // d mse / d W = 2 / (n * out) * (xW^T + b - y)^T x
    const residual = layer
      .forward(x)
      .detach()
      .sub(y)
      .mul(2 / (50 * 7));
    const want = reference(residual.transpose(0, 1), x);
    assertClose(layer.weight.grad!, want, 'weight gradient');
  });
});

test('NORMALCY_GEMM=openblas keeps the BLAS library, with the same products', () => {
  const engineUrl = new URL('../../src/engine/index.js', import.meta.url).href;
  const nativeUrl = new URL('../../src/engine/native.js', import.meta.url).href;
  const child = `
import { manualSeed, randn, engineThreading } from ${JSON.stringify(engineUrl)};
import { native } from ${JSON.stringify(nativeUrl)};
manualSeed(7);
const a = randn([40, 30]), b = randn([30, 20]);
const s = a.matmul(b).sum().item();
console.log(JSON.stringify({ gemm: engineThreading().gemm, routed: native().gemmRouted(), s }));
`;
  const run = (env: NodeJS.ProcessEnv) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      gemm: string;
      routed: number;
      s: number;
    };
  };
  const blas = run({ ...process.env, NORMALCY_GEMM: 'openblas' });
  const onednn = run({ ...process.env, NORMALCY_GEMM: '' });
  assert.equal(blas.gemm, 'openblas');
  assert.equal(blas.routed, 0);
  assert.equal(onednn.gemm, 'onednn');
  assert.ok(onednn.routed > 0);
  assert.ok(
    Math.abs(blas.s - onednn.s) < 1e-3 * (1 + Math.abs(blas.s)),
    `${blas.s} vs ${onednn.s}`,
  );
});
