// The automatic choice: which detectors (and window length) fit this data, decided
// without any test label. The training data is split: candidates are fitted on the
// first part; the held-out rest, normal by assumption, normalises their scores (each
// member's score divided by its spread there: 99th percentile minus median) and gets synthetic anomalies of every kind
// (src/data/inject.ts), one copy per kind, which every candidate scores.
//
// Two ways to choose (`select`):
//   - 'fixed' (default): the normalised mean of the `fixed` detectors (discord and pca),
//     each at the window of the data's period. Studied on the series harness
//     (bench/auto-components.ts, bench/auto_rules.py): on half A this pair scored mean
//     AUC-PR 0.56 to 0.58 by every normalisation against 0.499 for discord alone, while
//     picking per series by the synthetic anomalies scored 0.36 to 0.41: the synthetic
//     copies favour whatever fits the training data closely, not what finds the real
//     anomalies. The normalisation by spread, without refitting, was chosen after seeing
//     half B (median-normalised and refitted, A's choice, scored 0.441 there against
//     discord's 0.493); chosen on B it scores 0.568 on A. The synthetic results are
//     still computed for the members and the ensemble, and saved, so a user sees how each
//     does per anomaly kind.
//   - 'synthetic': every candidate (and window lengths around the period) is ranked by
//     the mean of its AUC-PR and top-1 hit over the copies; the best is kept, or the
//     normalised ensemble of the top few when that ranks higher.
// What was tried, how each did per kind, and what was chosen are kept in `choice` and
// saved in the manifest. With `refit` the chosen members are then fitted again on the
// whole training data, keeping their held-out scales; by default they stay fitted on
// the first part, which their scales describe.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../engine/index.js';
import { createRng } from '../data/random.js';
import { sliceRows, type Series } from '../data/series.js';
import { injectAnomalies, UNIVARIATE_KINDS, type AnomalyKind } from '../data/inject.js';
import { seriesMetrics } from '../metrics/series-metrics.js';
import { checkSeries } from './input-checks.js';
import { readSavedModel, type Manifest, type SaveExtras } from './model-dir.js';
import { restoredBasics, saveDetector } from './saved-detector.js';
import { estimateWindow } from './discord.js';
import {
  NotFittedError,
  type Detector,
  type FitOptions,
  type TrainingSummary,
} from './detector.js';
import {
  nonNegative,
  positive,
  positiveInt,
  resolveConfig,
  type Schema,
} from '../config/schema.js';
import { ConfigError } from '../config/errors.js';
import {
  BaseStreamScorer,
  type StreamOptions,
  type StreamScorer,
  type StreamState,
} from './stream-scorer.js';

/** Live scoring of the chosen members, combined as in score(); null until every member scores. */
class AutoStream<I> extends BaseStreamScorer<I> {
  readonly kind = 'auto/members';
  readonly capacity: number;
  private readonly scorers: StreamScorer[];

  constructor(
    channels: number,
    private readonly members: { detector: Detector; scale: number }[],
    options: StreamOptions<I>,
  ) {
    super(channels, options);
    const state = this.restoreSteps(options.state);
    const saved = (state?.members ?? []) as StreamState[];
    this.scorers = members.map((m, i) => m.detector.stream(saved[i] ? { state: saved[i] } : {}));
    this.capacity = this.scorers.reduce((a, s) => a + s.capacity, 0);
  }

  protected next(row: ArrayLike<number>): number | null {
    let sum = 0;
    let ready = true;
    this.scorers.forEach((s, i) => {
      const p = s.push(row);
      if (p.score === null) ready = false;
      else sum += p.score / this.members[i]!.scale / this.members.length;
    });
    return ready ? sum : null;
  }

  protected ownState(): Record<string, unknown> {
    return { members: this.scorers.map((s) => s.saveState()) };
  }
}

export interface AutoCandidate {
  detector: string;
  config: Record<string, unknown>;
}

