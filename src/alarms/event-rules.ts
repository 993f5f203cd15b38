// The rules that turn per-step flags into incidents, shared by batch detection
// and live scoring. Defaults are meant to be right for a first run: a flagged
// run is one incident; runs closer than `mergeGap` unflagged steps are one
// incident (a flicker around the threshold is not two problems); and with
// held-out normal scores, `openAbove` asks an incident to rise higher than
// normal data plausibly does (hysteresis: it opens above that level and lasts
// while the steps stay flagged at the lower, target-rate threshold).

export interface EventRules {
  /** Runs separated by at most this many unflagged steps are merged. */
  mergeGap: number;
  /** Runs (after merging) shorter than this many steps are dropped. */
  minLength: number;
  /**
   * Hysteresis: an incident opens only once a score exceeds this level (above the
   * flagging threshold) and closes when the flags stop. Undefined: any flag opens.
   */
  openAbove?: number;
}

export const DEFAULT_EVENT_RULES: Readonly<EventRules> = Object.freeze({
  mergeGap: 5,
  minLength: 1,
});

/** Checks rules, naming the field that is wrong. */
export function checkEventRules(rules: EventRules): EventRules {
  if (!Number.isInteger(rules.mergeGap) || rules.mergeGap < 0)
    throw new RangeError(`event rules: mergeGap must be an integer >= 0, got ${rules.mergeGap}`);
  if (!Number.isInteger(rules.minLength) || rules.minLength < 1)
    throw new RangeError(`event rules: minLength must be an integer >= 1, got ${rules.minLength}`);
  if (rules.openAbove !== undefined && Number.isNaN(rules.openAbove))
    throw new RangeError('event rules: openAbove is NaN');
  return rules;
}
