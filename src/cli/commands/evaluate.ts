// `normalcy evaluate`: scores a labelled series with a saved model and reports
// threshold-free and thresholded metrics. The threshold comes from normal data
// (the model's own, or --fpr on its saved held-out normal scores), never from labels.
import type { Command } from 'commander';
import { loadModel } from '../../detectors/registry.js';
import { evaluateScores } from '../../detectors/evaluation.js';
import { modelFprOption, inFile, modelThreshold, readLabels, scoreFile } from '../common.js';
import { addSourceOptions, readData, type SourceFlags } from '../data-source.js';

export function registerEvaluate(program: Command): void {
  const command = program
    .command('evaluate')
    .description('evaluate a saved model on a labelled series')
    .requiredOption('--model <dir>', 'model directory written by train');
  addSourceOptions(command, 'series to score')
    .requiredOption(
      '--labels <file>',
      'anomaly labels: ranges (.json, or start,end .csv) or a 0/1 column (.csv) (required)',
    )
    .addOption(modelFprOption())
    .option('--json', 'end with one JSON line of the metrics (default: off)')
    .addHelpText(
      'after',
      '\nExample:\n  normalcy evaluate --model model/ --data abn.csv --labels labels.json --fpr 0.01 --json',
    )
    .action(
      async (
        f: {
          model: string;
          data: string;
          labels: string;
          fpr?: number;
          json?: boolean;
        } & SourceFlags,
      ) => {
        const model = loadModel(f.model);
        const threshold = modelThreshold(model, f.fpr);
        const series = await readData(f.data, f);
        const labels = readLabels(f.labels, series.length);
        const scores = scoreFile(model, f.data, series);
        const m = inFile(f.labels, () => evaluateScores(scores, labels, threshold));
        const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
        console.log(
          `AUC-ROC ${fmt(m.auc_roc)}  AUC-PR ${fmt(m.auc_pr)}  VUS-ROC ${fmt(m.vus_roc)}  VUS-PR ${fmt(m.vus_pr)}`,
        );
        console.log(
          `threshold ${m.threshold.toPrecision(5)} (${m.threshold_kind}): precision ${fmt(m.precision)}  recall ${fmt(m.recall)}  F1 ${fmt(m.f1)}  FPR ${fmt(m.fpr)}`,
        );
        console.log(
          `events: TP ${m.events.tp}  FP ${m.events.fp}  FN ${m.events.fn}  F1 ${fmt(m.events.f1)}`,
        );
        console.log(
          `diagnostic only, not comparable: point-adjusted F1 ${fmt(m.diagnostic_point_adjusted_f1)}`,
        );
        if (f.json) console.log(JSON.stringify(m));
      },
    );
}
