// Beyond telemanom without retraining: variants of the threshold (error
// smoothing, pruning, minimum peak error) and of the alarms layer's rules
// (merge gap, minimum length, hysteresis) run on saved error arrays, counted
// as telemanom counts; a variant is chosen on one group of channels (e.g.
// SMAP) and reported on the other (MSL), so that no reported number was
// chosen with its own test labels. Other runs' errors of the same rows (other
// models or seeds) can join as partners: the union variant flags what any run flags,
// the mean variant thresholds the runs' mean error (an ensemble).
import type { EventRules } from '../alarms/event-rules.js';
import { mergeRanges, type IndexRange } from '../data/ranges.js';
import type { Series } from '../data/series.js';
import { withEventRates, type EventCounts } from '../metrics/event-level.js';
import {
  meanErrors,
  medianEpsilon,
  telemanomEvents,
  telemanomIncidents,
  telemanomThreshold,
  type ErrorLayout,
  type TelemanomThresholdOptions,
} from './telemanom.js';

/** One label row with its channel's saved errors. */
export interface StudyRow {
  channel: string;
  /** The group the row is chosen or reported in (e.g. 'SMAP', 'MSL'). */
  group: string;
  labelled: IndexRange[];
  errors: Float32Array;
  test: Series;
  layout: ErrorLayout;
  /** Options every variant keeps for this row (e.g. C-2's flattenFirst: 0). */
  fixed?: TelemanomThresholdOptions;
  /** The same row's errors from other runs (other models or seeds), for the partner variants. */
  partnerErrors?: Float32Array[];
}

export interface StudyVariant {
  name: string;
  /** Threshold settings over telemanom's. */
  threshold: TelemanomThresholdOptions;
  /** The alarms layer's rules over the flagged ranges (default: one incident per range). */
  rules: Partial<Omit<EventRules, 'openAbove'>>;
  /** Hysteresis: an incident opens only above this multiple of the median window epsilon. */
  openAboveEpsilons?: number;
  /**
   * With the row's partner errors: 'union' also flags what the same threshold flags on
   * each of them (all runs' ranges united); 'mean' thresholds the mean of all runs' errors
   * (an ensemble). No alarms rules with either.
   */
  partner?: 'union' | 'mean';
}

export interface GroupCounts extends EventCounts {
  rows: number;
}

/** telemanom's settings and one incident per flagged range: the baseline. */
export const BASELINE_VARIANT: StudyVariant = { name: 'telemanom', threshold: {}, rules: {} };

/** telemanom's settings on every run's errors, their flagged ranges united. */
export const UNION_VARIANT: StudyVariant = {
  name: 'telemanom, union with the partner runs',
  threshold: {},
  rules: {},
  partner: 'union',
};

/** telemanom's settings on the mean of every run's errors. */
export const MEAN_VARIANT: StudyVariant = {
  name: "telemanom on the mean of all runs' errors",
  threshold: {},
  rules: {},
  partner: 'mean',
};

/**
 * The grid studied: error smoothing (EWMA span), pruning p and minimum peak
 * error, crossed with the alarms layer's merge gap, minimum length and
 * hysteresis. The baseline comes first, so that ties keep it.
 */
export function studyGrid(): StudyVariant[] {
  const variants: StudyVariant[] = [BASELINE_VARIANT];
  for (const smoothingWindow of [35, 105, 315])
    for (const p of [0.05, 0.13, 0.25])
      for (const minPeakError of [0.05, 0.1])
        for (const mergeGap of [0, 100, 300])
          for (const minLength of [1, 30])
            for (const openAbove of [undefined, 1.5]) {
              const name = [
                `span ${smoothingWindow}`,
                `p ${p}`,
                `min peak ${minPeakError}`,
                `merge ${mergeGap}`,
                `min length ${minLength}`,
                openAbove === undefined ? 'no hysteresis' : `opens above ${openAbove} eps`,
              ].join(', ');
              if (
                smoothingWindow === 105 &&
                p === 0.13 &&
                minPeakError === 0.05 &&
                mergeGap === 0 &&
                minLength === 1 &&
                openAbove === undefined
              )
                continue; // the baseline
              variants.push({
                name,
                threshold: { smoothingWindow, p, minPeakError },
                rules: { mergeGap, minLength },
                ...(openAbove !== undefined && { openAboveEpsilons: openAbove }),
              });
            }
  return variants;
}

function totals(counts: { tp: number; fp: number; fn: number }, rows: number): GroupCounts {
  return { rows, ...withEventRates(counts.tp, counts.fp, counts.fn) };
}

/**
 * Counts of every variant per group and in total ('total'). The threshold runs
 * once per row and distinct threshold setting; the rules reuse its flags.
 */
