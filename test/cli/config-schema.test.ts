// Config files (JSON and YAML) and their validation against the detector schemas;
// the program's help (exit codes, examples), in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeSettings, validateConfig } from '../../src/config/schema.js';
import { DETECTOR_SCHEMAS, validateDetectorConfig } from '../../src/detectors/config-schemas.js';
import { readConfigFile, UsageError } from '../../src/cli/common.js';
import { detectorNames } from '../../src/detectors/registry.js';
import { FORECASTER_DEFAULTS } from '../../src/detectors/forecaster.js';
import { AUTOENCODER_DEFAULTS } from '../../src/detectors/autoencoder.js';
import { PCA_DEFAULTS } from '../../src/detectors/baselines/pca.js';
import { KNN_DEFAULTS } from '../../src/detectors/baselines/knn.js';
import { ISOLATION_FOREST_DEFAULTS } from '../../src/detectors/baselines/isolation-forest.js';
import { ROLLING_ZSCORE_DEFAULTS } from '../../src/detectors/baselines/rolling-zscore.js';
import { CAE_OCSVM_DEFAULTS } from '../../src/detectors/cae-ocsvm.js';
import { AMSL_DEFAULTS } from '../../src/detectors/amsl.js';
import { DISCORD_DEFAULTS } from '../../src/detectors/discord.js';
import { buildProgram } from '../../src/cli/main.js';
import { FEATURIZE_SCHEMA } from '../../src/cli/commands/featurize.js';

const refused = (config: Record<string, unknown>, detector: string, message: RegExp) =>
  assert.throws(
    () => validateDetectorConfig(detector, config),
    (err: Error) => err instanceof UsageError && message.test(err.message),
  );

test('each detector schema belongs to a registered detector and matches its defaults', () => {
  const defaults: Record<string, object> = {
    forecaster: FORECASTER_DEFAULTS,
    autoencoder: AUTOENCODER_DEFAULTS,
    pca: PCA_DEFAULTS,
    knn: KNN_DEFAULTS,
    'isolation-forest': ISOLATION_FOREST_DEFAULTS,
    'rolling-zscore': ROLLING_ZSCORE_DEFAULTS,
    'cae-ocsvm': CAE_OCSVM_DEFAULTS,
    amsl: AMSL_DEFAULTS,
    discord: DISCORD_DEFAULTS,
  };
  for (const name of Object.keys(DETECTOR_SCHEMAS)) {
    assert.ok(detectorNames().includes(name), `${name} is not registered`);
    const d = defaults[name] as Record<string, unknown>;
    assert.ok(d, name);
    validateDetectorConfig(name, { ...d });
    assert.deepEqual(
      Object.keys(DETECTOR_SCHEMAS[name]!).sort(),
      Object.keys(d).sort(),
      `${name}: the config fields changed; update src/detectors/config-schemas.ts`,
    );
  }
});

test('errors name the field, the value given and what is allowed', () => {
  refused(
    { network: 'lsmt' },
    'forecaster',
    /^config\.network: 'lsmt' is not one of dense, lstm, gru, stacked$/,
  );
  refused(
    { network: 'gru' },
    'autoencoder',
    /config\.network: 'gru' is not one of dense, lstm, conv1d/,
  );
  refused(
    { netwrok: 'lstm' },
    'forecaster',
    /^config\.netwrok: unknown field \(known fields: network, window, horizon, trainShift, hidden, /,
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
  // detectors without a schema (registered at run time) pass through
  assert.deepEqual(validateDetectorConfig('custom', { anything: 1 }), { anything: 1 });
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
