// Incidents as files and text: incidents.csv (one row per incident, culprits
// as "name share" pairs), incidents.json, the one-line JSON the CLI ends
// with, and a table for the terminal. All from the one Incident type.
import type { Incident } from './incident.js';
import { incidentDurationMs, incidentLength } from './incident.js';
import type { DriftFinding } from './drift-guard.js';

/** "3 h 20 min", "45 s", "2 d 4 h": the two largest units. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ];
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [name, size] of units) {
    const k = Math.floor(rest / size);
    if (k > 0 || parts.length > 0) {
      if (k > 0) parts.push(`${k} ${name}`);
      rest -= k * size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** Duration in words: the time span when known (end step included), else steps. */
export function incidentDuration(incident: Incident, stepMs?: number): string {
  const steps = incidentLength(incident);
  const span = incidentDurationMs(incident);
  if (span !== undefined) return formatDuration(span + (stepMs ?? 0));
  return `${steps} step${steps === 1 ? '' : 's'}`;
}

/** "memory 71%, cpu 20%" (the top k). */
export function culpritText(incident: Incident, k = 3): string {
  return incident.channels
    .slice(0, k)
    .filter((c) => c.share > 0)
    .map((c) => `${c.name} ${Math.round(c.share * 100)}%`)
    .join(', ');
}

/** The incident as the CLI's JSON: snake_case, start/end as times when known. */
export function incidentToJson(incident: Incident): Record<string, unknown> {
  return {
    start: incident.startTime ?? incident.start,
    end: incident.endTime ?? incident.end,
    start_step: incident.start,
    end_step: incident.end,
    peak: incident.peak,
    severity: incident.severity,
    p_value: incident.pValue ?? null,
    channels: incident.channels.map((c) => ({ name: c.name, share: c.share })),
  };
}

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** incidents.csv: one row per incident, most severe first as given. */
export function incidentsToCsv(incidents: readonly Incident[]): string {
  const header = [
    'start_step',
    'end_step',
    'start_time',
    'end_time',
    'steps',
    'peak',
    'peak_step',
    'severity',
    'p_value',
    'channels',
  ];
  const rows = incidents.map((i) =>
    [
      i.start,
      i.end,
      i.startTime,
      i.endTime,
      incidentLength(i),
      i.peak,
      i.peakStep,
      i.severity,
      i.pValue,
      i.channels.map((c) => `${c.name} ${c.share.toFixed(4)}`).join('; '),
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A readable table: start, duration, severity, p-value, top channels. */
export function incidentTable(incidents: readonly Incident[], stepMs?: number): string {
  const head = ['#', 'start', 'duration', 'severity', 'p-value', 'top channels'];
  const rows = incidents.map((i, k) => [
    String(k + 1),
    i.startTime ? i.startTime.replace('T', ' ').replace(/\.000Z$/, 'Z') : `step ${i.start}`,
    incidentDuration(i, stepMs),
    i.severity.toFixed(2),
    i.pValue === undefined ? '-' : i.pValue.toExponential(1),
    culpritText(i) || '-',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((cell, c) => pad(cell, widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The summary line: "3 incidents over 2024-01-01 .. 2024-03-01 (2,000 steps)". */
export function incidentSummary(
  incidents: readonly Incident[],
  steps: number,
  timestamps?: ArrayLike<number>,
  drift?: DriftFinding,
): string {
  const n = incidents.length;
  const first = timestamps?.[0];
  const last = timestamps?.[steps - 1];
  const period =
    first !== undefined && last !== undefined && Number.isFinite(first) && Number.isFinite(last)
      ? `${new Date(first).toISOString()} .. ${new Date(last).toISOString()} (${steps.toLocaleString('en-US')} steps)`
      : `${steps.toLocaleString('en-US')} steps`;
  const text = `${n} incident${n === 1 ? '' : 's'} over ${period}`;
  return drift ? `${text}; ${drift.message}` : text;
}

/** Typical step in ms (median spacing), for durations that include the last step. */
export function stepMilliseconds(timestamps: ArrayLike<number> | undefined): number | undefined {
  if (!timestamps || timestamps.length < 2) return undefined;
  const gaps: number[] = [];
  const stride = Math.max(1, Math.floor(timestamps.length / 1000));
  for (let i = stride; i < timestamps.length; i += stride)
    gaps.push((timestamps[i]! - timestamps[i - stride]!) / stride);
  gaps.sort((a, b) => a - b);
  const g = gaps[Math.floor(gaps.length / 2)]!;
  return Number.isFinite(g) && g > 0 ? g : undefined;
}
