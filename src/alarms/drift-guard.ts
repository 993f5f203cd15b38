// The drift guard: when new data departs from training everywhere, per-step
// alarms turn into thousands of incidents that all say the same thing. The
// guard watches a trailing window and reports one finding instead: either many
// separate incidents at a flag rate far above the target (the threshold no
// longer means what it promised), or scores that sit above the typical normal
// score almost everywhere while few steps are flagged (a quiet shift). One long
// incident is not drift: a sustained departure stays an incident.
import { quantileSorted, sortedAscending } from '../metrics/sorted.js';

export interface DriftOptions {
  /** The per-step false-positive rate the threshold was set for. */
  targetRate: number;
  /** Trailing window in steps; default ceil(10 / targetRate), at least 100. */
  window?: number;
  /** Flag rate at least this many times the target; default 5. */
  rateFactor?: number;
  /** At least this many incidents opened in the window; default 10. */
  minIncidents?: number;
  /** Held-out normal scores, for the score-shift check. */
  normalScores?: ArrayLike<number>;
  /** Share of the window above the median normal score that means a shift; default 0.95. */
  shiftShare?: number;
}

export interface DriftFinding {
  kind: 'drift';
  reason: 'flag-rate' | 'score-shift';
  /** First step of the departure (the first incident of the window, or its first step). */
  since: number;
  sinceTime?: string;
  /** Step at which the guard decided. */
  detectedAt: number;
  flaggedRate: number;
  targetRate: number;
  incidentsInWindow: number;
  /** Share of the window's scores above the median held-out normal score. */
  shareAboveNormalMedian: number;
  window: number;
  message: string;
}

export interface DriftStep {
  step: number;
  score: number;
  flagged: boolean;
  /** An incident opened at this step (from the IncidentTracker). */
  opened?: boolean;
  /** Start step of that incident, when it began before this step. */
  openedStart?: number;
  time?: number | string;
}

function iso(time: number | string | undefined): string | undefined {
  if (time === undefined) return undefined;
  if (typeof time === 'string') return time;
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

/** The finding in words, for people. */
export function describeDrift(f: DriftFinding): string {
  const when = f.sinceTime ?? `step ${f.since}`;
  const what =
    f.reason === 'flag-rate'
      ? `${(f.flaggedRate * 100).toFixed(1)}% of ${f.window} steps flagged for a target of ${(f.targetRate * 100).toFixed(2)}%, in ${f.incidentsInWindow} separate incidents`
      : `${(f.shareAboveNormalMedian * 100).toFixed(0)}% of ${f.window} scores above the median held-out normal score (about 50% expected)`;
  return `the data no longer looks like training since ${when}: retrain or recalibrate (${what})`;
}

export class DriftGuard {
  readonly window: number;
  readonly targetRate: number;
  readonly rateFactor: number;
  readonly minIncidents: number;
  readonly shiftShare: number;
  private readonly normalMedian?: number;
  private readonly flags: Uint8Array;
  private readonly above: Uint8Array;
  private readonly steps: Float64Array;
  private readonly times: (string | undefined)[];
  private count = 0;
  private flagged = 0;
  private aboveMedian = 0;
  private readonly opened: { at: number; start: number; time?: string }[] = [];
  private finding?: DriftFinding;

  constructor(options: DriftOptions) {
    const { targetRate } = options;
    if (!(targetRate > 0 && targetRate < 1))
      throw new RangeError(`drift guard: targetRate must be in (0, 1), got ${targetRate}`);
    this.targetRate = targetRate;
    this.window = options.window ?? Math.max(100, Math.ceil(10 / targetRate));
    if (!Number.isInteger(this.window) || this.window < 2)
      throw new RangeError(`drift guard: window must be an integer >= 2, got ${this.window}`);
    this.rateFactor = options.rateFactor ?? 5;
    this.minIncidents = options.minIncidents ?? 10;
    this.shiftShare = options.shiftShare ?? 0.95;
    if (options.normalScores && options.normalScores.length > 0) {
      const finite = Array.from(options.normalScores).filter(Number.isFinite);
      if (finite.length > 0)
        this.normalMedian = quantileSorted(sortedAscending(finite, 'drift guard'), 0.5);
    }
    this.flags = new Uint8Array(this.window);
    this.above = new Uint8Array(this.window);
    this.steps = new Float64Array(this.window);
    this.times = new Array<string | undefined>(this.window);
  }

  /** The finding, once drift was seen (it is reported once). */
  get drift(): DriftFinding | undefined {
    return this.finding;
  }

  /** Feeds one step; returns the finding at the step the guard decides, else undefined. */
  push(input: DriftStep): DriftFinding | undefined {
    if (this.finding) return undefined;
    const slot = this.count % this.window;
    if (this.count >= this.window) {
      this.flagged -= this.flags[slot]!;
      this.aboveMedian -= this.above[slot]!;
    }
    const finite = Number.isFinite(input.score);
    const flagged = input.flagged && finite ? 1 : 0;
    const above =
      this.normalMedian !== undefined && finite && input.score > this.normalMedian ? 1 : 0;
    const time = iso(input.time);
    this.flags[slot] = flagged;
    this.above[slot] = above;
    this.steps[slot] = input.step;
    this.times[slot] = time;
    this.flagged += flagged;
    this.aboveMedian += above;
    this.count++;
    if (input.opened) {
      const start = input.openedStart ?? input.step;
      this.opened.push({
        at: input.step,
        start,
        ...(start === input.step && time ? { time } : {}),
      });
    }
    const oldestSlot = this.count >= this.window ? this.count % this.window : 0;
    const oldest = this.steps[oldestSlot]!;
    while (this.opened.length > 0 && this.opened[0]!.at < oldest) this.opened.shift();
    if (this.count < this.window) return undefined;

    const rate = this.flagged / this.window;
    const many = this.opened.length >= this.minIncidents;
    let reason: DriftFinding['reason'] | undefined;
    if (rate >= this.rateFactor * this.targetRate && many) reason = 'flag-rate';
    else if (
      this.normalMedian !== undefined &&
      this.aboveMedian >= this.shiftShare * this.window &&
      rate < this.rateFactor * this.targetRate
    )
      reason = 'score-shift';
    if (!reason) return undefined;
    const first = reason === 'flag-rate' ? this.opened[0]! : undefined;
    const since = first ? first.start : oldest;
    const sinceTime = first ? (first.time ?? this.timeOf(since)) : this.times[oldestSlot];
    const finding: DriftFinding = {
      kind: 'drift',
      reason,
      since,
      ...(sinceTime !== undefined ? { sinceTime } : {}),
      detectedAt: input.step,
      flaggedRate: rate,
      targetRate: this.targetRate,
      incidentsInWindow: this.opened.length,
      shareAboveNormalMedian: this.aboveMedian / this.window,
      window: this.window,
      message: '',
    };
    finding.message = describeDrift(finding);
    this.finding = finding;
    return finding;
  }

  private timeOf(step: number): string | undefined {
    for (let i = 0; i < this.window; i++) if (this.steps[i] === step) return this.times[i];
    return undefined;
  }
}
