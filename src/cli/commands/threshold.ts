// `normalcy threshold`: set or change a saved model's threshold without
// retraining, from the held-out normal scores saved with it (or a fixed value).
import type { Command } from 'commander';
import { readManifest, readNormalScores, updateManifest } from '../../detectors/model-dir.js';
import { thresholdAtFpr } from '../../thresholds/fpr.js';
import { thresholdAtPercentile } from '../../thresholds/percentile.js';
import { fixedThresholds } from '../../thresholds/fixed.js';
import type { Threshold } from '../../thresholds/types.js';
import { fractionFlag, numberFlag } from '../common.js';

interface ThresholdFlags {
  model: string;
  fpr?: number;
  percentile?: number;
  value?: number;
  json?: boolean;
}

export function registerThreshold(program: Command): void {
  program
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
      numberFlag('--percentile'),
    )
    .option('--value <v>', 'a fixed value (default: none)', numberFlag('--value'))
    .option('--json', 'end with one JSON line of the new threshold (default: off)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy threshold --model model/ --fpr 0.005\n  normalcy threshold --model model/ --value 0.8',
    )
    .action((f: ThresholdFlags) => {
      const given = [f.fpr, f.percentile, f.value].filter((v) => v !== undefined).length;
      if (given !== 1) throw new Error('give exactly one of --fpr, --percentile or --value');
      readManifest(f.model);
      let threshold: Threshold;
      if (f.value !== undefined) {
        threshold = fixedThresholds([f.value])[0]!;
      } else {
        const normal = readNormalScores(f.model);
        if (!normal)
          throw new Error(`${f.model}: the model has no held-out normal scores; use --value`);
        threshold =
          f.fpr !== undefined
            ? thresholdAtFpr(normal, f.fpr)
            : thresholdAtPercentile(normal, f.percentile!);
      }
      updateManifest(f.model, (m) => ({ ...m, threshold: { ...threshold } }));
      console.log(
        `threshold of ${f.model} set to ${threshold.value.toPrecision(6)} (${threshold.kind})`,
      );
      if (f.json) console.log(JSON.stringify(threshold));
    });
}
