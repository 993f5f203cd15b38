// Reading and checking the fields of a workflow config, with messages that
// name the field, the value given and what is allowed.
import { isAbsolute, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { ConfigError } from '../../config/errors.js';

type Config = Record<string, unknown>;

function bad(workflow: string, key: string, value: unknown, want: string): never {
  throw new ConfigError(
    `workflow ${workflow}: ${key} is ${JSON.stringify(value)}, expected ${want}`,
  );
}

/** A number field; `int` asks for an integer; min and max are inclusive. */
export function numberField(
  workflow: string,
  config: Config,
  key: string,
  fallback: number,
  limits: { min?: number; max?: number; int?: boolean } = {},
): number {
  const v = config[key] ?? fallback;
  const want = `${limits.int ? 'an integer' : 'a number'}${limits.min !== undefined ? ` >= ${limits.min}` : ''}${limits.max !== undefined ? ` <= ${limits.max}` : ''}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(workflow, key, v, want);
  if (limits.int && !Number.isInteger(v)) bad(workflow, key, v, want);
  if (limits.min !== undefined && v < limits.min) bad(workflow, key, v, want);
  if (limits.max !== undefined && v > limits.max) bad(workflow, key, v, want);
  return v;
}

/** A list of numbers in [min, max]. */
export function numberListField(
  workflow: string,
  config: Config,
  key: string,
  fallback: readonly number[],
  limits: { min?: number; max?: number; int?: boolean } = {},
): number[] {
  const v = config[key] ?? fallback;
  if (!Array.isArray(v) || v.length === 0) bad(workflow, key, v, 'a non-empty list of numbers');
  return v.map((_, i) => numberField(workflow, v as unknown as Config, String(i), 0, limits));
}

export function stringField(
  workflow: string,
  config: Config,
  key: string,
  fallback?: string,
): string | undefined {
  const v = config[key] ?? fallback;
  if (v !== undefined && typeof v !== 'string') bad(workflow, key, v, 'a string');
  return v as string | undefined;
}

export function booleanField(
  workflow: string,
  config: Config,
  key: string,
  fallback: boolean,
): boolean {
  const v = config[key] ?? fallback;
  if (typeof v !== 'boolean') bad(workflow, key, v, 'true or false');
  return v;
}

/** A path from the config, relative to the config file's folder. */
export function configPath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Writes a CSV (numbers as given, strings quoted when they need it). */
export function writeCsv(
  path: string,
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): void {
  const cell = (v: string | number) =>
    typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  const lines = [header.join(','), ...rows.map((r) => r.map(cell).join(','))];
  writeFileAtomic(path, lines.join('\n') + '\n');
}

/** Rounds for summaries: 5 significant digits, non-finite kept as is. */
export function round(v: number, digits = 5): number {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : v;
}