export function evaluateVariants(
  rows: readonly StudyRow[],
  variants: readonly StudyVariant[],
): Map<string, Record<string, GroupCounts>> {
  const sums = variants.map(
    () => new Map<string, { tp: number; fp: number; fn: number; rows: number }>(),
  );
  for (const row of rows) {
    // The threshold runs once per error array and distinct threshold setting.
    const detections = new Map<string, ReturnType<typeof telemanomThreshold>>();
    const detect = (errors: Float32Array, which: string, threshold: TelemanomThresholdOptions) => {
      const key = `${which} ${JSON.stringify(threshold)}`;
      let detection = detections.get(key);
      if (!detection) {
        detection = telemanomThreshold(errors, row.test, row.layout, {
          ...threshold,
          ...row.fixed,
        });
        detections.set(key, detection);
      }
      return detection;
    };
    let mean: Float32Array | undefined;
    variants.forEach((variant, v) => {
      if (variant.partner) {
        if (!row.partnerErrors?.length)
          throw new Error(
            `${row.channel}: a ${variant.partner} variant needs the partner run's errors`,
          );
        if (Object.keys(variant.rules).length > 0 || variant.openAboveEpsilons !== undefined)
          throw new Error(`${variant.name}: a partner variant takes no alarms rules`);
      }
      const detection =
        variant.partner === 'mean'
          ? detect(
              (mean ??= meanErrors(
                [row.errors, ...row.partnerErrors!],
                `${row.channel}: the runs' errors`,
              )),
              'mean',
              variant.threshold,
            )
          : detect(row.errors, 'run', variant.threshold);
      const rules: Partial<EventRules> = { mergeGap: 0, minLength: 1, ...variant.rules };
      if (variant.openAboveEpsilons !== undefined)
        rules.openAbove = variant.openAboveEpsilons * medianEpsilon(detection.threshold);
      const noRules =
        !rules.mergeGap && (rules.minLength ?? 1) <= 1 && rules.openAbove === undefined;
      let ranges: IndexRange[] = noRules
        ? detection.ranges
        : telemanomIncidents(detection.threshold, detection.start, rules).map((i): IndexRange => [
            i.start,
            i.end,
          ]);
      if (variant.partner === 'union')
        ranges = mergeRanges([
          ...ranges,
          ...row.partnerErrors!.flatMap(
            (errors, k) => detect(errors, `partner ${k}`, variant.threshold).ranges,
          ),
        ]);
      const counts = telemanomEvents(ranges, row.labelled);
      for (const g of [row.group, 'total']) {
        const s = sums[v]!.get(g) ?? { tp: 0, fp: 0, fn: 0, rows: 0 };
        s.tp += counts.tp;
        s.fp += counts.fp;
        s.fn += counts.fn;
        s.rows += 1;
        sums[v]!.set(g, s);
      }
    });
  }
  const out = new Map<string, Record<string, GroupCounts>>();
  variants.forEach((variant, v) => {
    const byGroup: Record<string, GroupCounts> = {};
    for (const [g, s] of sums[v]!) byGroup[g] = totals(s, s.rows);
    out.set(variant.name, byGroup);
  });
  return out;
}

export interface CrossChoice {
  /** The group the variant was chosen on, and the one it is reported on. */
  chosenOn: string;
  reportedOn: string;
  variant: string;
  /** The chosen variant's counts on both groups, and the baseline's. */
  onChosen: GroupCounts;
  onReported: GroupCounts;
  baselineOnChosen: GroupCounts;
  baselineOnReported: GroupCounts;
}

/**
 * The variant with the best F1 on `chosenOn` (ties: the earlier variant, so the
 * baseline wins a tie), with its counts on `reportedOn`.
 */
export function chooseAndReport(
  results: Map<string, Record<string, GroupCounts>>,
  variants: readonly StudyVariant[],
  chosenOn: string,
  reportedOn: string,
): CrossChoice {
  const baseline = results.get(variants[0]!.name)!;
  let best = variants[0]!.name;
  for (const v of variants) {
    const f1 = results.get(v.name)![chosenOn]?.f1 ?? 0;
    if (f1 > (results.get(best)![chosenOn]?.f1 ?? 0)) best = v.name;
  }
  const chosen = results.get(best)!;
  const missing = (g: string) => {
    throw new Error(`no label rows of group ${g} in the study`);
  };
  return {
    chosenOn,
    reportedOn,
    variant: best,
    onChosen: chosen[chosenOn] ?? missing(chosenOn),
    onReported: chosen[reportedOn] ?? missing(reportedOn),
    baselineOnChosen: baseline[chosenOn]!,
    baselineOnReported: baseline[reportedOn]!,
  };
}

/**
 * Both directions' reported counts summed: every group's numbers come from a
 * variant chosen on the other group.
 */
export function crossTotal(a: CrossChoice, b: CrossChoice): GroupCounts {
  const s = {
    tp: a.onReported.tp + b.onReported.tp,
    fp: a.onReported.fp + b.onReported.fp,
    fn: a.onReported.fn + b.onReported.fn,
  };
  return totals(s, a.onReported.rows + b.onReported.rows);
}
