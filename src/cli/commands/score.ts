// `normalcy score`: score a series with a saved model, one score per step, with
// the timestamp and each channel's contribution (steps not scoreable yet empty).
// A CSV file is read, scored and written a chunk of rows at a time when the detector's
// scores reach a bounded number of rows (chunked-scoring.ts): memory then stays flat
// whatever the file's length, and the output is the one whole-series scoring gives.
import type { Command } from 'commander';
import { applyThreshold } from '../../thresholds/apply.js';
import { markUnscored } from '../../detectors/scored-steps.js';
import { contributionNames } from '../../alarms/detector-incidents.js';
import { scoreInChunks, type ChunkScorable } from '../../detectors/chunked-scoring.js';
import type { Series } from '../../data/series.js';
import { ScoresCsvWriter } from '../../io/scores-csv.js';
import { inFile, progress, scoreFile, UsageError } from '../common.js';
import { collectGarbage } from '../heap.js';
import { parseSinkRef } from '../../data/sources/source-ref.js';
import { writeTable } from '../../data/sources/table-sink.js';
import { scoreRows } from '../../data/sources/score-table.js';
import { seriesLabel } from '../data-source.js';
import { addDataOptions, readDataFileChunks, type DataFlags } from '../data-flags.js';
import { openModel, openModelRun, type OpenedModel } from '../model-run.js';

type ScoreFlags = DataFlags & { model: string; data: string; out: string; series?: string };

/** Steps scored per chunk unless NORMALCY_CHUNK_ROWS says otherwise. */
const SCORE_CHUNK_ROWS = 65_536;

/** Steps per chunk: NORMALCY_CHUNK_ROWS (fewer: less memory, more overhead) or 65,536. */
function chunkRows(): number {
  const text = process.env.NORMALCY_CHUNK_ROWS;
  if (text === undefined || text === '') return SCORE_CHUNK_ROWS;
  const rows = Number(text);
  if (!Number.isInteger(rows) || rows < 1)
    throw new UsageError(`NORMALCY_CHUNK_ROWS must be a positive integer, got '${text}'`);
  return rows;
}

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
      '\nExamples:\n  normalcy score --model model/ --data abn.csv --out scores.csv\n  normalcy score --model model/ --data metrics.csv --time-column time --out scores.csv\n  normalcy score --model model/ --data duckdb:plant.db --table pump7 --out duckdb:plant.db#scores\n\nSteps the model cannot score yet (the first window) have empty cells.\nA long CSV file is scored in chunks of NORMALCY_CHUNK_ROWS rows (default 65536) in\nbounded memory, with the same output, when the detector allows (see README).\nA database --out gets (series, step, time, score, anomalous) rows in one transaction;\nthe table is created if missing and a rerun replaces the rows of its series.',
    );
  addDataOptions(command, true, 'series to score');
  command.action(async (f: ScoreFlags) => {
    if (parseSinkRef(f.out)) await scoreToTable(f);
    else await scoreToCsv(f);
  });
}

/** Scores into a scores CSV, chunk by chunk (one chunk when the detector needs the whole series). */
async function scoreToCsv(f: ScoreFlags): Promise<void> {
  // One read of one model version: the threshold comes from the same manifest as the weights.
  const model = openModel(f);
  const rows = chunkRows();
  const scoring: ChunkScorable = {
    score: (x) => scoreFile(model, f.data, x),
    explain: (x) => inFile(f.data, () => model.detector.explain(x)),
    scoringReach: () => model.detector.scoringReach?.(),
  };
  let writer: ScoresCsvWriter | undefined;
  let count = 0;
  try {
    for await (const part of scoreInChunks(scoring, seriesChunks(f, model), rows)) {
      const scores = markUnscored(model.detector, part.scores, part.start);
      const flags = applyThreshold(
        scores.map((s) => (Number.isFinite(s) ? s : -Infinity)),
        model.threshold,
      );
      const { series, contributions } = part;
      const width = series.length > 0 ? contributions.length / series.length : 0;
      writer ??= new ScoresCsvWriter(f.out, {
        timestamps: series.timestamps !== undefined,
        flags: true,
        contributions: contributionNames(model.detector, series, width),
      });
      writer.write(part.start, scores, flags, {
        ...(series.timestamps && { timestamps: series.timestamps }),
        contributions,
      });
      count += scores.length;
      // Keeps V8's heap from growing with the chunks' garbage (heap.ts).
      collectGarbage();
    }
    writer?.commit();
  } catch (err) {
    writer?.abort();
    throw err;
  }
  console.log(`${count} scores written to ${f.out}`);
}

/** The data in chunks matched to the model's channels; what matching did is said once. */
async function* seriesChunks(f: ScoreFlags, model: OpenedModel): AsyncGenerator<Series> {
  let noted = false;
  for await (const read of readDataFileChunks(f.data, f, model.manifest)) {
    if (read.note && !noted) progress(`${f.data}: ${read.note}`);
    noted ||= read.note !== undefined;
    yield read.series;
  }
}

/** A database --out gets (series, step, time, score, anomalous) rows in one transaction. */
async function scoreToTable(f: ScoreFlags): Promise<void> {
  const run = await openModelRun(f);
  const scores = markUnscored(run.detector, scoreFile(run, f.data, run.series));
  const flags = applyThreshold(
    scores.map((s) => (Number.isFinite(s) ? s : -Infinity)),
    run.threshold,
  );
  const name = f.series ?? f.table ?? seriesLabel(f.data);
  const rowsOut = scoreRows(name, scores, {
    ...(run.series.timestamps && { timestamps: run.series.timestamps }),
    flags,
  });
  await writeTable(parseSinkRef(f.out)!, rowsOut, { replace: { column: 'series', value: name } });
  console.log(`${scores.length} scores written to ${f.out}`);
}
