// The one error for a bad configuration value, whoever checks it (a detector's
// constructor, a pipeline's config, a CLI flag): the message names the field,
// the value given and what is allowed. The CLI exits with code 2 on it.
export class ConfigError extends Error {
  override name = 'ConfigError';
}
