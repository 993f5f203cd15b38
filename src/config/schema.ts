// Configuration schemas: field name -> type, allowed values or range. One
// schema is the one source of a configuration's checks (a detector's
// constructor, the CLI's --config files and flags, a workflow's sections) and
// of its `--help` text. Validation refuses unknown fields with the list of
// known ones, and names the field, the value given and what is allowed, e.g.
// `config.network: 'lsmt' is not one of dense, lstm, gru, stacked`.
// Errors are ConfigErrors (the CLI exits with code 2 on them).
import { ConfigError } from './errors.js';

export type FieldSpec =
  | { type: 'int'; min?: number; max?: number; odd?: boolean }
  | { type: 'number'; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] }
  /** A number in range (an integer with `integer`), or one of the named values. */
  | {
      type: 'number-or-enum';
      values: readonly string[];
      min?: number;
      exclusiveMin?: boolean;
      integer?: boolean;
    }
  | { type: 'int[]'; min?: number; max?: number; length?: number; minLength?: number }
  /** A list of names, e.g. detector names. */
  | { type: 'string[]'; minLength?: number }
  /** A complete nested object (or null where `nullable`). */
  | { type: 'object'; fields: Schema; nullable?: boolean };

export type Schema = Readonly<Record<string, FieldSpec>>;

/** Common field specs. */
export const positiveInt: FieldSpec = { type: 'int', min: 1 };
export const nonNegativeInt: FieldSpec = { type: 'int', min: 0 };
export const nonNegative: FieldSpec = { type: 'number', min: 0 };
export const positive: FieldSpec = { type: 'number', min: 0, exclusiveMin: true };

const show = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : v === undefined ? 'undefined' : JSON.stringify(v);

function rangeText(min?: number, max?: number, exMin?: boolean, exMax?: boolean): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${exMin ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`${exMax ? '<' : '<='} ${max}`);
  return parts.join(' and ');
}

/** What a field allows, in words: "an integer >= 1", "one of dense, lstm". */
export function allowedText(spec: FieldSpec): string {
  switch (spec.type) {
    case 'int': {
      const range = rangeText(spec.min, spec.max);
      return `an ${spec.odd ? 'odd ' : ''}integer${range ? ` ${range}` : ''}`;
    }
    case 'number': {
      const range = rangeText(spec.min, spec.max, spec.exclusiveMin, spec.exclusiveMax);
      return `a number${range ? ` ${range}` : ''}`;
    }
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'number-or-enum': {
      const range = rangeText(spec.min, undefined, spec.exclusiveMin);
      const kind = spec.integer ? 'an integer' : 'a number';
      return `${kind}${range ? ` ${range}` : ''} or one of ${spec.values.join(', ')}`;
    }
    case 'int[]': {
      const shape =
        spec.length !== undefined
          ? ` of ${spec.length}`
          : spec.minLength
            ? ` of at least ${spec.minLength}`
            : ' of';
      const range = rangeText(spec.min, spec.max);
      return `a list${shape} integers${range ? ` ${range}` : ''}`;
    }
    case 'string[]':
      return `a list of${spec.minLength ? ` at least ${spec.minLength}` : ''} strings`;
    case 'object':
      return `an object with ${Object.keys(spec.fields).join(', ')}${spec.nullable ? ', or null' : ''}`;
  }
}

function inRange(
  v: number,
  spec: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean },
): boolean {
  return (
    (spec.min === undefined || (spec.exclusiveMin ? v > spec.min : v >= spec.min)) &&
    (spec.max === undefined || (spec.exclusiveMax ? v < spec.max : v <= spec.max))
  );
}

function fieldOk(v: unknown, spec: FieldSpec): boolean {
  switch (spec.type) {
    case 'int':
      return (
        typeof v === 'number' &&
        Number.isInteger(v) &&
        inRange(v, spec) &&
        (!spec.odd || v % 2 !== 0)
      );
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && inRange(v, spec);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v);
    case 'number-or-enum':
      return typeof v === 'string'
        ? spec.values.includes(v)
        : typeof v === 'number' &&
            (spec.integer ? Number.isInteger(v) : Number.isFinite(v)) &&
            inRange(v, spec);
    case 'int[]':
      return (
        Array.isArray(v) &&
        (spec.length === undefined || v.length === spec.length) &&
        (spec.minLength === undefined || v.length >= spec.minLength) &&
        v.every((x) => Number.isInteger(x) && inRange(x as number, spec))
      );
    case 'string[]':
      return (
        Array.isArray(v) &&
        (spec.minLength === undefined || v.length >= spec.minLength) &&
        v.every((x) => typeof x === 'string')
      );
    case 'object':
      return isMapping(v) || (v === null && spec.nullable === true);
  }
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkField(path: string, v: unknown, spec: FieldSpec): void {
  if (!fieldOk(v, spec)) throw new ConfigError(`${path}: ${show(v)} is not ${allowedText(spec)}`);
  if (spec.type === 'object' && v !== null)
    checkObject(path, v as Record<string, unknown>, spec.fields, false);
}

function checkObject(
  path: string,
  value: Record<string, unknown>,
  schema: Schema,
  partial: boolean,
): void {
  const known = Object.keys(schema);
  // Own fields only: `constructor`, `toString` or `__proto__` are unknown fields,
  // not the prototype's.
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(schema, key))
      throw new ConfigError(`${path}.${key}: unknown field (known fields: ${known.join(', ')})`);
    checkField(`${path}.${key}`, value[key], schema[key]!);
  }
  if (!partial) {
    const missing = known.filter((k) => !Object.hasOwn(value, k));
    if (missing.length > 0)
      throw new ConfigError(
        `${path}: missing field(s) ${missing.join(', ')} (give all of ${known.join(', ')})`,
      );
  }
}

/**
 * Checks a (partial) configuration against a schema; throws a ConfigError naming
 * the field, the value given and what is allowed. Nested objects must be complete.
 */
export function validateConfig(
  config: Record<string, unknown>,
  schema: Schema,
  path = 'config',
): Record<string, unknown> {
  if (!isMapping(config))
    throw new ConfigError(`${path}: ${show(config)} is not a mapping of field names to values`);
  checkObject(path, config, schema, true);
  return config;
}

/**
 * A complete configuration: `config` (any subset of the schema's fields, checked)
 * over `defaults`. Lists are copied, so neither the caller's nor the defaults'
 * arrays are shared with the result.
 */
export function resolveConfig<T extends object>(
  config: Partial<T> | undefined,
  schema: Schema,
  defaults: T,
  path = 'config',
): T {
  validateConfig((config ?? {}) as Record<string, unknown>, schema, path);
  const out = { ...defaults, ...config } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = [...(v as unknown[])];
  return out as T;
}

/** One line per field for `--help`: name, default and what is allowed. */
export function describeSchema(schema: Schema, defaults: object, indent = '    '): string {
  const d = defaults as Record<string, unknown>;
  return Object.entries(schema)
    .map(([k, spec]) => `${indent}${k} = ${show(d[k])} (${allowedText(spec)})`)
    .join('\n');
}

/**
 * A command's settings: the fields of its --config file (checked against
 * `schema`), overridden by the flags given on the command line (undefined =
 * not given), then `defaults` for what neither set.
 */
export function mergeSettings<T extends object>(
  fileConfig: Record<string, unknown>,
  flags: Partial<T>,
  schema: Schema,
  defaults: Partial<T> = {},
): Partial<T> {
  validateConfig(fileConfig, schema);
  const out: Record<string, unknown> = { ...defaults, ...fileConfig };
  for (const [k, v] of Object.entries(flags as Record<string, unknown>))
    if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
