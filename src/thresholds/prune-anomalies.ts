// Pruning of anomalous sequences (Hundman et al. 2018, section 3.3): the
// sequence maxima are sorted in descending order and the largest
// non-anomalous error is appended; d(i) = (max(i) - max(i + 1)) / max(i) is
// the percent decrease from one to the next. If the last i where d(i) >= p is
// k, the sequences of the k + 1 largest maxima stay anomalous and all the
// others (whose decreases, and those of every later one, are all below p) are
// reclassified as nominal.

/** One flag per sequence: true to keep it as an anomaly. */
export function pruneSequences(
  sequenceMax: readonly number[],
  nonAnomalousMax: number,
  p: number,
): boolean[] {
  const order = sequenceMax.map((_, i) => i).sort((a, b) => sequenceMax[b]! - sequenceMax[a]!);
  const sorted = order.map((i) => sequenceMax[i]!);
  sorted.push(nonAnomalousMax);
  let last = -1;
  for (let i = 0; i < order.length; i++) {
    const hi = sorted[i]!;
    const decrease = hi > 0 ? (hi - sorted[i + 1]!) / hi : 0;
    if (decrease >= p) last = i;
  }
  const keep = new Array<boolean>(sequenceMax.length).fill(false);
  for (let i = 0; i <= last; i++) keep[order[i]!] = true;
  return keep;
}
