// Batch incident detection: the IncidentTracker and the DriftGuard run over a
// whole scored series exactly as they would over a live feed, then optional
// batch-only pruning. Drift replaces the incidents from its onset with one
// finding, so a drifted series gives one actionable message, not thousands.
import { DriftGuard, type DriftFinding, type DriftOptions } from './drift-guard.js';
import type { EventRules } from './event-rules.js';
import { IncidentTracker } from './incident-tracker.js';
import type { Incident } from './incident.js';
import { pruneIncidents } from './prune.js';
import { firstRunSettings, type FirstRunSettings } from './first-run.js';

export interface DetectIncidentsOptions {
  /** Flagging threshold (score > threshold), also severity's reference. */
  threshold: number;
  /** Per-step flags when they come from elsewhere (e.g. a dynamic threshold); default score > threshold. */
  flags?: ArrayLike<number | boolean>;
  /** Held-out normal scores: severity scale, p-values, the drift guard's score check. */
  normalScores?: ArrayLike<number>;
  /** Per-step, per-channel contributions [length, channels] (explain()). */
  contributions?: Float32Array;
  channelNames?: readonly string[];
  /** Epoch ms, one per step. */
  timestamps?: ArrayLike<number>;
  rules?: Partial<EventRules>;
  /** The drift guard's settings (targetRate is the threshold's target rate); false turns it off. */
  drift?: DriftOptions | false;
  /** Telemanom-style pruning with this minimum relative drop between peaks. */
  prune?: number;
}

export interface IncidentDetection {
  incidents: Incident[];
  drift?: DriftFinding;
  /** Incidents that started after the drift onset and were folded into it. */
  absorbed: number;
}

export function detectIncidents(
  scores: ArrayLike<number>,
  options: DetectIncidentsOptions,
): IncidentDetection {
  const n = scores.length;
  const { flags, contributions, timestamps } = options;
  if (flags && flags.length !== n)
    throw new RangeError(`detectIncidents: ${flags.length} flags for ${n} scores`);
  if (timestamps && timestamps.length !== n)
    throw new RangeError(`detectIncidents: ${timestamps.length} timestamps for ${n} scores`);
  const channels = contributions ? contributions.length / Math.max(1, n) : 0;
  if (contributions && !Number.isInteger(channels))
    throw new RangeError(
      `detectIncidents: ${contributions.length} contributions do not divide into ${n} steps`,
    );
  const tracker = new IncidentTracker({
    threshold: options.threshold,
    ...(options.normalScores ? { normalScores: options.normalScores } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.channelNames ? { channelNames: options.channelNames } : {}),
  });
  const guard = options.drift ? new DriftGuard(options.drift) : undefined;
  const incidents: Incident[] = [];
  for (let t = 0; t < n; t++) {
    const score = scores[t]!;
    const flagged = flags ? Boolean(flags[t]) : score > options.threshold;
    const time = timestamps ? timestamps[t] : undefined;
    const update = tracker.push({
      step: t,
      score,
      flagged,
      ...(contributions
        ? { contributions: contributions.subarray(t * channels, (t + 1) * channels) }
        : {}),
      ...(time !== undefined ? { time } : {}),
    });
    if (update.closed) incidents.push(update.closed);
    guard?.push({ step: t, score, flagged, ...(time !== undefined ? { time } : {}) });
  }
  const last = tracker.flush();
  if (last) incidents.push(last);
  const drift = guard?.drift;
  const kept = drift ? incidents.filter((i) => i.start < drift.since) : incidents;
  const absorbed = incidents.length - kept.length;
  // Pruning compares with the largest unflagged score before the drift, not after it.
  const before = drift ? Array.prototype.slice.call(scores, 0, drift.since) : scores;
  const pruned = options.prune === undefined ? kept : pruneIncidents(kept, before, options.prune);
  return { incidents: pruned, ...(drift ? { drift } : {}), absorbed };
}

/** Telemanom's minimum relative drop between incident peaks (Hundman et al. 2018). */
export const DEFAULT_PRUNE = 0.13;

export interface FindIncidentsOptions extends Omit<
  DetectIncidentsOptions,
  'rules' | 'drift' | 'prune'
> {
  /** The per-step false-positive rate the threshold was set for. */
  targetRate: number;
  /** Overrides of the first-run rules. */
  rules?: Partial<EventRules>;
  /** Overrides of the drift guard's settings, or false to turn it off. */
  drift?: Partial<DriftOptions> | false;
  /** Pruning's minimum relative drop (default 0.13), or false for none. */
  prune?: number | false;
  /** A floor for the first-run merge gap (e.g. the model's window), under rules.mergeGap. */
  mergeGapAtLeast?: number;
}

/**
 * Incidents with the settings of a first run (see first-run.ts): merge gap and
 * drift window from the scores' correlation length, hysteresis at the level
 * normal data reaches at targetRate / 20, telemanom's pruning, the drift guard.
 */
export function findIncidents(
  scores: ArrayLike<number>,
  options: FindIncidentsOptions,
): IncidentDetection & { settings: FirstRunSettings } {
  const { targetRate, rules, drift, prune, mergeGapAtLeast, ...rest } = options;
  const settings = firstRunSettings({
    threshold: options.threshold,
    targetRate,
    ...(options.normalScores ? { normalScores: options.normalScores } : {}),
  });
  settings.rules = {
    ...settings.rules,
    mergeGap: Math.max(settings.rules.mergeGap, mergeGapAtLeast ?? 0),
    ...(rules ?? {}),
  };
  if (drift !== false) settings.drift = { ...settings.drift, ...(drift ?? {}) };
  const detection = detectIncidents(scores, {
    ...rest,
    rules: settings.rules,
    drift: drift === false ? false : settings.drift,
    ...(prune === false ? {} : { prune: prune ?? DEFAULT_PRUNE }),
  });
  return { ...detection, settings };
}
