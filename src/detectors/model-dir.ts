// A saved model is a directory holding manifest.json and weights.bin. It is
// built in a temporary sibling directory and renamed into place, so a crash
// never leaves a half-written model and an old model is replaced whole.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../io/atomic-write.js';
import { saveTensors, loadTensors, tensor, tidy, type Tensor } from '../engine/index.js';
import { packageVersion } from '../version.js';
import type { TrainingSummary } from './detector.js';
import type { ScalerState } from '../data/scalers.js';

export const MODEL_FORMAT = 'normalcy-model';
export const MODEL_FORMAT_VERSION = 1;
export const WEIGHTS_FILE = 'weights.bin';
/** Scores of held-out normal data, kept so a threshold can be re-set without retraining. */
export const NORMAL_SCORES_FILE = 'normal-scores.bin';

export interface Manifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  normalcyVersion: string;
  detector: string;
  config: Record<string, unknown>;
  channels: number;
  /** Names of the channels training saw, in order (when the data had a header). */
  channelNames?: string[];
  /** The time column of the training data, when it had one. */
  timeColumn?: string;
  seed?: number;
  scaler?: ScalerState;
  summary?: TrainingSummary;
  /** Detector-specific numbers learnt in fit (e.g. score normalisation). */
  state?: Record<string, unknown>;
  threshold?: Record<string, unknown>;
  savedAt: string;
}

export type ManifestContent = Omit<
  Manifest,
  'format' | 'formatVersion' | 'normalcyVersion' | 'savedAt'
>;

/** What a caller may add to a saved model beside the detector's own state. */
export interface SaveExtras {
  threshold?: Record<string, unknown>;
  normalScores?: Float32Array;
  /** Channel names and time column of the training data, checked when scoring. */
  channelNames?: readonly string[];
  timeColumn?: string;
}

export function writeModelDir(
  dir: string,
  manifest: ManifestContent,
  weights: Record<string, Tensor>,
  extras: SaveExtras = {},
): void {
  const target = resolve(dir);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(
    dirname(target),
    `.normalcy-tmp-${basename(target)}-${randomBytes(6).toString('hex')}`,
  );
  mkdirSync(tmp);
  try {
    const full: Manifest = {
      format: MODEL_FORMAT,
      formatVersion: MODEL_FORMAT_VERSION,
      normalcyVersion: packageVersion(),
      ...manifest,
      ...(extras.threshold ? { threshold: extras.threshold } : {}),
      ...(extras.channelNames ? { channelNames: [...extras.channelNames] } : {}),
      ...(extras.timeColumn !== undefined ? { timeColumn: extras.timeColumn } : {}),
      savedAt: new Date().toISOString(),
    };
    saveTensors(join(tmp, WEIGHTS_FILE), weights);
    if (extras.normalScores) {
      const scores = extras.normalScores;
      tidy(() =>
        saveTensors(join(tmp, NORMAL_SCORES_FILE), { scores: tensor(scores, [scores.length]) }),
      );
    }
    writeFileAtomic(join(tmp, 'manifest.json'), JSON.stringify(full, null, 2) + '\n');
    if (existsSync(target)) {
      const old = `${tmp}-old`;
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Reads and checks manifest.json; refuses foreign, corrupt or newer-format directories. */
export function readManifest(dir: string): Manifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`${dir}: model directory not found`);
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new Error(`${dir}: not a normalcy model (manifest.json is missing)`);
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
  } catch (err) {
    throw new Error(`${path}: corrupt manifest (${(err as Error).message})`);
  }
  if (m.format !== MODEL_FORMAT)
    throw new Error(
      `${path}: not a normalcy model manifest (format is ${JSON.stringify(m.format)})`,
    );
  if (m.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new Error(
      `${path}: model format version ${m.formatVersion} is not supported (this normalcy reads version ${MODEL_FORMAT_VERSION})`,
    );
  }
  if (
    typeof m.detector !== 'string' ||
    typeof m.config !== 'object' ||
    typeof m.channels !== 'number' ||
    (m.channelNames !== undefined &&
      (!Array.isArray(m.channelNames) ||
        m.channelNames.length !== m.channels ||
        m.channelNames.some((n) => typeof n !== 'string')))
  ) {
    throw new Error(
      `${path}: manifest lacks detector, config or channels, or its channelNames do not name every channel`,
    );
  }
  return m as Manifest;
}

export function readWeights(dir: string): Record<string, Tensor> {
  const path = join(dir, WEIGHTS_FILE);
  if (!existsSync(path)) throw new Error(`${dir}: model weights (${WEIGHTS_FILE}) are missing`);
  return loadTensors(path);
}

/** Rewrites only the manifest (e.g. a new threshold), atomically, keeping the weights. */
export function updateManifest(dir: string, change: (m: Manifest) => Manifest): void {
  const m = change(readManifest(dir));
  writeFileAtomic(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
}

/** The held-out normal scores saved with the model, if any. */
export function readNormalScores(dir: string): Float32Array | undefined {
  const path = join(dir, NORMAL_SCORES_FILE);
  if (!existsSync(path)) return undefined;
  return tidy(() => {
    const t = loadTensors(path).scores;
    if (!t) throw new Error(`${path}: no 'scores' tensor`);
    return t.toFloat32Array();
  });
}
