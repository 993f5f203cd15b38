// Which series the series harness (`bench series`) runs on. The candidates (SMAP and MSL
// channels, NAB files) are put in one seeded order; a development run takes the first of
// them, and the holdout set C takes the next ones after the development draw the
// defaults were chosen on, so that choices made on A and B can be reported on series no
// choice ever saw.
import { createRng, shuffleInPlace } from '../../data/random.js';

/**
 * Which series a run uses. `development`: the seeded draw the defaults are chosen on, split
 * into halves A and B. `holdout`: set C, series that the development draw the defaults
 * were chosen on (DEVELOPMENT_DRAW) never included, for reporting choices made beforehand.
 */
export const SERIES_SETS = ['development', 'holdout'] as const;
export type SeriesSet = (typeof SERIES_SETS)[number];

/**
 * The development draw the detectors' and auto's defaults were chosen on (issue 13):
 * seed 1, 5 channels per spacecraft and 10 NAB files. The holdout set leaves these out
 * whatever its own seed, so it stays untouched; a development run at seed 1 with more
 * than 5 per source would reach into it.
 */
export const DEVELOPMENT_DRAW = { seed: 1, perSource: 5 } as const;

/** The holdout run's default size per source (8 SMAP and 8 MSL channels, 16 NAB files). */
export const HOLDOUT_PER_SOURCE = 8;

/** Series names by source: channels per spacecraft, NAB files. */
export interface SeriesNames {
  smap: string[];
  msl: string[];
  nab: string[];
}

/**
 * The candidates in the harness's seeded order: SMAP, then MSL channels, then NAB files
 * shuffled by one generator in that sequence (so a seed's order never changes when a
 * run takes more or fewer of them).
 */
export function seriesOrder(candidates: SeriesNames, seed: number): SeriesNames {
  const rng = createRng(seed);
  return {
    smap: shuffleInPlace([...candidates.smap], rng),
    msl: shuffleInPlace([...candidates.msl], rng),
    nab: shuffleInPlace([...candidates.nab], rng),
  };
}

/**
 * The first `perSource` channels per spacecraft and `2 * perSource` NAB files of an order,
 * leaving out the names in `exclude` (the development draw, for the holdout set).
 */
export function takeSeries(
  order: SeriesNames,
  perSource: number,
  exclude?: SeriesNames,
): SeriesNames {
  const take = (names: string[], left: string[] | undefined, n: number) => {
    const skip = new Set(left ?? []);
    return names.filter((name) => !skip.has(name)).slice(0, n);
  };
  return {
    smap: take(order.smap, exclude?.smap, perSource),
    msl: take(order.msl, exclude?.msl, perSource),
    nab: take(order.nab, exclude?.nab, 2 * perSource),
  };
}

/**
 * The names a run uses. NAB files count only where a labelled window lies after the
 * probationary part (`nabEligible`), both in the order and in the development draw.
 */
export function selectSeries(
  candidates: SeriesNames,
  nabEligible: (name: string) => boolean,
  set: SeriesSet,
  seed: number,
  perSource: number,
): { chosen: SeriesNames; development: SeriesNames } {
  const ordered = (s: number) => {
    const o = seriesOrder(candidates, s);
    return { ...o, nab: o.nab.filter(nabEligible) };
  };
  const development = takeSeries(ordered(DEVELOPMENT_DRAW.seed), DEVELOPMENT_DRAW.perSource);
  const order = ordered(seed);
  const chosen =
    set === 'development'
      ? takeSeries(order, perSource)
      : takeSeries(order, perSource, development);
  return { chosen, development };
}