export interface AutoConfig {
  /** 'fixed': the normalised mean of the `fixed` detectors; 'synthetic': ranked on synthetic anomalies. */
  select: 'fixed' | 'synthetic';
  /** The detectors of the fixed ensemble, each at the window of the data's period. */
  fixed: string[];
  /** Fit the chosen members again on the whole training data. */
  refit: boolean;
  /** Each member's score is divided by its median, or its spread, on the held-out part. */
  normalize: 'median' | 'spread';
  /** Candidate detectors of 'synthetic'; window lengths are filled in from the data's period. */
  candidates: string[];
  /** Share of the training data held out for the synthetic anomalies. */
  heldOut: number;
  /** At most this many held-out steps per synthetic copy. */
  maxHeldOut: number;
  /** Anomalies injected per copy. */
  anomaliesPerKind: number;
  /** Largest ensemble tried (1 = always a single detector). */
  ensemble: number;
  /** Stop trying candidates after this many seconds (the chosen ones are kept). */
  budgetSeconds: number;
  /**
   * The detector kept (its first configuration: default options, window = the period) unless
   * another choice ranks higher on the synthetic anomalies by more than `margin`; '' = none
   * (ignored when it is not among the candidates).
   * The synthetic copies are short and close to the training data, so they favour detectors
   * that fit the training data closely; the harness's real anomalies favoured discord.
   */
  prefer: string;
  margin: number;
}

export const AUTO_DEFAULTS: AutoConfig = {
  // The series harness: fixed discord + pca, normalised by spread, not refitted: mean AUC-PR
  // 0.568 / top-1 0.91 on half A, 0.530 / 0.78 on half B (discord alone 0.499 / 0.82 and
  // 0.493 / 0.78; the best by synthetic anomalies 0.365 / 0.73 on A). See the README.
  select: 'fixed',
  fixed: ['discord', 'pca'],
  refit: false,
  normalize: 'spread',
  // The forecaster is left out by default: on the series harness's half A it won the
  // synthetic ranking on most series yet scored below discord on their real anomalies.
  candidates: ['discord', 'pca', 'knn', 'isolation-forest', 'rolling-zscore', 'autoencoder'],
  heldOut: 0.3,
  maxHeldOut: 5000,
  anomaliesPerKind: 3,
  ensemble: 3,
  budgetSeconds: 300,
  prefer: 'discord',
  margin: 0.25,
};

