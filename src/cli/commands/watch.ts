// `normalcy watch`: live scoring of rows read from stdin as they arrive (CSV or NDJSON),
// one NDJSON line out per row and per incident opening or closing.
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { loadLiveModel } from '../../serve/live-model.js';
import { watchLines } from '../../serve/watch.js';
import { UsageError } from '../common.js';

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description(
      'score rows from stdin as they arrive (CSV or NDJSON); one NDJSON line per row and per incident change',
    )
    .requiredOption('--model <dir>', 'model directory written by train')
    .option(
      '--format <format>',
      'auto, csv or ndjson (auto: a line starting with { or [ is JSON)',
      'auto',
    )
    .option(
      '--time-column <name>',
      'the time column (name, or 0-based index); default: one named timestamp, time or date',
    )
    .addHelpText(
      'after',
      `
Output: {"step":0,"time":"...","score":0.12,"flagged":false} per row (score null while the
window fills), {"event":"incident_opened"|"incident_closed","incident":{...}} per change.
A bad line is reported on stderr and skipped.

Examples:
  normalcy watch --model model/ < recent.csv
  tail -f metrics.csv | normalcy watch --model model/ --time-column timestamp`,
    )
    .action(async (f: { model: string; format: string; timeColumn?: string }) => {
      if (!['auto', 'csv', 'ndjson'].includes(f.format))
        throw new UsageError(`--format must be auto, csv or ndjson, got '${f.format}'`);
      const model = loadLiveModel(f.model);
      const timeColumn =
        f.timeColumn !== undefined && /^\d+$/.test(f.timeColumn)
          ? Number(f.timeColumn)
          : f.timeColumn;
      // A closed reader (e.g. `| head`) ends the watch quietly.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const { rows, skipped } = await watchLines(
        createInterface({ input: process.stdin, crlfDelay: Infinity }),
        model,
        {
          format: f.format as 'auto' | 'csv' | 'ndjson',
          ...(timeColumn !== undefined ? { timeColumn } : {}),
          write: (r) => process.stdout.write(JSON.stringify(r) + '\n'),
          warn: (m) => process.stderr.write(`normalcy watch: ${m}\n`),
        },
      );
      process.stderr.write(`normalcy watch: ${rows} rows scored, ${skipped} lines skipped\n`);
    });
}
