// Gathers a finished run: its models (already in the shared directory), and its
// scores and incidents, written to a directory (CSV + JSON) or to database tables
// (`scores` and `incidents`, each series replacing its earlier rows).
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { parseDatabaseRef } from '../../data/sources/source-ref.js';
import { writeTable } from '../../data/sources/table-sink.js';
import { scoreRows } from '../../data/sources/score-table.js';
import { incidentRows } from '../../alarms/incident-rows.js';
import type { ChannelJobResult } from './channel-job.js';
import { waitForRun, type FleetOptions } from './queue.js';

export interface CollectSummary {
  run: string;
  jobs: number;
  incidents: number;
  models: string[];
  out: string;
}

/** Waits for the run to finish, then writes its scores and incidents to `out`. */
export async function collectRun(
  options: FleetOptions,
  run: string,
  out: string,
  log: (m: string) => void = () => {},
): Promise<CollectSummary> {
  const results = await waitForRun<ChannelJobResult>(options, run, (id, _r, done, total) =>
    log(`${id} finished (${done}/${total})`),
  );
  const list = [...results.values()];
  const database = parseDatabaseRef(out);
  if (database !== undefined && database.kind !== 'parquet') {
    for (const r of list) {
      const name = `${run}/${r.id}`;
      const replace = { column: 'series', value: name };
      await writeTable(
        { database, table: 'scores' },
        scoreRows(name, r.scores, {
          flags: r.flags,
          ...(r.timestamps && { timestamps: r.timestamps }),
        }),
        { replace },
      );
      await writeTable({ database, table: 'incidents' }, incidentRows(name, r.incidents), {
        replace,
      });
    }
  } else {
    for (const r of list) {
      const lines = [r.timestamps ? 'step,time,score,anomalous' : 'step,score,anomalous'];
      for (let i = 0; i < r.scores.length; i++) {
        const time = r.timestamps ? `${new Date(r.timestamps[i]!).toISOString()},` : '';
        lines.push(`${i},${time}${r.scores[i]},${r.flags[i]}`);
      }
      writeFileAtomic(
        join(out, 'scores', `${r.id.replaceAll('/', '__')}.csv`),
        lines.join('\n') + '\n',
      );
    }
    const incidents = Object.fromEntries(list.map((r) => [r.id, r.incidents]));
    writeFileAtomic(join(out, 'incidents.json'), JSON.stringify(incidents, null, 2) + '\n');
  }
  const summary: CollectSummary = {
    run,
    jobs: list.length,
    incidents: list.reduce((n, r) => n + r.incidents.length, 0),
    models: list.map((r) => r.modelDir),
    out,
  };
  if (database === undefined) {
    const perJob = list.map((r) => ({
      id: r.id,
      model: r.modelDir,
      threshold: r.threshold,
      testSteps: r.testSteps,
      incidents: r.incidents.length,
      seconds: r.seconds,
    }));
    writeFileAtomic(
      join(out, 'summary.json'),
      JSON.stringify({ ...summary, perJob }, null, 2) + '\n',
    );
  }
  return summary;
}
