// `normalcy train`: fit a detector on normal data, set its threshold at a
// target false-positive rate on held-out normal data, save the model.
import type { Command } from 'commander';
import { sliceRows } from '../../data/series.js';
import {
  createDetector,
  describeDetectorFields,
  detectorNames,
  validateDetectorConfig,
} from '../../detectors/registry.js';
import { DEFAULT_SEED } from '../../data/random.js';
import { scoredPart } from '../../detectors/scored-steps.js';
import { thresholdAtTargetRate } from '../../thresholds/target-rate.js';
import { FORECASTER_DEFAULTS } from '../../detectors/forecaster.js';
import { addDataOptions, readDataFile, type DataFlags } from '../data-flags.js';
import {
  fractionFlag,
  intFlag,
  progress,
  readConfigFile,
  UsageError,
  inFile,
  fitWithProgress,
} from '../common.js';

interface TrainFlags extends DataFlags {
  detector: string;
  data: string;
  config?: string;
  network?: string;
  window?: number;
  horizon?: number;
  epochs?: number;
  seed: number;
  validation?: string;
  validationSplit: number;
  fpr: number;
  out: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description(
      'train a detector on normal data and save it with a threshold from held-out normal data',
    )
    .option('--detector <name>', `detector (${detectorNames().join(', ')})`, 'forecaster')
    .requiredOption('--out <dir>', 'model directory to write')
    .option(
      '--config <file>',
      "detector configuration (.json, or YAML: .yaml/.yml); flags override its fields (default: the detector's defaults)",
    )
    .option(
      '--network <kind>',
      `forecaster network: dense, lstm, gru or stacked (default: ${FORECASTER_DEFAULTS.network})`,
    )
    .option(
      '--window <n>',
      `past steps per window (default: the detector's, ${FORECASTER_DEFAULTS.window} for the forecaster)`,
      intFlag('--window'),
    )
    .option(
      '--horizon <n>',
      `future steps to predict (default: ${FORECASTER_DEFAULTS.horizon})`,
      intFlag('--horizon'),
    )
    .option(
      '--epochs <n>',
      `training epochs (default: the detector's, ${FORECASTER_DEFAULTS.epochs} for the forecaster)`,
      intFlag('--epochs'),
    )
    .option('--seed <n>', 'random seed (same seed, same model)', intFlag('--seed', 0), DEFAULT_SEED)
    .option(
      '--validation <file>',
      'held-out normal series (default: the last --validation-split of --data)',
    )
    .option(
      '--validation-split <fraction>',
      'share of --data held out when no --validation',
      fractionFlag('--validation-split'),
      0.2,
    )
    .option(
      '--fpr <rate>',
      'target false-positive rate of the threshold on held-out normal data',
      fractionFlag('--fpr'),
      0.01,
    )
    .option('--json', 'end with one JSON line of the training summary (default: off)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy train --detector forecaster --network lstm --data normal.csv --window 25 --epochs 5 --out model/\n  normalcy train --detector autoencoder --config ae.yaml --data normal.csv --out model/\n  normalcy train --detector pca --data normal.csv --validation held-out.csv --fpr 0.005 --out model/\n\nThe config file holds detector fields (e.g. network, window, hidden, epochs,\nsmoothing: {kind, span}); unknown fields and out-of-range values are refused\nwith the allowed ones.',
    )
    .addHelpText(
      'after',
      () => `\nDetector fields (name = default (allowed)):\n${describeDetectorFields()}`,
    );
  addDataOptions(command, false, 'normal training series');
  command.action(async (f: TrainFlags) => {
    if (!detectorNames().includes(f.detector))
      throw new UsageError(
        `--detector: unknown detector '${f.detector}' (available: ${detectorNames().join(', ')})`,
      );
    const fileConfig = readConfigFile(f.config);
    // The file's fields are checked on their own first, so a bad one names the file.
    if (f.config) {
      try {
        validateDetectorConfig(f.detector, { ...fileConfig });
      } catch (err) {
        if (err instanceof UsageError) throw new UsageError(`${f.config}: ${err.message}`);
        throw err;
      }
    }
    const config = { ...fileConfig };
    if (f.network) config.network = f.network;
    if (f.window) config.window = f.window;
    if (f.horizon) config.horizon = f.horizon;
    if (f.epochs) config.epochs = f.epochs;
    validateDetectorConfig(f.detector, config);
    const read = await readDataFile(f.data, f);
    const all = read.series;
    let train = all;
    let validation = f.validation
      ? (await readDataFile(f.validation, { ...f, table: undefined, query: undefined })).series
      : undefined;
    if (!validation) {
      const cut = Math.floor(all.length * (1 - f.validationSplit));
      train = sliceRows(all, 0, cut);
      validation = sliceRows(all, cut);
    }
    const detector = inFile(f.config ?? '--detector', () => createDetector(f.detector, config));
    const epochs = (detector.config as { epochs?: number }).epochs ?? 1;
    const summary = await inFile(f.data, () =>
      fitWithProgress(detector, train, { validation, seed: f.seed }, epochs),
    );
    const heldOut = f.validation ?? f.data;
    const normalScores = inFile(heldOut, () => scoredPart(detector, detector.score(validation)));
    const { threshold, warning } = inFile(heldOut, () =>
      thresholdAtTargetRate(normalScores, f.fpr),
    );
    if (warning) progress(`warning: ${warning}`);
    detector.save(f.out, {
      threshold: { ...threshold },
      normalScores,
      ...(all.names ? { channelNames: all.names } : {}),
      ...(read.timeColumn !== undefined ? { timeColumn: read.timeColumn } : {}),
    });
    const result = {
      model: f.out,
      epochs: summary.epochs,
      seconds: +summary.seconds.toFixed(2),
      final_loss: summary.finalLoss,
      best_validation_loss: summary.bestValidationLoss,
      threshold: threshold.value,
      target_fpr: f.fpr,
      threshold_kind: threshold.kind,
      realised_fpr: threshold.kind === 'fpr' ? threshold.realisedFpr : undefined,
      ...(warning ? { warning } : {}),
    };
    console.log(
      `model saved to ${f.out} (${summary.epochs} epochs, ${summary.seconds.toFixed(1)} s); threshold ${threshold.value.toPrecision(5)} at ${f.fpr} FPR on ${normalScores.length} held-out normal scores${threshold.kind === 'evt' ? ' (extrapolated, peaks over threshold)' : ''}`,
    );
    if (f.json) console.log(JSON.stringify(result));
  });
}
