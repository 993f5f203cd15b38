// NAB's scaled sigmoid: maps a row's position relative to a window to a reward
// in (-1, 1). Position -1 is the window's first row (reward ~0.987), values
// near 0 its last row (reward ~0); positive positions lie after the window and
// give penalties approaching -1, fixed at -1 beyond 3 window lengths.
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}
