// Exponentially weighted moving average of prediction errors, as telemanom
// smooths them (pandas `ewm(span).mean()` with its default adjust=True: the
// weights of the first values are renormalised, so early steps are not pulled
// towards zero).

/** EWMA with alpha = 2 / (span + 1), bias-adjusted at the start; float64 output. */
export function ewmaErrors(errors: ArrayLike<number>, span: number): Float64Array {
  if (!(Number.isFinite(span) && span >= 1)) {
    throw new Error(`ewmaErrors: span must be a number >= 1, got ${span}`);
  }
  const out = new Float64Array(errors.length);
  const decay = 1 - 2 / (span + 1);
  let num = 0;
  let den = 0;
  for (let i = 0; i < errors.length; i++) {
    num = errors[i]! + decay * num;
    den = 1 + decay * den;
    out[i] = num / den;
  }
  return out;
}
