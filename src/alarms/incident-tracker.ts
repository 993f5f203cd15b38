// Incidents from scores fed one step at a time. Batch detection runs the same
// tracker over a whole series, so a live feed and a file give the same
// incidents for the same steps. A run of flagged steps becomes an incident
// once it is `minLength` long and (with hysteresis) has exceeded `openAbove`;
// it stays open across gaps of at most `mergeGap` unflagged steps and closes
// at the first step that makes the gap longer.
import { checkEventRules, DEFAULT_EVENT_RULES, type EventRules } from './event-rules.js';
import type { Incident } from './incident.js';
import { rankChannels } from './culprits.js';
import { SeverityScale } from './severity.js';

export interface TrackerStep {
  step: number;
  /** NaN for a step that could not be scored (never flagged). */
  score: number;
  flagged: boolean;
  /** Per-channel contributions of this step (explain()). */
  contributions?: ArrayLike<number>;
  /** Epoch milliseconds or ISO-8601 text. */
  time?: number | string;
}

export interface TrackerOptions {
  /** The flagging threshold: severity is measured from it. */
  threshold: number;
  /** Held-out normal scores: severity's scale and the p-value of each peak. */
  normalScores?: ArrayLike<number>;
  rules?: Partial<EventRules>;
  /** Names of the channels whose contributions are pushed. */
  channelNames?: readonly string[];
}

export interface TrackerUpdate {
  /** An incident that became reportable at this step (its end is this step so far). */
  opened?: Incident;
  /** An incident that ended (its last flagged step is before this step). */
  closed?: Incident;
}

interface Run {
  start: number;
  lastFlagged: number;
  peak: number;
  peakStep: number;
  startTime?: string;
  lastFlaggedTime?: string;
  /** Contributions summed up to lastFlagged, and over the gap since. */
  sums?: Float64Array;
  gapSums?: Float64Array;
  open: boolean;
}

function iso(time: number | string | undefined): string | undefined {
  if (time === undefined) return undefined;
  if (typeof time === 'number')
    return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
  return time;
}

export class IncidentTracker {
  readonly rules: EventRules;
  readonly scale: SeverityScale;
  private readonly names?: readonly string[];
  private run?: Run;
  private lastStep = -1;

  constructor(options: TrackerOptions) {
    this.rules = checkEventRules({ ...DEFAULT_EVENT_RULES, ...(options.rules ?? {}) });
    this.scale = new SeverityScale(options.threshold, options.normalScores);
    if (options.channelNames) this.names = [...options.channelNames];
  }

  push(input: TrackerStep): TrackerUpdate {
    const { step } = input;
    if (!Number.isInteger(step) || step <= this.lastStep)
      throw new RangeError(`IncidentTracker: step ${step} is not after step ${this.lastStep}`);
    this.lastStep = step;
    const flagged = input.flagged && Number.isFinite(input.score);
    const update: TrackerUpdate = {};
    const run = this.run;
    if (run) {
      // Unflagged steps since the last flagged one, this step included when unflagged.
      const gap = step - run.lastFlagged - (flagged ? 1 : 0);
      if (gap > this.rules.mergeGap) {
        const closed = this.finish();
        if (closed) update.closed = closed;
      }
    }
    if (!flagged) {
      if (this.run) this.addContributions(this.run, input.contributions, true);
      return update;
    }
    const time = iso(input.time);
    let cur = this.run;
    if (!cur) {
      cur = { start: step, lastFlagged: step, peak: input.score, peakStep: step, open: false };
      if (time !== undefined) cur.startTime = time;
      this.run = cur;
    } else {
      if (cur.gapSums && cur.sums) {
        for (let c = 0; c < cur.sums.length; c++) cur.sums[c] += cur.gapSums[c]!;
        cur.gapSums.fill(0);
      }
      cur.lastFlagged = step;
      if (input.score > cur.peak) {
        cur.peak = input.score;
        cur.peakStep = step;
      }
    }
    if (time !== undefined) cur.lastFlaggedTime = time;
    this.addContributions(cur, input.contributions, false);
    if (!cur.open && this.qualifies(cur)) {
      cur.open = true;
      update.opened = this.incidentOf(cur);
    }
    return update;
  }

  /** Ends the series: the open incident, if any, closes at its last flagged step. */
  flush(): Incident | undefined {
    return this.finish();
  }

  /** The incident in progress, if one is open. */
  current(): Incident | undefined {
    return this.run?.open ? this.incidentOf(this.run) : undefined;
  }

  private finish(): Incident | undefined {
    const run = this.run;
    this.run = undefined;
    if (!run) return undefined;
    if (!run.open && !this.qualifies(run)) return undefined;
    return this.incidentOf(run);
  }

  private qualifies(run: Run): boolean {
    const long = run.lastFlagged - run.start + 1 >= this.rules.minLength;
    const high = this.rules.openAbove === undefined || run.peak > this.rules.openAbove;
    return long && high;
  }

  private addContributions(run: Run, values: ArrayLike<number> | undefined, gap: boolean): void {
    if (!values) return;
    if (!run.sums) {
      run.sums = new Float64Array(values.length);
      run.gapSums = new Float64Array(values.length);
    }
    const target = gap ? run.gapSums! : run.sums;
    if (values.length !== target.length)
      throw new RangeError(
        `IncidentTracker: ${values.length} contributions at step ${this.lastStep}, expected ${target.length}`,
      );
    for (let c = 0; c < target.length; c++) {
      const v = values[c]!;
      if (Number.isFinite(v)) target[c] += v;
    }
  }

  private incidentOf(run: Run): Incident {
    const incident: Incident = {
      start: run.start,
      end: run.lastFlagged,
      peak: run.peak,
      peakStep: run.peakStep,
      severity: this.scale.severity(run.peak),
      channels: [],
    };
    if (run.startTime !== undefined) incident.startTime = run.startTime;
    if (run.lastFlaggedTime !== undefined) incident.endTime = run.lastFlaggedTime;
    const p = this.scale.pValue(run.peak);
    if (p !== undefined) incident.pValue = p;
    if (run.sums) {
      const names = this.names ?? [];
      incident.channels = rankChannels(run.sums, names);
    }
    return incident;
  }
}
