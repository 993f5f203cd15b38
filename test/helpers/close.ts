// Approximate equality for tests: one number, or two arrays element by element.
import assert from 'node:assert/strict';

/** Asserts |a - b| <= eps. */
export function close(a: number, b: number, eps = 1e-12): void {
  assert.ok(Math.abs(a - b) <= eps, `${a} is not ${b}`);
}

/** Asserts equal lengths and |a[i] - b[i]| <= tol at every index. */
export function closeAll(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(a.length, b.length, `length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
}
