// The drift guard: when new data departs from training everywhere, per-step
// alarms turn into thousands of incidents that all say the same thing. The
// guard watches a trailing window and reports one finding instead: either a
// flag rate far above the target (and a fifth of the steps or more) spread
// over many separate runs, none holding most of the flagged steps (the
// threshold no longer means what it promised), or scores that sit above the typical normal
// score almost everywhere while few steps are flagged (a quiet shift), or data
// flagged at least half the time from its very first steps (it never looked
// like training). One long incident after a normal stretch is not drift: a
// sustained departure stays an incident.
import { quantileSorted, sortedAscending } from '../metrics/sorted.js';

export interface DriftOptions {
  /** The per-step false-positive rate the threshold was set for. */
  targetRate: number;
  /** Trailing window in steps; default ceil(10 / targetRate), at least 100. */
  window?: number;
  /** Flag rate at least this many times the target; default 5. */
  rateFactor?: number;
  /** ...and at least this share of the window; default 0.2 (sparse faults stay incidents). */
  minFlaggedShare?: number;
  /** The longest flagged run holds less than this share of the window's flagged steps; default 0.8. */
  maxRunShare?: number;
  /** At least this many separate flagged runs in the window; default 10. */
  minRuns?: number;
  /** Held-out normal scores, for the score-shift check. */
  normalScores?: ArrayLike<number>;
  /** Share of the window above the median normal score that means a shift; default 0.95. */
  shiftShare?: number;
}

export interface DriftFinding {
  kind: 'drift';
  reason: 'flag-rate' | 'score-shift' | 'from-start';
  /** First step of the departure (the first incident of the window, or its first step). */
  since: number;
  sinceTime?: string;
  /** Step at which the guard decided. */
  detectedAt: number;
  flaggedRate: number;
  targetRate: number;
  /** Separate runs of flagged steps in the window, and the longest one. */
  runsInWindow: number;
  longestRun: number;
  /** Share of the window's scores above the median held-out normal score. */
  shareAboveNormalMedian: number;
  window: number;
  message: string;
}

export interface DriftStep {
  step: number;
  score: number;
  flagged: boolean;
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
  const target = `a target of ${(f.targetRate * 100).toFixed(2)}%`;
  const what =
    f.reason === 'flag-rate'
      ? `${(f.flaggedRate * 100).toFixed(1)}% of ${f.window} steps flagged for ${target}, in ${f.runsInWindow} separate runs, the longest ${f.longestRun} steps`
      : f.reason === 'from-start'
        ? `${(f.flaggedRate * 100).toFixed(1)}% of the first ${f.window} scored steps flagged for ${target}`
        : `${(f.shareAboveNormalMedian * 100).toFixed(0)}% of ${f.window} scores above the median held-out normal score (about 50% expected)`;
  return `the data no longer looks like training since ${when}: retrain or recalibrate (${what})`;
}

