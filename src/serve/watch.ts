// Live scoring of a line stream (stdin for `normalcy watch`): each line is a CSV or NDJSON
// row; each row gives one output record (step, time, score, flagged) and each incident
// opening or closing one more. A bad line is reported and skipped; the stream goes on.
import { LiveRowParser, type LiveRowOptions } from '../data/live-rows.js';
import type { Incident } from '../alarms/incident.js';
import type { LiveModel } from './live-model.js';

export type WatchRecord =
  | { step: number; time?: string; score: number | null; flagged: boolean }
  | { event: 'incident_opened' | 'incident_closed'; incident: Incident };

export interface WatchOptions extends Omit<LiveRowOptions, 'channels'> {
  write(record: WatchRecord): void;
  /** A skipped line, with the reason. */
  warn(message: string): void;
}

/** Scores every line until the input ends; returns the count of rows and of skipped lines. */
export async function watchLines(
  lines: AsyncIterable<string>,
  model: LiveModel,
  o: WatchOptions,
): Promise<{ rows: number; skipped: number }> {
  const parser = new LiveRowParser({ ...o, channels: model.detector.channels });
  const live = model.openStream();
  let skipped = 0;
  const incident = (change: { opened?: Incident; closed?: Incident } | undefined) => {
    // A run that ends and another that starts on the same row: close first.
    if (change?.closed) o.write({ event: 'incident_closed', incident: change.closed });
    if (change?.opened) o.write({ event: 'incident_opened', incident: change.opened });
  };
  for await (const line of lines) {
    let row;
    try {
      row = parser.parse(line);
      if (!row) continue;
      const p = live.push(row.values, row.time);
      o.write({
        step: p.step,
        ...(p.time !== undefined ? { time: p.time } : {}),
        score: p.score,
        flagged: p.flagged,
      });
      incident(p.incident);
    } catch (err) {
      skipped++;
      o.warn(`skipped: ${(err as Error).message}`);
      if (err instanceof Error && err.message.startsWith('--time-column')) throw err;
    }
  }
  const last = live.flush();
  if (last) incident({ closed: last });
  return { rows: live.steps, skipped };
}
