// Helpers shared by the CLI commands: numeric flags, config files (JSON or
// YAML), labels, progress on stderr (bars on a terminal, plain lines
// otherwise), thresholds of saved models, and result files written atomically.
import { existsSync } from 'node:fs';
import { readFileBytes } from '../data/files.js';
import { InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { parse as parseYaml } from 'yaml';
import { readRanges, readLabelColumn } from '../data/labels.js';
import { DataError } from '../data/errors.js';
import { rangesToMask, type IndexRange } from '../data/ranges.js';
import type { SavedModel } from '../detectors/model-dir.js';
import { ModelFault } from '../detectors/input-checks.js';
import { readSeries } from '../data/read-series.js';
import type { Series } from '../data/series.js';
import { thresholdAtTargetRate } from '../thresholds/target-rate.js';
import { parseThreshold } from '../thresholds/serialize.js';
import type { Threshold } from '../thresholds/types.js';
import type { Evaluation } from '../detectors/evaluation.js';
import type { Detector, FitOptions, TrainingSummary } from '../detectors/detector.js';
import { ConfigError } from '../config/errors.js';

/** A problem with how the command was called (bad config or flag values): exit code 2. */
export { ConfigError as UsageError } from '../config/errors.js';

/** Scores `dataPath` with a loaded model; a failure names the data, or the model when it is at fault. */
export function scoreFile(
  model: { dir: string; detector: { score(x: Series): Float32Array } },
  dataPath: string,
  series?: Series,
): Float32Array {
  try {
    return inFile(dataPath, () => model.detector.score(series ?? readSeries(dataPath)));
  } catch (err) {
    if (err instanceof ModelFault) err.message = `${model.dir}: ${err.message}`;
    throw err;
  }
}

/**
 * Runs one step of a command on the input `path`; an error that does not name the
 * file yet gets it in front, so every refusal says which input it is about.
 */
export function inFile<T>(path: string, step: () => T): T {
  const named = (err: unknown) => {
    if (err instanceof Error && !err.message.includes(path))
      err.message = `${path}: ${err.message}`;
    return err;
  };
  try {
    const result = step();
    if (result instanceof Promise)
      return result.catch((err: unknown) => {
        throw named(err);
      }) as T;
    return result;
  } catch (err) {
    throw named(err);
  }
}

export function intFlag(name: string, min = 1) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

/** A comma-separated list of integers >= min, e.g. `--persons 1,2,5`. */
export function intListFlag(name: string, min = 1) {
  return (v: string): number[] => {
    const parts = v.split(',').map((p) => p.trim());
    const values = parts.map(Number);
    if (parts.some((p) => p === '') || values.some((n) => !Number.isInteger(n) || n < min))
      throw new InvalidArgumentError(
        `${name} must be a comma-separated list of integers >= ${min}, got '${v}'`,
      );
    return [...new Set(values)].sort((a, b) => a - b);
  };
}

/**
 * A repeatable `--set detector.field=value` (value as JSON, else a string), collected into
 * { detector: { field: value } }, e.g. `--set geom.shift=2 --set geom.rotate=false`.
 */
export function detectorSetFlag(name: string) {
  return (
    v: string,
    prev: Record<string, Record<string, unknown>> = {},
  ): Record<string, Record<string, unknown>> => {
    const m = /^([\w-]+)\.(\w+)=(.*)$/s.exec(v);
    if (!m)
      throw new InvalidArgumentError(
        `${name} must look like detector.field=value (e.g. geom.shift=2), got '${v}'`,
      );
    const [, detector, field, raw] = m as unknown as [string, string, string, string];
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    return { ...prev, [detector]: { ...prev[detector], [field]: value } };
  };
}

export function fractionFlag(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0 && n < 1))
      throw new InvalidArgumentError(`${name} must be a number between 0 and 1`);
    return n;
  };
}

/**
 * --fpr of the commands that score with a saved model: the threshold at this
 * false-positive rate on the model's held-out normal scores (`use`: what the
 * threshold is for, e.g. 'flag steps at').
 */
export function modelFprOption(use = 'threshold at'): Option {
  return new Option(
    '--fpr <rate>',
    `${use} this false-positive rate on the model's held-out normal scores (default: the model's threshold)`,
  ).argParser(fractionFlag('--fpr'));
}

/** A number in [min, max], e.g. a percentile in 0-100. */
export function boundedFlag(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !(n >= min && n <= max))
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    return n;
  };
}

export function numberFlag(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${name} must be a number`);
    return n;
  };
}

/**
 * Reads a config file into a plain object, naming the file on failure: JSON for
 * `.json`, YAML (a superset of JSON) for anything else, e.g. `.yaml` or `.yml`.
 */
export function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  if (!existsSync(path)) throw new Error(`${path}: config file not found`);
  const text = Buffer.from(readFileBytes(path)).toString('utf8');
  const json = path.toLowerCase().endsWith('.json');
  let value: unknown;
  try {
    value = json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `${path}: not valid ${json ? 'JSON' : 'YAML'} (${(err as Error).message.split('\n')[0]!.trim()})`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${path}: the config must be a mapping of field names to values`);
  }
  return value as Record<string, unknown>;
}

