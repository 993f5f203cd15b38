// Checking a workflow config whose nested mappings (a detector's settings, a
// threshold's options) may give any subset of their fields: validateConfig
// wants nested objects complete, so each is checked on its own.
import { validateConfig, type Schema } from '../../config/schema.js';
import { ConfigError } from '../../config/errors.js';

/**
 * Checks `config` against `schema`; the fields named in `nested` must be
 * mappings and are checked against their own schema, any subset allowed.
 */
export function validatePartialConfig(
  config: Record<string, unknown>,
  schema: Schema,
  nested: Readonly<Record<string, Schema>>,
): void {
  const top: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const sub = nested[key];
    if (sub === undefined) {
      top[key] = value;
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new ConfigError(`config.${key}: expected a mapping, got ${JSON.stringify(value)}`);
    validateConfig(value as Record<string, unknown>, sub, `config.${key}`);
  }
  validateConfig(top, {
    ...schema,
    ...Object.fromEntries(Object.keys(nested).map((k) => [k, { type: 'boolean' } as const])),
  });
}
