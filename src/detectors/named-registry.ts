// Entries by name, each with its config schema and defaults: the batch and the
// streaming detectors keep theirs in one of these, so lookups refuse an unknown
// name the same way, configs are checked against the entry's schema before any
// data is read, and `--help` lists every entry's fields with their defaults.
import { describeSchema, validateConfig, type Schema } from '../config/schema.js';
import { ConfigError } from '../config/errors.js';

export interface SchemaEntry {
  describe: string;
  /** Its config fields: checked by the constructor and the CLI's --config, listed in --help. */
  schema: Schema;
  /** Its config defaults (fields the schema lists). */
  defaults: object;
}

export class NamedRegistry<E extends SchemaEntry> {
  private readonly entries: Map<string, E>;

  /** `kind` names an entry in refusals, e.g. 'detector', 'streaming detector'. */
  constructor(
    private readonly kind: string,
    entries: [string, E][],
  ) {
    this.entries = new Map(entries);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The entry of `name`, if there is one. */
  find(name: string): E | undefined {
    return this.entries.get(name);
  }

  /** The entry of `name`; a ConfigError listing the known names otherwise. */
  get(name: string): E {
    const e = this.entries.get(name);
    if (!e)
      throw new ConfigError(
        `unknown ${this.kind} '${name}' (available: ${this.names().join(', ')})`,
      );
    return e;
  }

  /** Checks a configuration (any subset of the entry's fields) against its schema. */
  validate(name: string, config: Record<string, unknown>): Record<string, unknown> {
    return validateConfig(config, this.get(name).schema, `${name} config`);
  }

  set(name: string, entry: E): void {
    this.entries.set(name, entry);
  }

  /** For `--help`: each entry's name and purpose, then its fields as `name = default (allowed)`. */
  describeFields(): string {
    return this.names()
      .map((n) => {
        const e = this.get(n);
        return `  ${n}: ${e.describe}\n${describeSchema(e.schema, e.defaults)}`;
      })
      .join('\n');
  }
}