/**
 * Labels as a 0/1 mask of `length` steps, from inclusive ranges (.json, or a
 * start,end .csv) or from a 0/1 column (.csv with one value per step).
 */
export function readLabels(path: string, length: number): Uint8Array {
  if (!existsSync(path)) throw new Error(`${path}: labels file not found`);
  if (path.toLowerCase().endsWith('.json')) return rangesMask(path, readRanges(path), length);
  // A .csv holds either start,end ranges or one 0/1 label per step. When it reads as
  // neither, the ranges' complaint (a reversed range, say) is the one to report for a
  // two-column file, the label column's for any other.
  let ranges;
  try {
    ranges = readRanges(path);
  } catch (rangesError) {
    let mask: Uint8Array;
    try {
      mask = readLabelColumn(path);
    } catch (columnError) {
      throw /2 columns: say which one/.test((columnError as Error).message)
        ? rangesError
        : columnError;
    }
    if (mask.length !== length) {
      throw new Error(`${path}: ${mask.length} labels for a series of ${length} steps`);
    }
    return mask;
  }
  return rangesMask(path, ranges, length);
}

/** Ranges as a mask; a range outside the series is refused naming the file. */
function rangesMask(path: string, ranges: IndexRange[], length: number): Uint8Array {
  try {
    return rangesToMask(ranges, length);
  } catch (err) {
    if (err instanceof RangeError)
      throw new DataError(path, `${err.message} (the series has ${length} steps)`);
    throw err;
  }
}

export { writeScoresCsv, type ScoresCsvExtras } from '../io/scores-csv.js';

/** A progress line on stderr. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Whether stderr is an interactive terminal (bars are drawn only there). */
export function stderrIsTty(): boolean {
  return process.stderr.isTTY === true;
}

/** ANSI colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(): boolean {
  const noColor = process.env.NO_COLOR;
  return stderrIsTty() && (noColor === undefined || noColor === '');
}

/** Wraps text in an ANSI colour when colour is on (codes: 31 red, 36 cyan, 2 dim). */
export function paint(text: string, code: number): string {
  return useColor() ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export interface ProgressBar {
  /** Moves the bar to `value` (of total) with a short status text. */
  update(value: number, status?: string): void;
  /** Stops the bar and moves to the next line. */
  stop(): void;
}

/**
 * A progress bar on stderr when stderr is a terminal; elsewhere a no-op (commands
 * keep their plain progress lines for logs and pipes). No colour under NO_COLOR.
 */
export function progressBar(label: string, total: number): ProgressBar {
  if (!stderrIsTty()) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} ${paint('{bar}', 36)} {value}/{total} {percentage}% | {duration_formatted} | {status}`,
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 5,
  });
  bar.start(Math.max(1, total), 0, { status: '' });
  return {
    update: (value, status = '') => bar.update(value, { status }),
    stop: () => bar.stop(),
  };
}

/**
 * The threshold to evaluate a saved model at: at `fpr` on its held-out normal
 * scores when given (extrapolated with a warning when they are too few), else
 * the one saved with it. Never from labels.
 */
export function modelThreshold(saved: SavedModel, fpr: number | undefined): Threshold {
  const { manifest, dir: model } = saved;
  if (fpr !== undefined) {
    const normal = saved.normalScores;
    if (!normal)
      throw new Error(
        `${model}: the model has no held-out normal scores to set a threshold at --fpr from`,
      );
    const { threshold, warning } = thresholdAtTargetRate(normal, fpr);
    if (warning) progress(`warning: ${warning}`);
    return threshold;
  }
  if (manifest.threshold)
    return parseThreshold(manifest.threshold, `${model}/manifest.json threshold`);
  throw new Error(`${model}: the model has no threshold; pass --fpr`);
}

/** An evaluation as a flat table of numbers (nested event counts as events_*). */
export function flatMetrics(m: Evaluation): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number' || typeof v === 'string') out[k] = v;
    else for (const [k2, v2] of Object.entries(v)) out[`events_${k2}`] = v2 as number;
  }
  return out;
}

/**
 * Fits a detector with its progress on stderr: a bar on a terminal, one line
 * per epoch (`epoch N: loss ..., validation ... (s)`) otherwise.
 */
export async function fitWithProgress(
  detector: Detector,
  train: Series,
  options: Omit<FitOptions, 'onEpoch'>,
  epochs: number,
): Promise<TrainingSummary> {
  const bar = progressBar('training', epochs);
  try {
    return await detector.fit(train, {
      ...options,
      onEpoch: (r) => {
        const line =
          `epoch ${r.epoch}: loss ${r.loss.toExponential(3)}` +
          (r.validationLoss === undefined
            ? ''
            : `, validation ${r.validationLoss.toExponential(3)}`) +
          ` (${r.seconds.toFixed(1)} s)`;
        if (stderrIsTty()) bar.update(r.epoch, line);
        else progress(line);
      },
    });
  } finally {
    bar.stop();
  }
}
