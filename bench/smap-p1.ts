// SMAP channel P-1 with telemanom's protocol (a script, not a test): an LSTM
// forecaster trained on the training series predicts the telemetry (column 0)
// 10 steps ahead from the 250 before; its per-step absolute error on the test
// series goes through the dynamic threshold, and the flagged ranges are
// counted against P-1's three labelled ranges (event level: a labelled range
// any flagged range overlaps is found, a flagged range overlapping none is a
// false positive). Ends with one JSON line.
//
// Run: node dist/bench/smap-p1.js [epochs] [trainShift] [hidden, e.g. 80,80] [seed]
// Defaults, to stay within about 3 minutes on 2 cores: 15 epochs on every 2nd
// training window, LSTM [32, 32] (one [80, 80] epoch costs about as much as
// ten [32, 32] ones here), batch 64, Adam 1e-3, seed 0, column 0 only.
// telemanom itself trains [80, 80] for up to 35 epochs with early stopping on
// a 20% validation split and also feeds the 24 command-flag columns.
import { readSeries } from '../src/data/read-series.js';
import { readTelemanomLabels } from '../src/data/telemanom.js';
import { eventCountsFromRanges } from '../src/metrics/event-level.js';
import { dynamicThreshold, TELEMANOM_THRESHOLD } from '../src/thresholds/dynamic-threshold.js';
import { smapErrors, smapForecaster, smapIgnoredSteps } from '../src/cli/bench/smap-worker.js';
import { dataset } from '../test/helpers/datasets.js';

const epochs = Number(process.argv[2] ?? 15);
const trainShift = Number(process.argv[3] ?? 2);
const hidden = (process.argv[4] ?? '32,32').split(',').map(Number);
const seed = Number(process.argv[5] ?? 0);
const channel = 'P-1';
const window = 250;
const horizon = 10;

const train = readSeries(dataset('smap_msl', 'train', `${channel}.npy.gz`), { columns: [0] });
const test = readSeries(dataset('smap_msl', 'test', `${channel}.npy.gz`), { columns: [0] });
const label = readTelemanomLabels(dataset('smap_msl', 'labeled_anomalies.csv')).find(
  (l) => l.channel === channel,
);
if (!label) throw new Error(`no label row for ${channel}`);
console.log(
  `${channel}: train ${train.length} steps, test ${test.length} steps, labelled ${JSON.stringify(label.ranges)}`,
);

// The benchmark's forecaster and threshold settings (smap-worker.ts); P-1 adds
// per-epoch logging and telemanom's flattening of the first smoothed errors.
const forecaster = smapForecaster({ hidden, window, horizon, trainShift, epochs });
const summary = await forecaster.fit(train, {
  seed,
  onEpoch: (r) =>
    console.log(`epoch ${r.epoch}: loss ${r.loss.toExponential(3)} (${r.seconds.toFixed(1)} s)`),
});

// The errors start at step `window` (no earlier prediction), so the ranges are
// shifted back, as telemanom's test errors also start at step 250.
const errors = smapErrors(forecaster, test, window);
const values = test.data.subarray(window);
const t0 = performance.now();
const result = dynamicThreshold(errors, {
  ...TELEMANOM_THRESHOLD,
  values,
  ignoreFirst: smapIgnoredSteps(test.length, window),
  flattenFirst: window,
});
const thresholdSeconds = (performance.now() - t0) / 1000;
const predicted = result.ranges.map(([a, b]) => ({ start: a + window, end: b + window }));
const labelled = [...label.ranges]
  .map(([start, end]) => ({ start, end }))
  .sort((a, b) => a.start - b.start);
const counts = eventCountsFromRanges(predicted, labelled);

predicted.forEach((r, i) =>
  console.log(`flagged [${r.start}, ${r.end}] severity ${result.scores[i]!.toFixed(3)}`),
);
console.log(
  `found ${counts.tp} of ${labelled.length} labelled ranges, ${counts.fp} false positives; ` +
    `training ${summary.seconds.toFixed(1)} s (${summary.epochs} epochs), threshold ${thresholdSeconds.toFixed(2)} s`,
);
console.log(
  JSON.stringify({
    channel,
    found: counts.tp,
    labelled: labelled.length,
    fp: counts.fp,
    fn: counts.fn,
    trainSeconds: Number(summary.seconds.toFixed(1)),
    thresholdSeconds: Number(thresholdSeconds.toFixed(3)),
    epochs: summary.epochs,
    trainShift,
    hidden,
    seed,
    finalLoss: summary.finalLoss,
    predicted: predicted.map((r) => [r.start, r.end]),
  }),
);
