// `normalcy score`: score a series with a saved model, one score per step.
import type { Command } from 'commander';
import { loadModel } from '../../detectors/registry.js';
import { applyThreshold } from '../../thresholds/apply.js';
import { parseThreshold } from '../../thresholds/serialize.js';
import { inFile, scoreFile, writeScoresCsv } from '../common.js';
import { parseSinkRef } from '../../data/sources/source-ref.js';
import { writeTable } from '../../data/sources/table-sink.js';
import { scoreRows } from '../../data/sources/score-table.js';
import {
  DATA_FORMS,
  seriesLabel,
  queryOption,
  readData,
  tableOption,
  type SourceFlags,
} from '../data-source.js';

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('score a series with a saved model (higher = more anomalous)')
    .requiredOption('--model <dir>', 'model directory written by train')
    .requiredOption('--data <source>', `series to score: ${DATA_FORMS}`)
    .addOption(tableOption())
    .addOption(queryOption())
    .requiredOption(
      '--out <target>',
      'scores CSV to write (step, score, and anomalous when the model has a threshold), or a table: duckdb:FILE.db#scores, postgres://...#scores',
    )
    .option(
      '--series <name>',
      'series name of the rows in a database --out (default: --table, else --data)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy score --model model/ --data abn.csv --out scores.csv\n  normalcy score --model model/ --data duckdb:plant.db --table pump7 --out duckdb:plant.db#scores\n\nA database --out gets (series, step, time, score, anomalous) rows in one transaction;\nthe table is created if missing and a rerun replaces the rows of its series.',
    )
    .action(
      async (f: { model: string; data: string; out: string; series?: string } & SourceFlags) => {
        // One read of one model version: the threshold comes from the same manifest as the weights.
        const model = loadModel(f.model);
        const { manifest } = model;
        const series = await readData(f.data, f);
        const scores = scoreFile(model, f.data, series);
        const flags = manifest.threshold
          ? inFile(f.model, () =>
              applyThreshold(scores, parseThreshold(manifest.threshold, 'manifest.json threshold')),
            )
          : undefined;
        const sink = parseSinkRef(f.out);
        if (sink) {
          const name = f.series ?? f.table ?? seriesLabel(f.data);
          const rows = scoreRows(name, scores, {
            ...(series.timestamps && { timestamps: series.timestamps }),
            ...(flags && { flags }),
          });
          await writeTable(sink, rows, { replace: { column: 'series', value: name } });
        } else writeScoresCsv(f.out, scores, flags);
        console.log(`${scores.length} scores written to ${f.out}`);
      },
    );
}
