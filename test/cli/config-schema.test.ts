// Config files (JSON and YAML) and their validation against the detector schemas;
// the program's help (exit codes, examples), in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeSettings, validateConfig } from '../../src/config/schema.js';
import { ConfigError } from '../../src/config/errors.js';
import { readConfigFile, UsageError } from '../../src/cli/common.js';
import {
  createDetector,
  detectorEntry,
  detectorNames,
  validateDetectorConfig,
} from '../../src/detectors/registry.js';
import { buildProgram } from '../../src/cli/main.js';
import { FEATURIZE_SCHEMA } from '../../src/cli/commands/featurize.js';

const refused = (config: Record<string, unknown>, detector: string, message: RegExp) =>
  assert.throws(
    () => validateDetectorConfig(detector, config),
    (err: Error) => err instanceof UsageError && message.test(err.message),
  );

test("each registered detector's schema lists exactly its defaults' fields, which pass it", () => {
  for (const name of detectorNames()) {
    const { schema, defaults } = detectorEntry(name);
    validateDetectorConfig(name, { ...defaults } as Record<string, unknown>);
    assert.deepEqual(
      Object.keys(schema).sort(),
      Object.keys(defaults).sort(),
      `${name}: the schema and the defaults list different fields`,
    );
  }
});

test('the constructor and the CLI refuse a bad config with the same ConfigError', () => {
  for (const [name, config] of [
    ['forecaster', { window: 0 }],
    ['autoencoder', { network: 'gru' }],
    ['pca', { components: 1.5 }],
    ['cae-ocsvm', { nu: 2 }],
    ['amsl', { kernel: 4 }],
  ] as const) {
    let fromConstructor = '';
    assert.throws(
      () => createDetector(name, config),
      (err: Error) => err instanceof ConfigError && (fromConstructor = err.message) !== '',
    );
    assert.throws(
      () => validateDetectorConfig(name, config),
      (err: Error) => err instanceof ConfigError && err.message === fromConstructor,
    );
  }
});

test('prototype keys (__proto__, constructor, toString) are unknown fields', () => {
  for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const config = JSON.parse(`{"${key}": 1}`) as Record<string, unknown>;
    for (const name of detectorNames()) {
      const unknown = new RegExp(`${name} config\\.${key}: unknown field \\(known fields: `);
      assert.throws(() => createDetector(name, config), unknown, `${name} ${key}`);
      assert.throws(() => validateDetectorConfig(name, config), unknown, `${name} ${key}`);
    }
  }
  const yaml = join(mkdtempSync(join(tmpdir(), 'normalcy-config-')), 'proto.yaml');
  writeFileSync(yaml, 'constructor: 1\n');
  assert.throws(
    () => validateDetectorConfig('forecaster', readConfigFile(yaml)),
    /forecaster config\.constructor: unknown field/,
  );
});