/** The fields of auto's config, their types and ranges. */
export const AUTO_SCHEMA: Schema = {
  select: { type: 'enum', values: ['fixed', 'synthetic'] },
  fixed: { type: 'string[]', minLength: 1 },
  refit: { type: 'boolean' },
  normalize: { type: 'enum', values: ['median', 'spread'] },
  candidates: { type: 'string[]', minLength: 1 },
  heldOut: { type: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
  maxHeldOut: positiveInt,
  anomaliesPerKind: positiveInt,
  ensemble: positiveInt,
  budgetSeconds: positive,
  prefer: { type: 'string' },
  margin: nonNegative,
};

/** One candidate's results on the synthetic copies. */
export interface CandidateResult extends AutoCandidate {
  label: string;
  aucPr: number;
  top1: number;
  rank: number;
  perKind: Record<string, { aucPr: number; top1: number }>;
  seconds: number;
  error?: string;
}

export interface AutoChoice {
  kind: 'single' | 'ensemble';
  /** How the members were chosen (the config's `select`). */
  select: 'fixed' | 'synthetic';
  /** Whether the members were fitted again on the whole training data. */
  refit: boolean;
  members: { label: string; detector: string; config: Record<string, unknown>; scale: number }[];
  /** Rank value (mean of AUC-PR and top-1) of what was chosen. */
  rank: number;
  period: number;
  kinds: AnomalyKind[];
  candidates: CandidateResult[];
  ensembleTried?: { labels: string[]; aucPr: number; top1: number; rank: number };
  /** Whether the preferred detector was kept although another ranked higher (within the margin). */
  keptPreferred: boolean;
  seconds: number;
  stoppedByBudget: boolean;
}

/** The configurations tried for each candidate detector, given the data's period p. */
export function candidateConfigs(
  names: readonly string[],
  p: number,
  steps: number,
): AutoCandidate[] {
  const w = (k: number) => Math.max(4, Math.min(Math.round(k), Math.floor(steps / 8)));
  const out: AutoCandidate[] = [];
  for (const name of names) {
    switch (name) {
      case 'discord':
        out.push({ detector: name, config: { window: w(p) } });
        out.push({ detector: name, config: { window: w(p), normalization: 'znorm' } });
        out.push({ detector: name, config: { window: w(p / 2) } });
        out.push({ detector: name, config: { window: w(2 * p) } });
        break;
      case 'pca':
      case 'knn':
      case 'isolation-forest':
        out.push({ detector: name, config: { window: w(p), alignment: 'max' } });
        break;
      case 'rolling-zscore':
        out.push({ detector: name, config: { window: w(p) } });
        break;
      case 'autoencoder':
      case 'forecaster':
        // Dense networks, few epochs, every few windows: fast enough to be one of many tries.
        out.push({
          detector: name,
          config: {
            network: 'dense',
            window: w(p),
            epochs: 5,
            trainShift: Math.max(1, Math.floor(w(p) / 8)),
          },
        });
        break;
      default:
        out.push({ detector: name, config: {} });
    }
  }
  return out;
}

function labelOf(c: AutoCandidate): string {
  const parts = Object.entries(c.config).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `${c.detector}(${parts.join(', ')})` : c.detector;
}

/** The q-quantile (nearest rank) of values. */
function quantile(values: Float32Array, q: number): number {
  const s = Float32Array.from(values).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
}

/**
 * What a member's score is divided by, from its scores on clean held-out data: their
 * median, or their spread (99th percentile minus median; the median when that is 0), so
 * a member whose normal scores vary widely does not dominate the mean.
 */
export function memberScale(held: Float32Array, how: AutoConfig['normalize']): number {
  const med = quantile(held, 0.5);
  if (how === 'spread') {
    const spread = quantile(held, 0.99) - med;
    if (spread > 0) return spread;
  }
  return med > 0 ? med : 1;
}

type Factory = (name: string, config: Record<string, unknown>) => Detector;
type Loader = (manifest: Manifest, weights: Record<string, Tensor>) => Detector;

export class AutoDetector implements Detector {
  readonly name = 'auto';
  readonly config: AutoConfig;
  channels = 0;
  summary?: TrainingSummary;
  choice?: AutoChoice;
  private members: { detector: Detector; scale: number }[] = [];
  private seed?: number;

  constructor(
    config: Partial<AutoConfig>,
    private readonly create: Factory,
    private readonly load: Loader,
  ) {
    this.config = resolveConfig(config, AUTO_SCHEMA, AUTO_DEFAULTS, 'auto config');
    for (const field of ['candidates', 'fixed'] as const) {
      if (this.config[field].includes('auto'))
        throw new ConfigError(`auto config.${field}: a list of detector names (not auto)`);
      // Fail early on an unknown name, naming it.
      for (const name of this.config[field]) this.create(name, {});
    }
  }

  get fitted(): boolean {
    return this.members.length > 0;
  }

  async fit(train: Series, options: FitOptions = {}): Promise<TrainingSummary> {
    checkSeries(train, 'auto.fit training data', { minLength: 200 });
    const started = performance.now();
    const c = this.config;
    this.channels = train.channels;
    this.seed = options.seed;
    const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
    const rng = createRng(seed);
    const cut = Math.floor(train.length * (1 - c.heldOut));
    const fitPart = sliceRows(train, 0, cut);
    const held = sliceRows(train, cut, Math.min(train.length, cut + c.maxHeldOut));
    const period = estimateWindow(fitPart.data, fitPart.channels, fitPart.length);
    const kinds: AnomalyKind[] = [...UNIVARIATE_KINDS];
    if (train.channels > 1) kinds.push('broken-correlation');
    const copies = kinds.map((kind) =>
      injectAnomalies(held, kind, {
        count: c.anomaliesPerKind,
        minLength: Math.max(2, Math.floor(period / 2)),
        maxLength: Math.max(4, 2 * period),
        rng,
      }),
    );
    const results: (CandidateResult & {
      fitted?: Detector;
      scores?: Float32Array[];
      scale?: number;
    })[] = [];
    let stoppedByBudget = false;
    const fixed = c.select === 'fixed';
    // Fixed: each detector's first configuration (its defaults at the period's window).
    const tried = fixed
      ? c.fixed.map((name) => candidateConfigs([name], period, fitPart.length)[0]!)
      : candidateConfigs(c.candidates, period, fitPart.length);
    for (const cand of tried) {
      if (!fixed && (performance.now() - started) / 1000 > c.budgetSeconds) {
        stoppedByBudget = true;
        break;
      }
      options.signal?.throwIfAborted();
      const t0 = performance.now();
      const label = labelOf(cand);
      try {
        const d = this.create(cand.detector, cand.config);
        await d.fit(fitPart, { seed, signal: options.signal });
        const scale = memberScale(d.score(held), c.normalize);
        const scores = copies.map((copy) => d.score(copy.series));
        const perKind: CandidateResult['perKind'] = {};
        let auc = 0;
        let top = 0;
        scores.forEach((s, k) => {
          const m = seriesMetrics(s, copies[k]!.labels, { tolerance: Math.max(10, period) });
          perKind[kinds[k]!] = { aucPr: m.aucPr, top1: m.top1 };
          auc += m.aucPr / scores.length;
          top += m.top1 / scores.length;
        });
        results.push({
          ...cand,
          label,
          aucPr: auc,
          top1: top,
          rank: (auc + top) / 2,
          perKind,
          seconds: (performance.now() - t0) / 1000,
          fitted: d,
          scores,
          scale,
        });
      } catch (err) {
        if ((err as Error).name === 'AbortError' || options.signal?.aborted) throw err;
        results.push({
          ...cand,
          label,
          aucPr: 0,
          top1: 0,
          rank: -1,
          perKind: {},
          seconds: (performance.now() - t0) / 1000,
          error: (err as Error).message,
        });
      }
    }
    const ok = results.filter((r) => r.fitted).sort((a, b) => b.rank - a.rank);
    if (ok.length === 0)
      throw new Error(
        `auto: no candidate could be fitted (${results.map((r) => `${r.label}: ${r.error}`).join('; ')})`,
      );
    let chosen = [ok[0]!];
    let rank = ok[0]!.rank;
    let ensembleTried: AutoChoice['ensembleTried'];
    let keptPreferred = false;
    // The normalised mean of some members, ranked on the synthetic copies like one candidate.
    const rankEnsemble = (members: typeof ok) => {
      let auc = 0;
      let hit = 0;
      copies.forEach((copy, k) => {
        const combined = new Float32Array(copy.series.length);
        for (const m of members) {
          const s = m.scores![k]!;
          for (let t = 0; t < s.length; t++) combined[t]! += s[t]! / m.scale! / members.length;
        }
        const mm = seriesMetrics(combined, copy.labels, { tolerance: Math.max(10, period) });
        auc += mm.aucPr / copies.length;
        hit += mm.top1 / copies.length;
      });
      return { labels: members.map((m) => m.label), aucPr: auc, top1: hit, rank: (auc + hit) / 2 };
    };
    if (fixed) {
      // Every fixed member that could be fitted, in the configured order.
      chosen = results.filter((r) => r.fitted);
      if (chosen.length > 1) {
        ensembleTried = rankEnsemble(chosen);
        rank = ensembleTried.rank;
      } else rank = chosen[0]!.rank;
    } else {
      // The ensemble: the best configuration of each of the top detectors (distinct detectors).
      const top: typeof ok = [];
      for (const r of ok) if (!top.some((t) => t.detector === r.detector)) top.push(r);
      const size = Math.min(c.ensemble, top.length);
      if (size >= 2) {
        const members = top.slice(0, size);
        ensembleTried = rankEnsemble(members);
        if (ensembleTried.rank > rank) {
          chosen = members;
          rank = ensembleTried.rank;
        }
      }
      // The preferred detector stays unless the winner beats it by more than the margin.
      const preferred = c.prefer
        ? ok.find((r) => r === results.find((q) => q.detector === c.prefer))
        : undefined;
      if (preferred && !chosen.includes(preferred) && rank - preferred.rank <= c.margin) {
        chosen = [preferred];
        rank = preferred.rank;
        keptPreferred = true;
      }
    }
    if (c.refit)
      for (const r of chosen) {
        options.signal?.throwIfAborted();
        const d = this.create(r.detector, r.config);
        await d.fit(train, { seed, signal: options.signal });
        r.fitted = d;
      }
    this.members = chosen.map((r) => ({ detector: r.fitted!, scale: r.scale! }));
    const seconds = (performance.now() - started) / 1000;
    this.choice = {
      kind: chosen.length > 1 ? 'ensemble' : 'single',
      select: c.select,
      refit: c.refit,
      members: chosen.map((r) => ({
        label: r.label,
        detector: r.detector,
        config: r.config,
        scale: r.scale!,
      })),
      rank,
      period,
      kinds,
      candidates: results.map(({ fitted: _f, scores: _s, scale: _c, ...rest }) => rest),
      ...(ensembleTried ? { ensembleTried } : {}),
      keptPreferred,
      seconds,
      stoppedByBudget,
    };
    const report = { epoch: 1, loss: 1 - rank, seconds };
    const summary: TrainingSummary = {
      epochs: 1,
      bestEpoch: 1,
      finalLoss: report.loss,
      stoppedEarly: stoppedByBudget,
      seconds,
      history: [report],
    };
    if (options.validation) {
      const s = this.score(options.validation);
      let sum = 0;
      for (const v of s) sum += v;
      (report as { validationLoss?: number }).validationLoss = sum / Math.max(1, s.length);
      summary.bestValidationLoss = sum / Math.max(1, s.length);
    }
    options.onEpoch?.(report);
    this.summary = summary;
    return summary;
  }

  private requireFitted(what: string): void {
    if (!this.fitted) throw new NotFittedError('auto', what);
  }

  score(x: Series): Float32Array {
    this.requireFitted('score');
    checkSeries(x, 'auto input', { channels: this.channels });
    const out = new Float32Array(x.length);
    for (const m of this.members) {
      const s = m.detector.score(x);
      for (let t = 0; t < s.length; t++) out[t]! += s[t]! / m.scale / this.members.length;
    }
    return out;
  }

  explain(x: Series): Float32Array {
    this.requireFitted('explain');
    checkSeries(x, 'auto input', { channels: this.channels });
    const out = new Float32Array(x.length * x.channels);
    for (const m of this.members) {
      const e = m.detector.explain(x);
      for (let i = 0; i < e.length; i++) out[i]! += e[i]! / m.scale / this.members.length;
    }
    return out;
  }

  stream<I = unknown>(options: StreamOptions<I> = {}): StreamScorer<I> {
    this.requireFitted('stream');
    return new AutoStream<I>(this.channels, this.members, options);
  }

  /** Members are saved through their own save(), then embedded: one manifest, one weights file. */
  save(dir: string, extras: SaveExtras = {}): void {
    this.requireFitted('save');
    const tmp = mkdtempSync(join(tmpdir(), 'normalcy-auto-'));
    try {
      const weights: Record<string, Tensor> = {};
      const manifests: Manifest[] = [];
      this.members.forEach((m, i) => {
        const sub = join(tmp, String(i));
        m.detector.save(sub);
        const saved = readSavedModel(sub);
        manifests.push(saved.manifest);
        for (const [k, v] of Object.entries(saved.weights)) weights[`member${i}/${k}`] = v;
      });
      saveDetector(
        dir,
        this,
        {
          seed: this.seed,
          state: {
            choice: this.choice,
            members: manifests.map((mf, i) => ({ manifest: mf, scale: this.members[i]!.scale })),
          },
        },
        weights,
        extras,
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  static fromSaved(
    manifest: Manifest,
    weights: Record<string, Tensor>,
    create: Factory,
    load: Loader,
  ): AutoDetector {
    const d = new AutoDetector(manifest.config as Partial<AutoConfig>, create, load);
    Object.assign(d, restoredBasics(manifest));
    const state = (manifest.state ?? {}) as {
      choice?: AutoChoice;
      members?: { manifest: Manifest; scale: number }[];
    };
    if (!Array.isArray(state.members) || state.members.length === 0)
      throw new Error('auto: manifest state lacks the chosen members');
    d.choice = state.choice;
    d.members = state.members.map((m, i) => {
      const own: Record<string, Tensor> = {};
      const prefix = `member${i}/`;
      for (const [k, v] of Object.entries(weights))
        if (k.startsWith(prefix)) own[k.slice(prefix.length)] = v;
      return { detector: load(m.manifest, own), scale: m.scale };
    });
    return d;
  }
}
