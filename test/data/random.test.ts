import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, shuffleInPlace } from '../../src/data/index.js';

describe('seeded PRNG', () => {
  it('repeats a sequence for a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      seqA,
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.notDeepEqual(
      seqA,
      Array.from({ length: 5 }, () => c.next()),
    );
  });

  it('gives uniform numbers in [0, 1) and integers in [0, n)', () => {
    const rng = createRng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      counts[rng.nextInt(10)]!++;
    }
    for (const n of counts) assert.ok(n > 1800 && n < 2200, `bucket count ${n}`);
    assert.throws(() => rng.nextInt(0), /n >= 1/);
    assert.throws(() => createRng(1.5), /safe integer/);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const once = shuffleInPlace([...items], createRng(3));
    assert.deepEqual(
      [...once].sort((x, y) => x - y),
      items,
    );
    assert.notDeepEqual(once, items);
    assert.deepEqual(shuffleInPlace([...items], createRng(3)), once);
  });
});
