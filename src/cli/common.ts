// Helpers shared by the CLI commands: numeric flags, config files, labels,
// progress lines on stderr, and result files written atomically.
import { readFileSync, existsSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { readRanges, readLabelColumn } from '../data/labels.js';
import { rangesToMask } from '../data/ranges.js';
import { writeFileAtomic } from '../io/atomic-write.js';

export function intFlag(name: string, min = 1) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
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

/** Reads a JSON config file into a plain object, naming the file on failure. */
export function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  if (!existsSync(path)) throw new Error(`${path}: config file not found`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${path}: the config must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Labels as a 0/1 mask of `length` steps, from inclusive ranges (.json, or a
 * start,end .csv) or from a 0/1 column (.csv with one value per step).
 */
export function readLabels(path: string, length: number): Uint8Array {
  if (!existsSync(path)) throw new Error(`${path}: labels file not found`);
  if (path.toLowerCase().endsWith('.json')) return rangesToMask(readRanges(path), length);
  let mask: Uint8Array;
  try {
    mask = rangesToMask(readRanges(path), length);
  } catch {
    mask = readLabelColumn(path);
    if (mask.length !== length) {
      throw new Error(`${path}: ${mask.length} labels for a series of ${length} steps`);
    }
  }
  return mask;
}

/** Writes scores as CSV (step, score[, anomalous]) atomically. */
export function writeScoresCsv(path: string, scores: Float32Array, flags?: Uint8Array): void {
  const lines: string[] = [flags ? 'step,score,anomalous' : 'step,score'];
  for (let i = 0; i < scores.length; i++) {
    lines.push(flags ? `${i},${scores[i]},${flags[i]}` : `${i},${scores[i]}`);
  }
  writeFileAtomic(path, lines.join('\n') + '\n');
}

/** A progress line on stderr (plain lines; interactive bars come with the report work). */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
