// One job of a fleet plan, run by whichever worker takes it: train on the normal data,
// set the threshold at the target FPR on held-out normal data, save the model
// (atomically, so a retried job simply writes the same model again), score the test
// data and find incidents. Deterministic for a seed: a retry gives the same result.
import { readSource } from '../../data/sources/read-source.js';
import { sliceRows } from '../../data/series.js';
import { createDetector } from '../../detectors/registry.js';
import { thresholdAtFpr } from '../../thresholds/fpr.js';
import { applyThreshold } from '../../thresholds/apply.js';
import { findIncidents } from '../../alarms/detect-incidents.js';
import type { Incident } from '../../alarms/incident.js';
import type { ChannelJob, PlanSource } from './plan.js';

export interface ChannelJobResult {
  run: string;
  id: string;
  series: string;
  channel?: string;
  modelDir: string;
  threshold: number;
  scores: Float32Array;
  flags: Uint8Array;
  timestamps?: Float64Array;
  incidents: Incident[];
  trainSteps: number;
  testSteps: number;
  seconds: number;
}

function read(source: PlanSource, channel: string | undefined) {
  return readSource(source.data, {
    ...(source.table !== undefined && { table: source.table }),
    ...(source.query !== undefined && { query: source.query }),
    ...(channel !== undefined && { columns: [channel] }),
  });
}

export async function runChannelJob(job: ChannelJob): Promise<ChannelJobResult> {
  const t0 = performance.now();
  const all = await read(job.train, job.channel);
  const cut = Math.floor(all.length * (1 - job.validationSplit));
  const train = sliceRows(all, 0, cut);
  const validation = sliceRows(all, cut);
  const detector = createDetector(job.detector, job.config);
  await detector.fit(train, { validation, seed: job.seed });
  const normalScores = detector.score(validation);
  const threshold = thresholdAtFpr(normalScores, job.fpr);
  detector.save(job.modelDir, { threshold: { ...threshold }, normalScores });
  const test = await read(job.test, job.channel);
  const scores = detector.score(test);
  const flags = applyThreshold(scores, threshold);
  const { incidents } = findIncidents(scores, {
    threshold: threshold.value,
    targetRate: job.fpr,
    flags,
    normalScores,
    ...(test.timestamps && { timestamps: test.timestamps }),
    ...(test.names && { channelNames: test.names }),
  });
  const result: ChannelJobResult = {
    run: job.run,
    id: job.id,
    series: job.series,
    modelDir: job.modelDir,
    threshold: threshold.value,
    scores,
    flags,
    incidents,
    trainSteps: all.length,
    testSteps: test.length,
    seconds: (performance.now() - t0) / 1000,
  };
  if (job.channel !== undefined) result.channel = job.channel;
  if (test.timestamps) result.timestamps = test.timestamps;
  return result;
}
