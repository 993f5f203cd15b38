// `normalcy score`: score a series with a saved model, one score per step, with
// the timestamp and each channel's contribution (steps not scoreable yet empty).
import type { Command } from 'commander';
import { applyThreshold } from '../../thresholds/apply.js';
import { markUnscored } from '../../detectors/scored-steps.js';
import { contributionNames } from '../../alarms/detector-incidents.js';
import { writeScoresCsv } from '../common.js';
import { addDataOptions, type DataFlags } from '../data-flags.js';
import { openModelRun } from '../model-run.js';

export function registerScore(program: Command): void {
  const command = program
    .command('score')
    .description('score a series with a saved model (higher = more anomalous)')
    .requiredOption('--model <dir>', 'model directory written by train')
    .requiredOption('--data <file>', 'series to score')
    .requiredOption(
      '--out <file>',
      'scores CSV to write: step, timestamp (when the data has one), score, anomalous (at the model threshold), contribution_<channel>',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy score --model model/ --data abn.csv --out scores.csv\n  normalcy score --model model/ --data metrics.csv --time-column time --out scores.csv\n\nSteps the model cannot score yet (the first window) have empty cells.',
    );
  addDataOptions(command, true);
  command.action((f: DataFlags & { model: string; data: string; out: string }) => {
    const run = openModelRun(f);
    const scores = markUnscored(run.detector, run.detector.score(run.series));
    const contributions = run.detector.explain(run.series);
    const width = run.series.length > 0 ? contributions.length / run.series.length : 0;
    const flags = applyThreshold(
      scores.map((s) => (Number.isFinite(s) ? s : -Infinity)),
      run.threshold,
    );
    writeScoresCsv(f.out, scores, flags, {
      ...(run.series.timestamps ? { timestamps: run.series.timestamps } : {}),
      contributions,
      names: contributionNames(run.detector, run.series, width),
    });
    console.log(`${scores.length} scores written to ${f.out}`);
  });
}
