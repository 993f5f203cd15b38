// Saving and loading thresholds as JSON, with validation on the way in so a
// hand-edited or truncated file fails with a message instead of flagging
// garbage.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Threshold } from './types.js';

type Fields = Record<string, unknown>;

function num(o: Fields, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`${where}: "${key}" must be a finite number`);
  }
  return v;
}

function count(o: Fields, key: string, where: string): number {
  const v = num(o, key, where);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${where}: "${key}" must be a count`);
  return v;
}

/** Validates a parsed JSON value as a Threshold; extra fields are dropped. */
export function parseThreshold(json: unknown, where = 'threshold'): Threshold {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${where}: not a JSON object`);
  }
  const o = json as Fields;
  const value = num(o, 'value', where);
  switch (o.kind) {
    case 'fpr':
      return {
        kind: 'fpr',
        value,
        targetFpr: num(o, 'targetFpr', where),
        realisedFpr: num(o, 'realisedFpr', where),
        normalCount: count(o, 'normalCount', where),
      };
    case 'percentile':
      return {
        kind: 'percentile',
        value,
        percentile: num(o, 'percentile', where),
        trainCount: count(o, 'trainCount', where),
      };
    case 'fixed':
      return { kind: 'fixed', value };
    case 'sweep': {
      if (o.spacing !== 'even' && o.spacing !== 'quantile') {
        throw new Error(`${where}: "spacing" must be "even" or "quantile"`);
      }
      return {
        kind: 'sweep',
        value,
        spacing: o.spacing,
        index: count(o, 'index', where),
        count: count(o, 'count', where),
      };
    }
    case 'p-value':
      return {
        kind: 'p-value',
        value,
        alpha: num(o, 'alpha', where),
        normalCount: count(o, 'normalCount', where),
      };
    case 'evt':
      return {
        kind: 'evt',
        value,
        targetFpr: num(o, 'targetFpr', where),
        initialThreshold: num(o, 'initialThreshold', where),
        peaks: count(o, 'peaks', where),
        shape: num(o, 'shape', where),
        scale: num(o, 'scale', where),
        normalCount: count(o, 'normalCount', where),
      };
    default:
      throw new Error(
        `${where}: unknown kind ${JSON.stringify(o.kind)} (expected fpr, percentile, fixed, sweep, p-value or evt)`,
      );
  }
}

export function thresholdToJson(threshold: Threshold): string {
  parseThreshold(threshold); // refuse to write what could not be read back
  return `${JSON.stringify(threshold, null, 2)}\n`;
}

export function saveThreshold(path: string, threshold: Threshold): void {
  writeFileAtomic(path, thresholdToJson(threshold));
}

export function loadThreshold(path: string): Threshold {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read threshold (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseThreshold(json, path);
}
