// Configuration schemas: field name -> type, allowed values or range. Validation
// refuses unknown fields with the list of known ones, and names the field, the
// value given and what is allowed, e.g.
// `config.network: 'lsmt' is not one of dense, lstm, gru, stacked`.
// Errors are ConfigErrors (the CLI exits with code 2 on them).
import { ConfigError } from './errors.js';

export type FieldSpec =
  | { type: 'int'; min?: number; max?: number; odd?: boolean }
  | { type: 'number'; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] }
  /** A number in range, or one of the named values. */
  | { type: 'number-or-enum'; values: readonly string[]; min?: number; exclusiveMin?: boolean }
  | { type: 'int[]'; min?: number; max?: number; length?: number; minLength?: number }
  | { type: 'object'; fields: Schema };

export type Schema = Readonly<Record<string, FieldSpec>>;

const show = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : v === undefined ? 'undefined' : JSON.stringify(v);

function rangeText(min?: number, max?: number, exMin?: boolean, exMax?: boolean): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${exMin ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`${exMax ? '<' : '<='} ${max}`);
  return parts.join(' and ');
}

function checkNumber(
  path: string,
  v: unknown,
  integer: boolean,
  spec: { min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean },
): void {
  const what = integer ? 'an integer' : 'a number';
  const range = rangeText(spec.min, spec.max, spec.exclusiveMin, spec.exclusiveMax);
  const expected = range ? `${what} ${range}` : what;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!integer || Number.isInteger(v)) &&
    (spec.min === undefined || (spec.exclusiveMin ? v > spec.min : v >= spec.min)) &&
    (spec.max === undefined || (spec.exclusiveMax ? v < spec.max : v <= spec.max));
  if (!ok) throw new ConfigError(`${path}: ${show(v)} is not ${expected}`);
}

function checkField(path: string, v: unknown, spec: FieldSpec): void {
  switch (spec.type) {
    case 'int':
      checkNumber(path, v, true, spec);
      if (spec.odd && (v as number) % 2 === 0)
        throw new ConfigError(`${path}: ${show(v)} is not an odd integer`);
      return;
    case 'number':
      checkNumber(path, v, false, spec);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') throw new ConfigError(`${path}: ${show(v)} is not true or false`);
      return;
    case 'string':
      if (typeof v !== 'string') throw new ConfigError(`${path}: ${show(v)} is not a string`);
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v))
        throw new ConfigError(`${path}: ${show(v)} is not one of ${spec.values.join(', ')}`);
      return;
    case 'number-or-enum':
      if (typeof v === 'string' && spec.values.includes(v)) return;
      try {
        checkNumber(path, v, false, spec);
      } catch {
        const range = rangeText(spec.min, undefined, spec.exclusiveMin);
        throw new ConfigError(
          `${path}: ${show(v)} is not a number${range ? ` ${range}` : ''} or one of ${spec.values.join(', ')}`,
        );
      }
      return;
    case 'int[]': {
      const shape =
        spec.length !== undefined
          ? ` of ${spec.length}`
          : spec.minLength
            ? ` of at least ${spec.minLength}`
            : '';
      const range = rangeText(spec.min, spec.max);
      const each = range ? ` ${range}` : '';
      const ok =
        Array.isArray(v) &&
        (spec.length === undefined || v.length === spec.length) &&
        (spec.minLength === undefined || v.length >= spec.minLength) &&
        v.every(
          (x) =>
            Number.isInteger(x) &&
            (spec.min === undefined || x >= spec.min) &&
            (spec.max === undefined || x <= spec.max),
        );
      if (!ok) throw new ConfigError(`${path}: ${show(v)} is not a list${shape} integers${each}`);
      return;
    }
    case 'object':
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new ConfigError(`${path}: ${show(v)} is not an object`);
      checkObject(path, v as Record<string, unknown>, spec.fields, false);
      return;
  }
}

function checkObject(
  path: string,
  value: Record<string, unknown>,
  schema: Schema,
  partial: boolean,
): void {
  const known = Object.keys(schema);
  for (const [key, v] of Object.entries(value)) {
    // Own fields only: `__proto__`, `constructor` or `toString` are unknown fields too.
    const spec = Object.hasOwn(schema, key) ? schema[key] : undefined;
    if (!spec)
      throw new ConfigError(`${path}.${key}: unknown field (known fields: ${known.join(', ')})`);
    checkField(`${path}.${key}`, v, spec);
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
 * Checks a (partial) configuration against a schema; throws an Error naming the
 * field, the value given and what is allowed. Nested objects must be complete.
 */
export function validateConfig(
  config: Record<string, unknown>,
  schema: Schema,
  path = 'config',
): Record<string, unknown> {
  checkObject(path, config, schema, true);
  return config;
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
