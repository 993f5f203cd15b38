// A small saved model with a threshold for the live tests (watch, serve): a rolling z-score
// on a generated sine, thresholded at 1% FPR on held-out normal data; and a test series
// with a spike of 12 rows at 300.
import { generateSine } from '../../src/data/sine.js';
import { sliceRows } from '../../src/data/series.js';
import { RollingZScoreDetector } from '../../src/detectors/baselines/rolling-zscore.js';
import { thresholdAtFpr } from '../../src/thresholds/fpr.js';

export async function saveLiveTestModel(dir: string): Promise<void> {
  const normal = generateSine({ length: 3000, seed: 1 });
  const d = new RollingZScoreDetector({ window: 20 });
  await d.fit(sliceRows(normal, 0, 2000), { seed: 1 });
  const normalScores = d.score(sliceRows(normal, 2000));
  const threshold = thresholdAtFpr(normalScores, 0.01);
  d.save(dir, { threshold: { ...threshold }, normalScores });
}

/** 400 rows: normal, a spike of +5 on rows 300..311, normal again. */
export function liveTestRows(): number[] {
  const rows = Array.from(generateSine({ length: 400, seed: 3 }).data);
  for (let t = 300; t < 312; t++) rows[t] = rows[t]! + 5;
  return rows;
}
