// Incidents as rows of a database table (the data layer's sinks): one row per
// incident, culprit channels as JSON text.
import type { SinkColumn, SinkRows } from '../data/sources/table-sink.js';
import type { Incident } from './incident.js';

export const INCIDENT_COLUMNS: readonly SinkColumn[] = [
  { name: 'series', type: 'text' },
  { name: 'start_step', type: 'bigint' },
  { name: 'end_step', type: 'bigint' },
  { name: 'start_time', type: 'timestamptz' },
  { name: 'end_time', type: 'timestamptz' },
  { name: 'peak', type: 'double' },
  { name: 'peak_step', type: 'bigint' },
  { name: 'severity', type: 'double' },
  { name: 'p_value', type: 'double' },
  { name: 'channels', type: 'text' },
];

/** Written with `replace: { column: 'series', value: series }`, a rerun replaces its rows. */
export function incidentRows(series: string, incidents: readonly Incident[]): SinkRows {
  const time = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));
  return {
    columns: INCIDENT_COLUMNS,
    values: [
      incidents.map(() => series),
      incidents.map((i) => i.start),
      incidents.map((i) => i.end),
      incidents.map((i) => time(i.startTime)),
      incidents.map((i) => time(i.endTime)),
      incidents.map((i) => i.peak),
      incidents.map((i) => i.peakStep),
      incidents.map((i) => i.severity),
      incidents.map((i) => i.pValue ?? null),
      incidents.map((i) => JSON.stringify(i.channels)),
    ],
  };
}
