// `normalcy detect`: the incidents of a series under a saved model: when, how
// long, how severe, which channels. Writes incidents.csv and incidents.json,
// prints a table, and with --json ends with one line of them.
import type { Command } from 'commander';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { bySeverity } from '../../alarms/incident.js';
import {
  incidentSummary,
  incidentTable,
  incidentToJson,
  incidentsToCsv,
  stepMilliseconds,
} from '../../alarms/incident-files.js';
import { DEFAULT_PRUNE } from '../../alarms/detect-incidents.js';
import { modelFprOption, intFlag, numberFlag, progress } from '../common.js';
import { addDataOptions } from '../data-flags.js';
import { openModelRun, runIncidents, type ModelRunFlags } from '../model-run.js';

interface DetectFlags extends ModelRunFlags {
  out: string;
  json?: boolean;
  mergeGap?: number;
  minLength?: number;
  prune: number;
}

export function registerDetect(program: Command): void {
  const command = program
    .command('detect')
    .description(
      'find the incidents in a series with a saved model: times, duration, severity, culprit channels',
    )
    .requiredOption('--model <dir>', 'model directory written by train')
    .requiredOption('--out <dir>', 'directory for incidents.csv and incidents.json')
    .addOption(modelFprOption('flag steps at'))
    .option(
      '--merge-gap <steps>',
      'merge flagged runs at most this many steps apart (default: the correlation length of the held-out normal scores, at least 5)',
      intFlag('--merge-gap', 0),
    )
    .option(
      '--min-length <steps>',
      'drop incidents shorter than this (default: 1)',
      intFlag('--min-length'),
    )
    .option(
      '--prune <p>',
      'drop minor incidents whose peak is within this relative drop of the next smaller one, as telemanom (0 = keep all)',
      numberFlag('--prune'),
      DEFAULT_PRUNE,
    )
    .option('--json', 'end with one JSON line of the incidents and the threshold (default: off)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy detect --model model/ --data metrics.csv --out incidents/\n  normalcy detect --model model/ --data metrics.csv --time-column time --out incidents/ --json\n\nAn incident opens when a score rises above what held-out normal data reaches\nat 1/20 of the target rate and lasts while steps stay flagged at the threshold.\nWhen the data is flagged far more often than the target in many separate\nincidents, one drift finding replaces them: retrain or recalibrate.',
    );
  addDataOptions(command, true, 'series to examine');
  command.action(async (f: DetectFlags) => {
    if (!(f.prune >= 0 && f.prune < 1)) throw new Error('--prune must be in [0, 1)');
    const run = await openModelRun(f);
    progress(`scoring ${f.data} (${run.series.length} steps) with ${f.model}`);
    const found = runIncidents(run, {
      rules: {
        ...(f.mergeGap !== undefined ? { mergeGap: f.mergeGap } : {}),
        ...(f.minLength !== undefined ? { minLength: f.minLength } : {}),
      },
      prune: f.prune === 0 ? false : f.prune,
    });
    const incidents = bySeverity(found.incidents);
    mkdirSync(f.out, { recursive: true });
    writeFileAtomic(join(f.out, 'incidents.csv'), incidentsToCsv(incidents));
    const { normalScores: _unused, ...drift } = found.settings.drift;
    void _unused;
    const document = {
      model: f.model,
      data: f.data,
      steps: run.series.length,
      threshold: run.threshold,
      target_rate: run.targetRate,
      rules: found.settings.rules,
      drift_guard: drift,
      drift: found.drift ?? null,
      absorbed_by_drift: found.absorbed,
      incidents,
    };
    writeFileAtomic(join(f.out, 'incidents.json'), JSON.stringify(document, null, 2) + '\n');
    const lines = [
      incidentSummary(incidents, run.series.length, run.series.timestamps, found.drift),
    ];
    if (incidents.length > 0)
      lines.push('', incidentTable(incidents, stepMilliseconds(run.series.timestamps)));
    lines.push('', `incidents: ${join(f.out, 'incidents.csv')}, ${join(f.out, 'incidents.json')}`);
    if (f.json)
      lines.push(
        JSON.stringify({
          incidents: incidents.map(incidentToJson),
          threshold: run.threshold,
          ...(found.drift ? { drift: found.drift } : {}),
        }),
      );
    process.stdout.write(lines.join('\n') + '\n');
  });
}
