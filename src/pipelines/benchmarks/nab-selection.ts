// How optimistic is a NAB score whose configuration was chosen on the corpus?
// The novelty-surprise default was picked from a grid scored on all 58 files.
// This check replays that choice where it can be judged: split the files in
// two (at random, half of each category), choose the grid's best on one half,
// score it on the other half, and compare with what the choice promised.
// The gap is the optimism of choosing on the data one reports.
import type { NabCostMatrix } from '../../metrics/nab/profiles.js';
import { nabScore } from '../../metrics/nab/score.js';
import type { NabFile } from '../../metrics/nab/score-curve.js';
import {
  scoreNoveltyStream,
  type NoveltySurpriseConfig,
} from '../../detectors/streaming/novelty-surprise.js';
import { createRng } from '../../data/random.js';

export interface SelectionCorpusFile {
  name: string;
  values: Float64Array;
  times: Float64Array;
  probation: number;
  windows: NabFile['windows'];
}

/** The grid the default was chosen from: rest period x range widening x shape family x hour family. */
export function noveltySelectionGrid(): Partial<NoveltySurpriseConfig>[] {
  const grid: Partial<NoveltySurpriseConfig>[] = [];
  for (const rest of [0, 20, 30, 40, 60])
    for (const widen of [0, 0.1, 0.2])
      for (const shape of [null, { segments: 3, segmentLength: 12, bins: 5 }])
        for (const hourBins of [[], [5]]) grid.push({ rest, widen, shape, hourBins });
  return grid;
}

export interface SelectionCheck {
  configs: number;
  splits: number;
  /** Standard score of every grid configuration on the whole corpus, best first. */
  fullCorpus: { config: string; standard: number }[];
  /** Mean standard score of the half-chosen configuration on the half it was chosen on. */
  chosenHalf: number;
  /** Mean standard score of that configuration on the other half. */
  otherHalf: number;
  /** chosenHalf - otherHalf. */
  optimism: number;
}

export function noveltySelectionCheck(
  corpus: readonly SelectionCorpusFile[],
  profile: NabCostMatrix,
  splits = 10,
  seed = 0,
): SelectionCheck {
  const grid = noveltySelectionGrid();
  const profiles = { standard: profile };
  const scored: NabFile[][] = grid.map((config) =>
    corpus.map((f) => ({
      name: f.name,
      windows: f.windows,
      scores: scoreNoveltyStream(f.values, { probation: f.probation, times: f.times, config }),
    })),
  );
  const standard = (files: NabFile[]) => nabScore(files, profiles).standard!.score;
  const fullCorpus = grid
    .map((config, i) => ({ config: JSON.stringify(config), standard: standard(scored[i]!) }))
    .sort((a, b) => b.standard - a.standard);

  const byCategory = new Map<string, number[]>();
  corpus.forEach((f, i) => {
    const cat = f.name.slice(0, f.name.indexOf('/'));
    byCategory.set(cat, [...(byCategory.get(cat) ?? []), i]);
  });
  const rng = createRng(seed);
  let chosenHalf = 0;
  let otherHalf = 0;
  for (let s = 0; s < splits; s++) {
    const inA = new Set<number>();
    for (const files of byCategory.values()) {
      const shuffled = files.map((i) => [rng.next(), i] as const).sort((a, b) => a[0] - b[0]);
      for (const [, i] of shuffled.slice(0, Math.ceil(shuffled.length / 2))) inA.add(i);
    }
    for (const chooseOnA of [true, false]) {
      const half = (files: NabFile[], a: boolean) => files.filter((_, i) => inA.has(i) === a);
      const onChosen = scored.map((files) => standard(half(files, chooseOnA)));
      const best = onChosen.indexOf(Math.max(...onChosen));
      chosenHalf += onChosen[best]!;
      otherHalf += standard(half(scored[best]!, !chooseOnA));
    }
  }
  chosenHalf /= 2 * splits;
  otherHalf /= 2 * splits;
  return {
    configs: grid.length,
    splits,
    fullCorpus,
    chosenHalf,
    otherHalf,
    optimism: chosenHalf - otherHalf,
  };
}
