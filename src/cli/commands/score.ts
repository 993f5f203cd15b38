// `normalcy score`: score a series with a saved model, one score per step.
import type { Command } from 'commander';
import { loadModel } from '../../detectors/registry.js';
import { applyThreshold } from '../../thresholds/apply.js';
import { parseThreshold } from '../../thresholds/serialize.js';
import { inFile, scoreFile, writeScoresCsv } from '../common.js';

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('score a series with a saved model (higher = more anomalous)')
    .requiredOption('--model <dir>', 'model directory written by train')
    .requiredOption('--data <file>', 'series to score')
    .requiredOption(
      '--out <file>',
      'scores CSV to write (step, score, and anomalous when the model has a threshold)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  normalcy score --model model/ --data abn.csv --out scores.csv',
    )
    .action((f: { model: string; data: string; out: string }) => {
      // One read of one model version: the threshold comes from the same manifest as the weights.
      const model = loadModel(f.model);
      const { manifest } = model;
      const scores = scoreFile(model, f.data);
      const flags = manifest.threshold
        ? inFile(f.model, () =>
            applyThreshold(scores, parseThreshold(manifest.threshold, 'manifest.json threshold')),
          )
        : undefined;
      writeScoresCsv(f.out, scores, flags);
      console.log(`${scores.length} scores written to ${f.out}`);
    });
}
