// `normalcy score`: score a series with a saved model, one score per step, with
// the timestamp and each channel's contribution (steps not scoreable yet empty).
import type { Command } from 'commander';
import { applyThreshold } from '../../thresholds/apply.js';
import { markUnscored } from '../../detectors/scored-steps.js';
import { contributionNames } from '../../alarms/detector-incidents.js';
import { inFile, scoreFile, writeScoresCsv } from '../common.js';
import { parseSinkRef } from '../../data/sources/source-ref.js';
import { writeTable } from '../../data/sources/table-sink.js';
import { scoreRows } from '../../data/sources/score-table.js';
import { seriesLabel } from '../data-source.js';
import { addDataOptions, type DataFlags } from '../data-flags.js';
import { openModelRun } from '../model-run.js';

export function registerScore(program: Command): void {
  const command = program
    .command('score')
    .description('score a series with a saved model (higher = more anomalous)')
    .requiredOption('--model <dir>', 'model directory written by train')
    .option(
      '--series <name>',
      'series name of the rows in a database --out (default: --table, else --data)',
    )
    .requiredOption(
      '--out <target>',
      'scores CSV to write: step, timestamp (when the data has one), score, anomalous (at the model threshold), contribution_<channel>; or a table: duckdb:FILE.db#scores, postgres://...#scores',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy score --model model/ --data abn.csv --out scores.csv\n  normalcy score --model model/ --data metrics.csv --time-column time --out scores.csv\n  normalcy score --model model/ --data duckdb:plant.db --table pump7 --out duckdb:plant.db#scores\n\nSteps the model cannot score yet (the first window) have empty cells.\nA database --out gets (series, step, time, score, anomalous) rows in one transaction;\nthe table is created if missing and a rerun replaces the rows of its series.',
    );
  addDataOptions(command, true, 'series to score');
  command.action(
    async (f: DataFlags & { model: string; data: string; out: string; series?: string }) => {
      // One read of one model version: the threshold comes from the same manifest as the weights.
      const run = await openModelRun(f);
      const scores = markUnscored(run.detector, scoreFile(run, f.data, run.series));
      const flags = applyThreshold(
        scores.map((s) => (Number.isFinite(s) ? s : -Infinity)),
        run.threshold,
      );
      const sink = parseSinkRef(f.out);
      if (sink) {
        // A database --out gets (series, step, time, score, anomalous) rows in one transaction.
        const name = f.series ?? f.table ?? seriesLabel(f.data);
        const rows = scoreRows(name, scores, {
          ...(run.series.timestamps && { timestamps: run.series.timestamps }),
          flags,
        });
        await writeTable(sink, rows, { replace: { column: 'series', value: name } });
        console.log(`${scores.length} scores written to ${f.out}`);
        return;
      }
      const contributions = inFile(f.data, () => run.detector.explain(run.series));
      const width = run.series.length > 0 ? contributions.length / run.series.length : 0;
      writeScoresCsv(f.out, scores, flags, {
        ...(run.series.timestamps ? { timestamps: run.series.timestamps } : {}),
        contributions,
        names: contributionNames(run.detector, run.series, width),
      });
      console.log(`${scores.length} scores written to ${f.out}`);
    },
  );
}
