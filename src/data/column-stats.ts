// Mean and population standard deviation of one column of row-major data, in
// two passes (the mean first, then the squared deviations from it): the one
// computation behind the z-score scaler, cae-ocsvm's feature standardisation
// and the labelled-channels workflow's window scaling.

/**
 * Mean and population std of `count` values at `offset`, `offset + stride`, ...
 * (one column of a row-major block when stride is its width).
 */
export function columnMeanStd(
  values: ArrayLike<number>,
  offset = 0,
  stride = 1,
  count = Math.floor((values.length - offset + stride - 1) / stride),
): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += values[offset + i * stride]!;
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < count; i++) sq += (values[offset + i * stride]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / count) };
}
