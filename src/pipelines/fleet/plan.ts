// A fleet plan (YAML or JSON): which series to model, with which detector, where the
// models go. Each series gives one job, or one job per listed channel; a job trains,
// sets the threshold on held-out normal data, scores the test data and finds incidents.
import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Where a job reads a series: a file, or a database with a table or query. */
export interface PlanSource {
  data: string;
  table?: string;
  query?: string;
}

export interface PlanSeries {
  name: string;
  train: PlanSource;
  test: PlanSource;
  /** One job (univariate model) per channel listed; default one job for all columns. */
  channels?: string[];
}

export interface FleetPlan {
  /** Names the run: job ids are run/series[/channel], so resubmitting adds nothing twice. */
  run: string;
  /** Directory shared by the workers where each model is saved (atomically). */
  models: string;
  detector: string;
  config: Record<string, unknown>;
  /** Target false-positive rate of the threshold on held-out normal data. */
  fpr: number;
  /** Share of the training data held out for the threshold. */
  validationSplit: number;
  seed: number;
  series: PlanSeries[];
}

/** One unit of work of a plan. */
export interface ChannelJob {
  run: string;
  id: string;
  series: string;
  channel?: string;
  train: PlanSource;
  test: PlanSource;
  modelDir: string;
  detector: string;
  config: Record<string, unknown>;
  fpr: number;
  validationSplit: number;
  seed: number;
}

/** A plan that does not say what it must: exit code 2. */
export class PlanError extends Error {
  override name = 'PlanError';
}

const NAME = /^[A-Za-z0-9_.-]+$/;

function source(file: string, where: string, value: unknown): PlanSource {
  if (typeof value === 'string') return { data: value };
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as PlanSource).data !== 'string'
  ) {
    throw new PlanError(`${file}: ${where} must be a path or { data, table | query }`);
  }
  const v = value as Record<string, unknown>;
  const out: PlanSource = { data: v.data as string };
  for (const key of ['table', 'query'] as const) {
    if (v[key] !== undefined) {
      if (typeof v[key] !== 'string')
        throw new PlanError(`${file}: ${where}.${key} must be a string`);
      out[key] = v[key] as string;
    }
  }
  const unknown = Object.keys(v).filter((k) => !['data', 'table', 'query'].includes(k));
  if (unknown.length > 0)
    throw new PlanError(
      `${file}: ${where} has unknown field(s) ${unknown.join(', ')} (known: data, table, query)`,
    );
  return out;
}

/** Parses and checks a plan; every problem names the file and the field. */
export function parsePlan(text: string, file: string): FleetPlan {
  let raw: unknown;
  try {
    raw = file.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new PlanError(`${file}: not valid YAML/JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PlanError(`${file}: a plan is a mapping with run, models, detector and series`);
  }
  const p = raw as Record<string, unknown>;
  const known = ['run', 'models', 'detector', 'config', 'fpr', 'validationSplit', 'seed', 'series'];
  const unknown = Object.keys(p).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new PlanError(
      `${file}: unknown field(s) ${unknown.join(', ')} (known: ${known.join(', ')})`,
    );
  for (const key of ['run', 'models', 'detector'] as const) {
    if (typeof p[key] !== 'string' || p[key] === '')
      throw new PlanError(`${file}: ${key} must be a non-empty string`);
  }
  if (!NAME.test(p.run as string))
    throw new PlanError(`${file}: run '${String(p.run)}' may use letters, digits, _ . - only`);
  const config = p.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new PlanError(`${file}: config must be a mapping of detector fields`);
  }
  const fpr = p.fpr ?? 0.01;
  if (typeof fpr !== 'number' || !(fpr > 0 && fpr < 1))
    throw new PlanError(`${file}: fpr must be a number between 0 and 1`);
  const split = p.validationSplit ?? 0.2;
  if (typeof split !== 'number' || !(split > 0 && split < 1))
    throw new PlanError(`${file}: validationSplit must be a number between 0 and 1`);
  const seed = p.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)
    throw new PlanError(`${file}: seed must be an integer >= 0`);
  if (!Array.isArray(p.series) || p.series.length === 0)
    throw new PlanError(`${file}: series must be a non-empty list`);
  const names = new Set<string>();
  const series = p.series.map((s: unknown, i: number): PlanSeries => {
    const where = `series[${i}]`;
    if (typeof s !== 'object' || s === null)
      throw new PlanError(`${file}: ${where} must be a mapping`);
    const e = s as Record<string, unknown>;
    if (typeof e.name !== 'string' || !NAME.test(e.name)) {
      throw new PlanError(`${file}: ${where}.name must be letters, digits, _ . - only`);
    }
    if (names.has(e.name)) throw new PlanError(`${file}: ${where}.name '${e.name}' is used twice`);
    names.add(e.name);
    const out: PlanSeries = {
      name: e.name,
      train: source(file, `${where}.train`, e.train),
      test: source(file, `${where}.test`, e.test),
    };
    if (e.channels !== undefined) {
      if (
        !Array.isArray(e.channels) ||
        e.channels.length === 0 ||
        e.channels.some((c) => typeof c !== 'string' || !NAME.test(c))
      ) {
        throw new PlanError(
          `${file}: ${where}.channels must be a non-empty list of names (letters, digits, _ . -)`,
        );
      }
      out.channels = e.channels as string[];
    }
    return out;
  });
  return {
    run: p.run as string,
    models: p.models as string,
    detector: p.detector as string,
    config: config as Record<string, unknown>,
    fpr,
    validationSplit: split,
    seed,
    series,
  };
}

export function readPlan(file: string): FleetPlan {
  if (!existsSync(file)) throw new PlanError(`${file}: plan file not found`);
  return parsePlan(readFileSync(file, 'utf8'), file);
}

/** The plan's jobs: one per series, or one per listed channel. */
export function planJobs(plan: FleetPlan): ChannelJob[] {
  return plan.series.flatMap((s) =>
    (s.channels ?? [undefined]).map((channel) => {
      const id = channel === undefined ? s.name : `${s.name}/${channel}`;
      const job: ChannelJob = {
        run: plan.run,
        id,
        series: s.name,
        train: s.train,
        test: s.test,
        modelDir: `${plan.models}/${plan.run}/${id}`,
        detector: plan.detector,
        config: plan.config,
        fpr: plan.fpr,
        validationSplit: plan.validationSplit,
        seed: plan.seed,
      };
      if (channel !== undefined) job.channel = channel;
      return job;
    }),
  );
}
