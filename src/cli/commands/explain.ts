// `normalcy explain`: which channels drive the score, at one step (or time) or
// for each incident: per-channel contributions from the detector's explain(),
// ranked, as shares.
import type { Command } from 'commander';
import { bySeverity } from '../../alarms/incident.js';
import { rankChannels, sumContributions } from '../../alarms/culprits.js';
import { incidentToJson } from '../../alarms/incident-files.js';
import { parseTimestamp } from '../../data/timestamps.js';
import { modelFprOption, intFlag, UsageError } from '../common.js';
import { addDataOptions } from '../data-flags.js';
import { openModelRun, runIncidents, type ModelRunFlags } from '../model-run.js';
import type { Series } from '../../data/series.js';

interface ExplainFlags extends ModelRunFlags {
  at?: string;
  top: number;
  json?: boolean;
}

/** The step of --at: a 0-based step, or the first step at or after an ISO time. */
export function stepAt(series: Series, at: string): number {
  if (/^\d+$/.test(at.trim())) {
    const step = Number(at);
    if (step >= series.length)
      throw new UsageError(
        `--at ${at}: the series has ${series.length} steps (0..${series.length - 1})`,
      );
    return step;
  }
  const ms = parseTimestamp(at);
  if (Number.isNaN(ms)) throw new UsageError(`--at '${at}': not a step number or an ISO-8601 time`);
  const times = series.timestamps;
  if (!times)
    throw new UsageError(`--at '${at}': the data has no time column (pass --time-column)`);
  for (let t = 0; t < times.length; t++) if (times[t]! >= ms) return t;
  throw new UsageError(
    `--at '${at}': after the last time in the data (${new Date(times[times.length - 1]!).toISOString()})`,
  );
}

export function registerExplain(program: Command): void {
  const command = program
    .command('explain')
    .description('rank the channels that drive the score, at a step or time, or for each incident')
    .requiredOption('--model <dir>', 'model directory written by train')
    .option('--at <step|time>', 'a 0-based step or an ISO-8601 time (default: every incident)')
    .option('--top <k>', 'channels to list', intFlag('--top'), 3)
    .addOption(modelFprOption())
    .option('--json', 'end with one JSON line (default: off)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy explain --model model/ --data metrics.csv\n  normalcy explain --model model/ --data metrics.csv --at 2024-03-02T14:00:00Z --top 5',
    );
  addDataOptions(command, true, 'series to explain');
  command.action(async (f: ExplainFlags) => {
    const run = await openModelRun(f);
    const found = runIncidents(run);
    const names = found.contributionNames;
    const width = names.length;
    const lines: string[] = [];
    if (f.at !== undefined) {
      const step = stepAt(run.series, f.at);
      const ranked = rankChannels(
        sumContributions(found.contributions, width, step, step),
        names,
      ).slice(0, f.top);
      const score = found.scores[step]!;
      const time = run.series.timestamps?.[step];
      const when = `step ${step}${time !== undefined ? ` (${new Date(time).toISOString()})` : ''}`;
      const inside = found.incidents.find((i) => i.start <= step && step <= i.end);
      lines.push(
        Number.isFinite(score)
          ? `${when}: score ${score.toPrecision(5)} (threshold ${run.threshold.value.toPrecision(5)})${inside ? `, inside the incident of steps ${inside.start}..${inside.end}` : ''}`
          : `${when}: not scored (the model needs a full window first)`,
      );
      for (const c of ranked) lines.push(`  ${c.name}: ${(c.share * 100).toFixed(1)}%`);
      if (f.json)
        lines.push(
          JSON.stringify({
            step,
            ...(time !== undefined ? { time: new Date(time).toISOString() } : {}),
            score: Number.isFinite(score) ? score : null,
            threshold: run.threshold.value,
            channels: ranked,
          }),
        );
    } else {
      const incidents = bySeverity(found.incidents);
      lines.push(`${incidents.length} incident(s)${found.drift ? `; ${found.drift.message}` : ''}`);
      for (const i of incidents) {
        const when = i.startTime ?? `step ${i.start}`;
        const top = i.channels
          .slice(0, f.top)
          .map((c) => `${c.name} ${(c.share * 100).toFixed(1)}%`)
          .join(', ');
        lines.push(
          `  ${when} (steps ${i.start}..${i.end}, severity ${i.severity.toFixed(2)}): ${top}`,
        );
      }
      if (f.json)
        lines.push(
          JSON.stringify({
            incidents: incidents.map((i) => ({
              ...incidentToJson(i),
              channels: i.channels.slice(0, f.top),
            })),
          }),
        );
    }
    process.stdout.write(lines.join('\n') + '\n');
  });
}
