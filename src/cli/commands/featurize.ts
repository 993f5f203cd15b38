// `normalcy featurize`: the features a detector would see, as a .npy file for
// other tools: the series, optionally downsampled (block means), turned into dB
// power spectra of frames, and cut into sliding windows.
import type { Command } from 'commander';
import { downsample } from '../../data/downsample.js';
import { powerSpectrum } from '../../data/spectrum.js';
import { slidingWindows } from '../../data/windows.js';
import { writeNpy } from '../../data/npy.js';
import type { Series } from '../../data/series.js';
import { intFlag, numberFlag, progress, readConfigFile, UsageError } from '../common.js';
import { addSourceOptions, readData, type SourceFlags } from '../data-source.js';
import { mergeSettings, type Schema } from '../../config/schema.js';

export interface FeaturizeSettings {
  downsample: number;
  window: number;
  shift: number;
  horizon: number;
  spectrum: boolean;
  frame: number;
  hop: number;
  floor: number;
  ceiling: number;
}

/** Fields of a featurize --config file (the flags' names, camelCase). */
export const FEATURIZE_SCHEMA: Schema = {
  downsample: { type: 'int', min: 1 },
  window: { type: 'int', min: 1 },
  shift: { type: 'int', min: 1 },
  horizon: { type: 'int', min: 0 },
  spectrum: { type: 'boolean' },
  frame: { type: 'int', min: 2 },
  hop: { type: 'int', min: 1 },
  floor: { type: 'number' },
  ceiling: { type: 'number' },
};

const SPECTRUM_DEFAULTS = { frame: 256, hop: 128, floor: -100, ceiling: 0 };

interface FeaturizeFlags extends Partial<FeaturizeSettings>, SourceFlags {
  data: string;
  out: string;
  config?: string;
}

export interface Features {
  /** [rows, channels] or, with a window, [windows, window, channels]. */
  inputs: { data: Float32Array; shape: number[] };
  /** With a horizon: [windows, horizon, channels]. */
  targets?: { data: Float32Array; shape: number[] };
}

/** Applies downsampling, the spectrum and windowing, in that order. */
export function featurize(series: Series, s: Partial<FeaturizeSettings>): Features {
  let x = series;
  if (s.downsample !== undefined && s.downsample > 1)
    x = downsample(x, s.downsample, { method: 'mean' });
  if (s.spectrum) {
    const frame = s.frame ?? SPECTRUM_DEFAULTS.frame;
    if ((frame & (frame - 1)) !== 0)
      throw new UsageError(`--frame: ${frame} is not a power of two`);
    x = powerSpectrum(x, {
      frameSize: frame,
      hop: s.hop ?? SPECTRUM_DEFAULTS.hop,
      floorDb: s.floor ?? SPECTRUM_DEFAULTS.floor,
      ceilingDb: s.ceiling ?? SPECTRUM_DEFAULTS.ceiling,
    });
    if (x.length === 0)
      throw new Error(`the series is shorter than one spectrum frame (${frame} steps)`);
  }
  if (s.window === undefined) {
    return { inputs: { data: x.data, shape: [x.length, x.channels] } };
  }
  const horizon = s.horizon ?? 0;
  const w = slidingWindows(x, { size: s.window, shift: s.shift ?? 1, horizon });
  if (w.count === 0)
    throw new Error(
      `${x.length} rows are fewer than window + horizon (${s.window} + ${horizon}): no windows`,
    );
  return {
    inputs: { data: w.inputs, shape: [w.count, w.size, w.channels] },
    ...(horizon > 0
      ? { targets: { data: w.targets, shape: [w.count, w.horizon, w.channels] } }
      : {}),
  };
}

export function registerFeaturize(program: Command): void {
  const command = program
    .command('featurize')
    .description(
      'write the features of a series (downsampled, spectra, windows) as a float32 .npy file',
    );
  addSourceOptions(command, 'series')
    .requiredOption('--out <file.npy>', '.npy file to write (atomically)')
    .option(
      '--config <file>',
      'settings (.json or YAML) with the flag names as fields (default: none)',
    )
    .option(
      '--downsample <r>',
      'mean of each block of r steps first (default: 1, none)',
      intFlag('--downsample'),
    )
    .option(
      '--window <n>',
      'cut into windows of n rows: [windows, n, channels] (default: none, rows as they are)',
      intFlag('--window'),
    )
    .option('--shift <s>', 'rows between window starts (default 1)', intFlag('--shift'))
    .option(
      '--horizon <h>',
      'rows after each window written as targets to <out>.targets.npy (default 0)',
      intFlag('--horizon', 0),
    )
    .option(
      '--spectrum',
      'dB power spectra of frames (one row per frame, bins per channel) (default: off)',
    )
    .option(
      '--frame <n>',
      'spectrum frame size, a power of two (default 256)',
      intFlag('--frame', 2),
    )
    .option('--hop <n>', 'steps between frame starts (default 128)', intFlag('--hop'))
    .option('--floor <db>', 'lowest dB kept (default -100)', numberFlag('--floor'))
    .option('--ceiling <db>', 'highest dB kept (default 0)', numberFlag('--ceiling'))
    .addHelpText(
      'after',
      `
Steps, in order: --downsample, --spectrum, --window. Without --window the
output is [rows, channels]; with it, [windows, window, channels].

Examples:
  normalcy featurize --data normal.csv --downsample 4 --out normal.npy
  normalcy featurize --data normal.csv --window 25 --shift 2 --horizon 1 --out win.npy
  normalcy featurize --data vibration.csv --spectrum --frame 256 --hop 128 --floor -100 --ceiling 0 --out spec.npy`,
    )
    .action(async (f: FeaturizeFlags) => {
      if (!f.out.toLowerCase().endsWith('.npy'))
        throw new UsageError(`--out: '${f.out}' must end with .npy`);
      const settings = mergeSettings<FeaturizeSettings>(
        readConfigFile(f.config),
        {
          downsample: f.downsample,
          window: f.window,
          shift: f.shift,
          horizon: f.horizon,
          spectrum: f.spectrum,
          frame: f.frame,
          hop: f.hop,
          floor: f.floor,
          ceiling: f.ceiling,
        },
        FEATURIZE_SCHEMA,
      );
      if (settings.window === undefined && (settings.shift !== undefined || settings.horizon))
        throw new UsageError('--shift and --horizon need --window');
      if (
        !settings.spectrum &&
        ['frame', 'hop', 'floor', 'ceiling'].some(
          (k) => settings[k as keyof FeaturizeSettings] !== undefined,
        )
      )
        throw new UsageError('--frame, --hop, --floor and --ceiling need --spectrum');
      const series = await readData(f.data, f);
      progress(`${f.data}: ${series.length} steps, ${series.channels} channel(s)`);
      const features = featurize(series, settings);
      const written: string[] = [];
      writeNpy(f.out, { dtype: 'float32', ...features.inputs });
      written.push(`${f.out} [${features.inputs.shape.join(', ')}]`);
      if (features.targets) {
        const targets = f.out.replace(/\.npy$/i, '.targets.npy');
        writeNpy(targets, { dtype: 'float32', ...features.targets });
        written.push(`${targets} [${features.targets.shape.join(', ')}]`);
      }
      for (const line of written) console.log(line);
    });
}