export class DriftGuard {
  readonly window: number;
  readonly targetRate: number;
  readonly rateFactor: number;
  readonly maxRunShare: number;
  readonly minFlaggedShare: number;
  readonly minRuns: number;
  readonly shiftShare: number;
  private readonly normalMedian?: number;
  private readonly flags: Uint8Array;
  private readonly above: Uint8Array;
  private readonly steps: Float64Array;
  private readonly times: (string | undefined)[];
  private count = 0;
  private flagged = 0;
  private aboveMedian = 0;
  /** Runs of consecutive flagged steps that reach into the window. */
  private readonly runs: { start: number; end: number; time?: string }[] = [];
  private lastStep = -Infinity;
  /** The start check: the first scored steps, and how many of them were flagged. */
  private readonly startWindow: number;
  private startSeen = 0;
  private startFlagged = 0;
  private startRuns = 0;
  private startRun = 0;
  private startLongest = 0;
  private firstScored?: { step: number; time?: string };
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
    this.maxRunShare = options.maxRunShare ?? 0.8;
    this.minRuns = options.minRuns ?? 10;
    this.minFlaggedShare = options.minFlaggedShare ?? 0.2;
    this.shiftShare = options.shiftShare ?? 0.95;
    this.startWindow = Math.max(100, Math.ceil(10 / targetRate));
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
    if (finite && this.startSeen < this.startWindow) {
      if (!this.firstScored) this.firstScored = { step: input.step, ...(time ? { time } : {}) };
      this.startSeen++;
      this.startFlagged += flagged;
      this.startRun = flagged ? this.startRun + 1 : 0;
      if (this.startRun === 1) this.startRuns++;
      this.startLongest = Math.max(this.startLongest, this.startRun);
      if (this.startSeen === this.startWindow) {
        // The first scored steps, judged before a full (longer) window exists.
        const rate = this.startFlagged / this.startWindow;
        const spread =
          rate >= Math.max(this.rateFactor * this.targetRate, this.minFlaggedShare) &&
          this.startRuns >= this.minRuns &&
          this.startLongest < this.maxRunShare * this.startFlagged;
        if (rate >= 0.5 || spread)
          return this.report(
            'from-start',
            input.step,
            this.firstScored.step,
            this.firstScored.time,
            {
              rate,
              window: this.startWindow,
              longest: this.startLongest,
            },
          );
      }
    }
    this.flags[slot] = flagged;
    this.above[slot] = above;
    this.steps[slot] = input.step;
    this.times[slot] = time;
    this.flagged += flagged;
    this.aboveMedian += above;
    this.count++;
    if (flagged) {
      const last = this.runs[this.runs.length - 1];
      if (last && last.end === this.lastStep) last.end = input.step;
      else this.runs.push({ start: input.step, end: input.step, ...(time ? { time } : {}) });
    }
    this.lastStep = input.step;
    const oldestSlot = this.count >= this.window ? this.count % this.window : 0;
    const oldest = this.steps[oldestSlot]!;
    while (this.runs.length > 0 && this.runs[0]!.end < oldest) this.runs.shift();
    if (this.count < this.window) return undefined;

    const rate = this.flagged / this.window;
    let reason: DriftFinding['reason'] | undefined;
    let longest = 0;
    if (rate >= Math.max(this.rateFactor * this.targetRate, this.minFlaggedShare)) {
      for (const r of this.runs) longest = Math.max(longest, r.end - Math.max(r.start, oldest) + 1);
      if (longest < this.maxRunShare * this.flagged && this.runs.length >= this.minRuns)
        reason = 'flag-rate';
    } else if (
      this.normalMedian !== undefined &&
      this.aboveMedian >= this.shiftShare * this.window &&
      rate < this.rateFactor * this.targetRate
    )
      reason = 'score-shift';
    if (!reason) return undefined;
    const first = reason === 'flag-rate' ? this.runs[0]! : undefined;
    const since = first ? Math.max(first.start, oldest) : oldest;
    const sinceTime = first && first.start >= oldest ? first.time : this.times[oldestSlot];
    return this.report(reason, input.step, since, sinceTime, {
      rate,
      window: this.window,
      longest,
    });
  }

  private report(
    reason: DriftFinding['reason'],
    at: number,
    since: number,
    sinceTime: string | undefined,
    seen: { rate: number; window: number; longest?: number },
  ): DriftFinding {
    const finding: DriftFinding = {
      kind: 'drift',
      reason,
      since,
      ...(sinceTime !== undefined ? { sinceTime } : {}),
      detectedAt: at,
      flaggedRate: seen.rate,
      targetRate: this.targetRate,
      runsInWindow: this.runs.length,
      longestRun: seen.longest ?? 0,
      shareAboveNormalMedian: this.aboveMedian / Math.max(1, Math.min(this.count, this.window)),
      window: seen.window,
      message: '',
    };
    finding.message = describeDrift(finding);
    this.finding = finding;
    return finding;
  }
}
