// `normalcy stream`: scores one column of a CSV file row by row with a
// streaming detector, each row from the rows before it (as a live feed would
// be), and writes one score per row; with --threshold, lists the alarms.
import { Option, type Command } from 'commander';
import { readSeries } from '../../data/read-series.js';
import { DataError } from '../../data/errors.js';
import {
  createStreamingDetector,
  STREAMING_DETECTORS,
} from '../../detectors/streaming/registry.js';
import { scoreAsStream } from '../../detectors/streaming/streaming-detector.js';
import { readConfigFile, UsageError } from '../common.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { probationaryLength } from '../../metrics/nab/windows.js';

interface StreamFlags {
  data: string;
  out: string;
  column?: string;
  timeColumn?: string;
  detector: string;
  config?: string;
  probation?: string;
  threshold?: string;
  json?: boolean;
}

function columnRef(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}

export function registerStream(program: Command): void {
  program
    .command('stream')
    .description(
      'score one column of a CSV row by row with a streaming detector (no training run; each row from the rows before it)',
    )
    .requiredOption('--data <file>', 'CSV file with a header')
    .requiredOption(
      '--out <file>',
      'scores CSV to write (step, [timestamp,] value, score[, alarm])',
    )
    .option(
      '--column <name|index>',
      "value column (default: 'value' if present, else the only one)",
    )
    .option(
      '--time-column <name|index>',
      "timestamp column (default: 'timestamp' if present); enables novelty-surprise's hour-of-day keys when configured",
    )
    .addOption(
      new Option('--detector <name>', 'streaming detector')
        .choices(STREAMING_DETECTORS.names())
        .default('novelty-surprise'),
    )
    .option('--config <file>', "YAML or JSON file of the detector's fields (default: its defaults)")
    .option(
      '--probation <rows>',
      'rows learned before the first score (default: 15% of the rows, at most 750)',
    )
    .option(
      '--threshold <t>',
      'flag rows whose score is at least t, and list them (default: no flags)',
    )
    .option('--json', 'end with one JSON line: rows, probation, alarms (default: off)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy stream --data nab/data/realKnownCause/nyc_taxi.csv --out taxi-scores.csv\n  normalcy stream --data feed.csv --column cpu --threshold 0.3 --out cpu-scores.csv --json\n  normalcy stream --data feed.csv --detector damp --config damp.yaml --out damp-scores.csv',
    )
    .addHelpText(
      'after',
      () =>
        `\nDetector fields (name = default (allowed)):\n${STREAMING_DETECTORS.describeFields()}`,
    )
    .action((f: StreamFlags) => {
      const config = readConfigFile(f.config);
      // Checked before the data is read; a bad field names the file.
      try {
        STREAMING_DETECTORS.validate(f.detector, config);
      } catch (err) {
        if (err instanceof UsageError && f.config)
          throw new UsageError(`${f.config}: ${err.message}`);
        throw err;
      }
      const series = readSeries(f.data, {
        ...(f.column !== undefined ? { columns: [columnRef(f.column)] } : {}),
        ...(f.timeColumn !== undefined ? { timestamp: columnRef(f.timeColumn) } : {}),
      });
      if (series.channels !== 1) {
        const names = series.names?.join(', ') ?? `${series.channels} columns`;
        throw new DataError(
          f.data,
          `a streaming detector reads one column, the file has ${series.channels} (${names}): choose one with --column`,
        );
      }
      if (series.length === 0) throw new DataError(f.data, 'no rows to score');
      const probation =
        f.probation === undefined
          ? Math.max(1, probationaryLength(series.length))
          : Number(f.probation);
      if (!Number.isInteger(probation) || probation < 1)
        throw new UsageError(`--probation must be a positive integer, got ${f.probation}`);
      const threshold = f.threshold === undefined ? undefined : Number(f.threshold);
      if (threshold !== undefined && !Number.isFinite(threshold))
        throw new UsageError(`--threshold must be a number, got ${f.threshold}`);
      const values = Float64Array.from(series.data);
      const times = series.timestamps;
      const detector = createStreamingDetector(f.detector, config, probation);
      const scores = scoreAsStream(detector, values, { probation, ...(times ? { times } : {}) });

      const header = ['step', ...(times ? ['timestamp'] : []), 'value', 'score'];
      if (threshold !== undefined) header.push('alarm');
      const lines = [header.join(',')];
      const alarms: number[] = [];
      for (let i = 0; i < values.length; i++) {
        const cells: (string | number)[] = [i];
        if (times) cells.push(new Date(times[i]!).toISOString());
        cells.push(values[i]!, scores[i]!);
        if (threshold !== undefined) {
          const alarm = scores[i]! >= threshold;
          if (alarm) alarms.push(i);
          cells.push(alarm ? 1 : 0);
        }
        lines.push(cells.join(','));
      }
      writeFileAtomic(f.out, `${lines.join('\n')}\n`);
      const out = [
        `${f.detector}: ${values.length} rows scored (the first ${probation} learned only), written to ${f.out}`,
      ];
      if (threshold !== undefined) {
        out.push(`${alarms.length} alarm(s) at score >= ${threshold}`);
        for (const i of alarms.slice(0, 50))
          out.push(
            `  step ${i}${times ? ` (${new Date(times[i]!).toISOString()})` : ''}: score ${scores[i]!.toFixed(4)}`,
          );
        if (alarms.length > 50) out.push(`  ... and ${alarms.length - 50} more in ${f.out}`);
      }
      if (f.json)
        out.push(
          JSON.stringify({
            detector: f.detector,
            rows: values.length,
            probation,
            ...(threshold !== undefined ? { threshold, alarms } : {}),
          }),
        );
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
