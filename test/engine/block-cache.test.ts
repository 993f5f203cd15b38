// The cache of large tensor buffers (native/block_cache.cc): scoring batches
// reuse the buffers the previous batch freed, within a cap, with outputs equal
// to the uncached path; 0 turns it off; training turns it off while it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  Conv1d,
  LeakyReLU,
  Linear,
  MaxPool1d,
  ReLU,
  Sequential,
  Upsample,
  blockCacheStats,
  enterTrainingAllocator,
  manualSeed,
  noGrad,
  randn,
  setBlockCacheCap,
  tidy,
  type BlockCacheStats,
  type Module,
  type Tensor,
} from '../../src/engine/index.js';
import {
  DEFAULT_BLOCK_CACHE_MB,
  blockCacheBytesFromEnvironment,
  blockCacheCapSetting,
} from '../../src/engine/native.js';

const MiB = 2 ** 20;

function stats(): BlockCacheStats {
  const s = blockCacheStats();
  assert.ok(s, 'the addon has a block cache');
  return s;
}

/** A conv1d autoencoder-like stack: its intermediates at a few hundred windows are 128 KiB+. */
function convNet(): Module {
  manualSeed(1);
  return new Sequential(
    new Conv1d(1, 16, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool1d(2),
    new Conv1d(16, 32, 5, { padding: 2 }),
    new ReLU(),
    new Upsample(2),
    new Conv1d(32, 1, 5, { padding: 2 }),
  ).eval();
}

/** Scores `x` in eval mode without gradients; returns the output's values. */
const score = (net: Module, x: Tensor): Float32Array =>
  noGrad(() => tidy(() => net.forward(x).toFloat32Array()));

test('cached and uncached scoring give the same outputs, and the cache serves repeated batches', () => {
  const net = convNet();
  const x = randn([700, 1, 48]);
  const before = blockCacheCapSetting();
  try {
    setBlockCacheCap(0);
    const uncached = score(net, x);
    setBlockCacheCap(64 * MiB);
    const first = score(net, x);
    const hits0 = stats().hits;
    const second = score(net, x);
    const s = stats();
    assert.ok(s.installed);
    assert.ok(s.hits > hits0, `the second batch reused cached blocks (${s.hits} hits)`);
    assert.ok(s.cachedBytes > 0 && s.cachedBytes <= 64 * MiB);
    assert.deepEqual(first, uncached);
    assert.deepEqual(second, uncached);
    // Dense layers with a leaky ReLU (the dense autoencoder's fused path) too.
    manualSeed(2);
    const dense = new Sequential(new Linear(48, 64), new LeakyReLU(0.01), new Linear(64, 48)).eval();
    const y = randn([900, 48]);
    const cached = [score(dense, y), score(dense, y)];
    setBlockCacheCap(0);
    assert.deepEqual(cached[0], score(dense, y));
    assert.deepEqual(cached[1], score(dense, y));
  } finally {
    setBlockCacheCap(before);
  }
});

test('the cache stays within its cap over batches of varied shapes, and 0 turns it off', () => {
  const net = convNet();
  const before = blockCacheCapSetting();
  try {
    const cap = 3 * MiB;
    setBlockCacheCap(cap);
    const start = stats();
    let most = 0;
    for (let i = 0; i < 40; i++) {
      // 13 distinct batch sizes: more size classes than the cap can hold at once.
      const x = randn([200 + 97 * (i % 13), 1, 48]);
      score(net, x);
      x.dispose();
      most = Math.max(most, stats().cachedBytes);
    }
    const s = stats();
    assert.ok(most <= cap, `held at most ${most} bytes, cap ${cap}`);
    assert.ok(s.hits > start.hits, 'batches of a size seen before reused blocks');
    assert.ok(s.evictions > start.evictions, 'blocks of sizes not asked for lately were evicted');

    setBlockCacheCap(0);
    const off = stats();
    assert.equal(off.cachedBytes, 0, 'turning it off frees what it held');
    assert.equal(off.cachedBlocks, 0);
    for (let i = 0; i < 3; i++) score(net, randn([500, 1, 48]));
    assert.equal(stats().hits, off.hits, 'off: nothing is served from the cache');
    assert.equal(stats().cachedBytes, 0, 'off: nothing is kept');
  } finally {
    setBlockCacheCap(before);
  }
});

test('training turns the cache off while it runs and restores the cap after', () => {
  const net = convNet();
  const before = blockCacheCapSetting();
  try {
    setBlockCacheCap(32 * MiB);
    score(net, randn([600, 1, 48]));
    assert.ok(stats().cachedBytes > 0);
    const release = enterTrainingAllocator();
    assert.equal(stats().capBytes, 0);
    assert.equal(stats().cachedBytes, 0, 'entering training frees the cached blocks');
    release();
    assert.equal(stats().capBytes, 32 * MiB);
    assert.throws(() => setBlockCacheCap(-1), /block cache cap must be a number of bytes >= 0/);
  } finally {
    setBlockCacheCap(before);
  }
});

test('NORMALCY_BLOCK_CACHE_MB sets the cap at load; 0 leaves torch its own allocator', () => {
  assert.equal(blockCacheBytesFromEnvironment(undefined), DEFAULT_BLOCK_CACHE_MB * MiB);
  assert.equal(blockCacheBytesFromEnvironment('0'), 0);
  assert.equal(blockCacheBytesFromEnvironment(' 1.5 '), 1.5 * MiB);
  assert.throws(() => blockCacheBytesFromEnvironment('lots'), /NORMALCY_BLOCK_CACHE_MB must be/);
  assert.throws(() => blockCacheBytesFromEnvironment('-3'), /NORMALCY_BLOCK_CACHE_MB must be/);
  const engine = new URL('../../src/engine/index.js', import.meta.url).href;
  const script = `import(${JSON.stringify(engine)}).then((e) => { e.randn([2]); console.log(JSON.stringify(e.blockCacheStats())); })`;
  for (const [value, installed, cap] of [
    ['0', false, 0],
    ['8', true, 8 * MiB],
  ] as const) {
    const r = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NORMALCY_BLOCK_CACHE_MB: value },
    });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout.trim()) as BlockCacheStats;
    assert.equal(s.installed, installed, `NORMALCY_BLOCK_CACHE_MB=${value}`);
    assert.equal(s.capBytes, cap);
  }
});