test('errors name the field, the value given and what is allowed', () => {
  refused(
    { network: 'lsmt' },
    'forecaster',
    /^forecaster config\.network: 'lsmt' is not one of dense, lstm, gru, stacked$/,
  );
  refused(
    { network: 'gru' },
    'autoencoder',
    /config\.network: 'gru' is not one of dense, lstm, conv1d/,
  );
  refused(
    { netwrok: 'lstm' },
    'forecaster',
    /^forecaster config\.netwrok: unknown field \(known fields: network, window, horizon, trainShift, hidden, /,
  );
  refused({ window: 0 }, 'forecaster', /config\.window: 0 is not an integer >= 1/);
  refused({ window: 2.5 }, 'pca', /config\.window: 2\.5 is not an integer >= 1/);
  refused({ window: '25' }, 'knn', /config\.window: '25' is not an integer >= 1/);
  refused({ dropout: 1 }, 'forecaster', /config\.dropout: 1 is not a number >= 0 and < 1/);
  refused({ kernel: 4 }, 'autoencoder', /config\.kernel: 4 is not an odd integer/);
  refused({ batchNorm: 'yes' }, 'forecaster', /config\.batchNorm: 'yes' is not true or false/);
  refused(
    { hidden: [16, 0] },
    'forecaster',
    /config\.hidden: \[16,0\] is not a list of at least 1 integers >= 1/,
  );
  refused(
    { imageShape: [28, 28] },
    'cae-ocsvm',
    /config\.imageShape: \[28,28\] is not a list of 3 integers >= 1/,
  );
  refused(
    { gamma: 'big' },
    'cae-ocsvm',
    /config\.gamma: 'big' is not a number > 0 or one of scale, auto/,
  );
  refused({ nu: 0 }, 'cae-ocsvm', /config\.nu: 0 is not a number > 0 and <= 1/);
  refused(
    { smoothing: { kind: 'ewma' } },
    'forecaster',
    /config\.smoothing: missing field\(s\) span/,
  );
  refused(
    { smoothing: { kind: 'median', span: 3 } },
    'pca',
    /config\.smoothing\.kind: 'median' is not one of none, moving-average, ewma/,
  );
  refused(
    { smoothing: { kind: 'ewma', span: 3, x: 1 } },
    'pca',
    /config\.smoothing\.x: unknown field \(known fields: kind, span\)/,
  );
  refused(
    { horizon: 3 },
    'pca',
    /config\.horizon: unknown field \(known fields: window, downsample, scaler, smoothing, alignment, components\)/,
  );
  // accepted
  validateDetectorConfig('cae-ocsvm', { gamma: 0.5, pixelScale: 'auto' });
  validateDetectorConfig('forecaster', { smoothing: { kind: 'ewma', span: 10 }, hidden: [8] });
  // an unknown detector is a usage error listing the known ones
  assert.throws(
    () => validateDetectorConfig('custom', { anything: 1 }),
    (err: Error) =>
      err instanceof ConfigError && /unknown detector 'custom' \(available: /.test(err.message),
  );
});

test('config files: YAML or JSON; flags override them; a broken file names itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-config-'));
  writeFileSync(join(dir, 'a.yaml'), '# comment\nwindow: 10\nspectrum: true\nfloor: -80\n');
  writeFileSync(join(dir, 'a.yml'), 'window: 10\n');
  writeFileSync(join(dir, 'a.json'), '{"window": 10}');
  writeFileSync(join(dir, 'empty.yaml'), '');
  writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
  writeFileSync(join(dir, 'broken.yaml'), 'window: [\n');
  writeFileSync(join(dir, 'broken.json'), '{window: 1}');
  assert.deepEqual(readConfigFile(join(dir, 'a.yaml')), { window: 10, spectrum: true, floor: -80 });
  assert.deepEqual(readConfigFile(join(dir, 'a.yml')), { window: 10 });
  assert.deepEqual(readConfigFile(join(dir, 'a.json')), { window: 10 });
  assert.deepEqual(readConfigFile(join(dir, 'empty.yaml')), {});
  assert.deepEqual(readConfigFile(undefined), {});
  assert.throws(
    () => readConfigFile(join(dir, 'list.yaml')),
    /list\.yaml: the config must be a mapping/,
  );
  assert.throws(() => readConfigFile(join(dir, 'broken.yaml')), /broken\.yaml: not valid YAML \(/);
  assert.throws(() => readConfigFile(join(dir, 'broken.json')), /broken\.json: not valid JSON \(/);
  assert.throws(() => readConfigFile(join(dir, 'none.yaml')), /none\.yaml: config file not found/);
  const merged = mergeSettings<{ window: number; shift: number; floor: number }>(
    readConfigFile(join(dir, 'a.yaml')),
    { window: 20, shift: undefined },
    FEATURIZE_SCHEMA,
    { shift: 1 },
  );
  assert.deepEqual(merged, { window: 20, shift: 1, spectrum: true, floor: -80 });
  assert.throws(
    () => validateConfig({ frame: 'big' }, FEATURIZE_SCHEMA),
    /config\.frame: 'big' is not an integer >= 2/,
  );
});

test('help documents the exit codes, and every command has examples', () => {
  const program = buildProgram();
  let text = '';
  const capture = { writeOut: (s: string) => (text += s), writeErr: (s: string) => (text += s) };
  program.configureOutput(capture);
  program.outputHelp();
  assert.match(text, /Exit codes:\n +0 +success\n +1 +runtime failure.*\n +2 +usage error/);
  assert.match(text, /NO_COLOR/);
  for (const command of program.commands) {
    text = '';
    command.configureOutput(capture);
    command.outputHelp();
    assert.match(text, /Examples?:\n +normalcy /, command.name());
  }
  assert.deepEqual(
    ['featurize', 'report', 'tsne'].filter((n) => !program.commands.some((c) => c.name() === n)),
    [],
  );
});

test("train --help lists each detector's fields with their defaults and allowed values", () => {
  const train = buildProgram().commands.find((c) => c.name() === 'train')!;
  let text = '';
  train.configureOutput({ writeOut: (s: string) => (text += s), writeErr: () => {} });
  train.outputHelp();
  assert.match(
    text,
    /forecaster: predicts [^\n]*\n +network = 'lstm' \(one of dense, lstm, gru, stacked\)/,
  );
  assert.match(text, /amsl: AMSL[^\n]*\n +segmentShape = \[125,45\] \(a list of 2 integers >= 1\)/);
  for (const name of detectorNames()) assert.match(text, new RegExp(`\n  ${name}: [^\n]+\n`));
});
