// `normalcy threshold`: set or change a saved model's threshold without
// retraining, from the held-out normal scores saved with it (or a fixed value).
import type { Command } from 'commander';
import { updateManifest, type Manifest } from '../../detectors/model-dir.js';
import { thresholdAtPercentile } from '../../thresholds/percentile.js';
import { fixedThresholds } from '../../thresholds/fixed.js';
import type { Threshold } from '../../thresholds/types.js';
import { parseThreshold } from '../../thresholds/serialize.js';
import { boundedFlag, fractionFlag, numberFlag, progress, UsageError } from '../common.js';
import { addDataOptions, readDataFile, type DataFlags } from '../data-flags.js';
import { loadModel } from '../../detectors/registry.js';
import { scoredPart } from '../../detectors/scored-steps.js';
import { impliedRate, thresholdAtTargetRate } from '../../thresholds/target-rate.js';

interface ThresholdFlags extends DataFlags {
  model: string;
  recalibrate?: string;
  fpr?: number;
  percentile?: number;
  value?: number;
  json?: boolean;
}

export function registerThreshold(program: Command): void {
  const command = program
    .command('threshold')
    .description("set a saved model's threshold without retraining")
    .requiredOption('--model <dir>', 'model directory written by train')
    .option(
      '--fpr <rate>',
      'at this false-positive rate on the held-out normal scores (default: none; give one of --fpr, --percentile, --value, --recalibrate)',
      fractionFlag('--fpr'),
    )
    .option(
      '--percentile <p>',
      'at this percentile (0-100) of the held-out normal scores (default: none)',
      boundedFlag('--percentile', 0, 100),
    )
    .option('--value <v>', 'a fixed value (default: none)', numberFlag('--value'))
    .option(
      '--recalibrate <file>',
      "recent data you declare normal: its scores become the model's held-out normal scores and the threshold is set on them at --fpr (default: the model's current target rate)",
    )
    .option('--json', 'end with one JSON line of the new threshold (default: off)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy threshold --model model/ --fpr 0.005\n  normalcy threshold --model model/ --value 0.8\n  normalcy threshold --model model/ --recalibrate last-week.csv --fpr 0.01\n\nAfter a drift finding ("the data no longer looks like training"), recalibrate on\nrecent data you know to be normal, or retrain.',
    );
  addDataOptions(command, true);
  command.action(async (f: ThresholdFlags) => {
    if (f.recalibrate !== undefined) return await recalibrate(f);
    const given = [f.fpr, f.percentile, f.value].filter((v) => v !== undefined).length;
    if (given !== 1)
      throw new UsageError('give exactly one of --fpr, --percentile, --value or --recalibrate');
    // The threshold is set on the normal scores of the version it is written over.
    let threshold!: Threshold;
    updateManifest(f.model, (m, normal) => {
      if (f.value !== undefined) {
        threshold = fixedThresholds([f.value])[0]!;
      } else {
        if (!normal)
          throw new Error(`${f.model}: the model has no held-out normal scores; use --value`);
        if (f.fpr !== undefined) {
          const chosen = thresholdAtTargetRate(normal, f.fpr);
          if (chosen.warning) progress(`warning: ${chosen.warning}`);
          threshold = chosen.threshold;
        } else threshold = thresholdAtPercentile(normal, f.percentile!);
      }
      return { ...m, threshold: { ...threshold } };
    });
    console.log(
      `threshold of ${f.model} set to ${threshold.value.toPrecision(6)} (${threshold.kind})`,
    );
    if (f.json) console.log(JSON.stringify(threshold));
  });
}

/** Scores data declared normal and makes them the model's held-out normal scores. */
async function recalibrate(f: ThresholdFlags): Promise<void> {
  if (f.percentile !== undefined || f.value !== undefined)
    throw new UsageError('--recalibrate takes --fpr only (not --percentile or --value)');
  // One read of one version: the detector that scores, its manifest and old scores.
  const saved = loadModel(f.model);
  const { detector, manifest } = saved;
  const old = manifest.threshold ? parseThreshold(manifest.threshold) : undefined;
  const rate = f.fpr ?? (old ? impliedRate(old, saved.normalScores) : 0.01);
  const read = await readDataFile(f.recalibrate!, f, manifest);
  if (read.note) progress(`${f.recalibrate}: ${read.note}`);
  const normalScores = scoredPart(detector, detector.score(read.series));
  if (normalScores.length === 0)
    throw new UsageError(
      `--recalibrate ${f.recalibrate}: no step could be scored (the file is shorter than the model's window)`,
    );
  const { threshold, warning } = thresholdAtTargetRate(normalScores, rate);
  if (warning) progress(`warning: ${warning}`);
  // A new version of the same weights with the new normal scores and threshold.
  updateManifest(f.model, (m: Manifest) => ({ ...m, threshold: { ...threshold } }), {
    normalScores,
    basedOn: saved.path,
  });
  console.log(
    `threshold of ${f.model} recalibrated on ${normalScores.length} scores of ${f.recalibrate}: ${threshold.value.toPrecision(6)} at ${rate} false-positive rate (was ${old ? old.value.toPrecision(6) : 'none'})`,
  );
  if (f.json) console.log(JSON.stringify(threshold));
}
