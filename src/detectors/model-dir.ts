// A saved model is a directory of versions (see ../io/versioned-dir.ts): each save
// writes manifest.json, weights.bin and the held-out normal scores into a new version
// subdirectory and swaps the CURRENT pointer to it atomically, so the path always
// holds one complete model, old or new. The manifest records the SHA-256 and size of
// every other file and is validated by a schema; a reader resolves the pointer once,
// reads one manifest and verifies each file's hash before using it, so a flipped bit,
// a truncated file, a symbolic link or a manifest without its scaler is refused with
// the file or field named. Old-layout directories (manifest.json and weights.bin at
// the top, format version 1, no hashes) still load.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { readCurrentVersion, readOwnFile, writeVersion } from '../io/versioned-dir.js';
import {
  encodeTensors,
  decodeTensors,
  tidy,
  type Tensor,
  type TensorData,
} from '../engine/index.js';
import { packageVersion } from '../version.js';
import type { TrainingSummary } from './detector.js';
import type { ScalerState } from '../data/scalers.js';

export const MODEL_FORMAT = 'normalcy-model';
/** 2: versioned directory with file hashes; 1: manifest.json and weights.bin at the top. */
export const MODEL_FORMAT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';
/** Scores of held-out normal data, kept so a threshold can be re-set without retraining. */
export const NORMAL_SCORES_FILE = 'normal-scores.bin';
/** A manifest is small; anything larger is not one. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  normalcyVersion: string;
  detector: string;
  config: Record<string, unknown>;
  channels: number;
  seed?: number;
  scaler?: ScalerState;
  summary?: TrainingSummary;
  /** Detector-specific numbers learnt in fit (e.g. score normalisation). */
  state?: Record<string, unknown>;
  threshold?: Record<string, unknown>;
  /** Names of the channels training saw, in order (when the data had a header). */
  channelNames?: string[];
  /** The time column of the training data, when it had one. */
  timeColumn?: string;
  savedAt: string;
  /** SHA-256 and size of every other file of the model (format 2). */
  files?: Record<string, FileDigest>;
}

export type ManifestContent = Omit<
  Manifest,
  'format' | 'formatVersion' | 'normalcyVersion' | 'savedAt' | 'files'
>;

/** What a caller may add to a saved model beside the detector's own state. */
export interface SaveExtras {
  threshold?: Record<string, unknown>;
  normalScores?: Float32Array;
  /** Channel names and time column of the training data, checked when scoring. */
  channelNames?: readonly string[];
  timeColumn?: string;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const record = z.record(z.string(), z.unknown());
const scalerSchema = z
  .object({
    kind: z.enum(['zscore', 'minmax', 'robust']),
    center: z.array(finite).min(1),
    scale: z.array(finite.refine((v) => v > 0, 'must be above 0')).min(1),
  })
  .refine((s) => s.center.length === s.scale.length, {
    message: 'center and scale must have one value per channel each',
  });
const digestSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hexadecimal digits'),
  bytes: z.number().int().nonnegative(),
});
const fileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a plain file name');

/** The manifest's schema. Unknown fields pass, so newer additions stay readable. */
const manifestSchema = z
  .looseObject({
    format: z.literal(MODEL_FORMAT),
    formatVersion: z.number(),
    normalcyVersion: z.string(),
    detector: z.string().min(1),
    config: record,
    channels: z.number().int().min(1).max(1_000_000),
    seed: z.number().int().optional(),
    scaler: scalerSchema.optional(),
    summary: record.optional(),
    state: record.optional(),
    threshold: record.optional(),
    channelNames: z.array(z.string()).optional(),
    timeColumn: z.string().optional(),
    savedAt: z.string(),
    files: z.record(fileNameSchema, digestSchema).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.channelNames !== undefined && m.channelNames.length !== m.channels)
      ctx.addIssue({
        code: 'custom',
        path: ['channelNames'],
        message: `names ${m.channelNames.length} channels, but the model has ${m.channels} (every channel needs one name)`,
      });
    const kind = m.config.scaler;
    if (typeof kind === 'string' && kind !== 'none' && m.scaler === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['scaler'],
        message: `is missing, but config.scaler is '${kind}' (the model cannot scale its input)`,
      });
  });

/** Validates a parsed manifest; the error names the file and the first bad field. */
export function parseManifest(value: unknown, path: string): Manifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(
      `${path}: the manifest must be a JSON object, found ${value === null ? 'null' : typeof value}`,
    );
  const m = value as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT)
    throw new Error(
      `${path}: not a normalcy model manifest (format is ${JSON.stringify(m.format)})`,
    );
  if (m.formatVersion === undefined) throw new Error(`${path}: field 'formatVersion' is missing`);
  if (!READABLE_VERSIONS.includes(m.formatVersion as number)) {
    throw new Error(
      `${path}: model format version ${String(m.formatVersion)} is not supported (this normalcy reads versions ${READABLE_VERSIONS.join(' and ')})`,
    );
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(top level)';
    throw new Error(`${path}: field '${field}' ${issue.message.replace(/^Invalid input: /, '')}`);
  }
  if (m.formatVersion === 2 && (!m.files || !(WEIGHTS_FILE in (m.files as object))))
    throw new Error(`${path}: field 'files' must list the hash of ${WEIGHTS_FILE}`);
  return parsed.data as unknown as Manifest;
}

const sha256 = (chunks: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
};

function digest(chunks: Uint8Array[]): FileDigest {
  return { sha256: sha256(chunks), bytes: chunks.reduce((n, c) => n + c.byteLength, 0) };
}

export function writeModelDir(
  dir: string,
  manifest: ManifestContent,
  weights: Record<string, TensorData>,
  extras: SaveExtras = {},
): void {
  const files: [string, Uint8Array[]][] = [[WEIGHTS_FILE, encodeTensors(weights)]];
  if (extras.normalScores) {
    const scores = extras.normalScores;
    files.push([
      NORMAL_SCORES_FILE,
      encodeTensors({ scores: { dtype: 'float32', shape: [scores.length], data: () => scores } }),
    ]);
  }
  const full: Manifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    normalcyVersion: packageVersion(),
    ...manifest,
    ...(extras.threshold ? { threshold: extras.threshold } : {}),
    ...(extras.channelNames ? { channelNames: [...extras.channelNames] } : {}),
    ...(extras.timeColumn !== undefined ? { timeColumn: extras.timeColumn } : {}),
    savedAt: new Date().toISOString(),
    files: Object.fromEntries(files.map(([name, chunks]) => [name, digest(chunks)])),
  };
  writeManifestVersion(dir, full, files);
}

function writeManifestVersion(
  dir: string,
  manifest: Manifest,
  files: [string, Uint8Array[]][],
): void {
  // Checked before writing, so a save never produces a model that cannot be read back.
  parseManifest(JSON.parse(JSON.stringify(manifest)), join(dir, MANIFEST_FILE));
  writeVersion(dir, {
    files: [...files, [MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n']],
    legacyFiles: [MANIFEST_FILE, WEIGHTS_FILE, NORMAL_SCORES_FILE],
    legacyMarker: MANIFEST_FILE,
  });
}

function readManifestAt(versionPath: string): Manifest {
  const path = join(versionPath, MANIFEST_FILE);
  const text = readOwnFile(path, MAX_MANIFEST_BYTES).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: corrupt manifest (${(err as Error).message})`);
  }
  return parseManifest(value, path);
}

/** Reads one of the model's files and checks it against the manifest's hash. */
function readVerified(versionPath: string, manifest: Manifest, name: string): Buffer {
  const path = join(versionPath, name);
  const buf = readOwnFile(path);
  const expected = manifest.files?.[name];
  if (manifest.formatVersion >= 2) {
    if (!expected) throw new Error(`${path}: not listed in the manifest's files, refused`);
    if (buf.byteLength !== expected.bytes)
      throw new Error(
        `${path}: ${buf.byteLength} bytes where the manifest records ${expected.bytes} (the file is truncated or was changed)`,
      );
    if (sha256([buf]) !== expected.sha256)
      throw new Error(
        `${path}: SHA-256 does not match the manifest (the file is corrupt or was changed)`,
      );
  }
  return buf;
}

/** Refuses weights holding NaN or infinities (a diverged or damaged model). */
function checkFinite(path: string, tensors: Record<string, Tensor>): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
    const data = t.data() as Float32Array | Float64Array;
    for (let i = 0; i < data.length; i++)
      if (!Number.isFinite(data[i]!))
        throw new Error(
          `${path}: tensor '${name}' holds ${data[i]} at element ${i}; the model is unusable (retrain it)`,
        );
  }
}

/** One consistent version of a saved model: its manifest, weights and normal scores. */
export interface SavedModel {
  dir: string;
  /** The version directory read ('' part for an old-layout model). */
  path: string;
  manifest: Manifest;
  weights: Record<string, Tensor>;
  normalScores?: Float32Array;
}

function decodeNormalScores(path: string, buf: Buffer): Float32Array {
  return tidy(() => {
    const t = decodeTensors(buf, path).scores;
    if (!t) throw new Error(`${path}: no 'scores' tensor`);
    if (t.shape.length !== 1) throw new Error(`${path}: 'scores' must be one-dimensional`);
    return t.toFloat32Array();
  });
}

/** Reads the current version of a model directory whole: one manifest, verified files. */
export function readSavedModel(dir: string): SavedModel {
  return readCurrentVersion(dir, MANIFEST_FILE, ({ path }) => {
    const manifest = readManifestAt(path);
    const weightsPath = join(path, WEIGHTS_FILE);
    const weightBytes = readVerified(path, manifest, WEIGHTS_FILE);
    const hasScores = manifest.files ? NORMAL_SCORES_FILE in manifest.files : undefined;
    let scoreBytes: Buffer | undefined;
    if (hasScores !== false) {
      try {
        scoreBytes = readVerified(path, manifest, NORMAL_SCORES_FILE);
      } catch (err) {
        // Old-layout models may lack normal scores; a listed file must be there.
        if (hasScores || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    const weights = decodeTensors(weightBytes, weightsPath);
    checkFinite(weightsPath, weights);
    const normalScores = scoreBytes
      ? decodeNormalScores(join(path, NORMAL_SCORES_FILE), scoreBytes)
      : undefined;
    return { dir, path, manifest, weights, ...(normalScores ? { normalScores } : {}) };
  });
}

/** Reads and validates the current manifest; refuses foreign, corrupt or newer-format directories. */
export function readManifest(dir: string): Manifest {
  return readCurrentVersion(dir, MANIFEST_FILE, ({ path }) => readManifestAt(path));
}

/** The path of one of the current version's files (for tools and tests that inspect it). */
export function modelFilePath(dir: string, name: string = MANIFEST_FILE): string {
  return readCurrentVersion(dir, MANIFEST_FILE, ({ path }) => join(path, name));
}

/** What a manifest update may change beside the manifest. */
export interface ManifestUpdate {
  /** New held-out normal scores (e.g. recalibration on recent normal data). */
  normalScores?: Float32Array;
  /** The version (SavedModel.path) the change was computed from: refused if no longer current. */
  basedOn?: string;
}

/**
 * Rewrites the manifest (e.g. a new threshold) as a new version holding the same files,
 * or new normal scores. `change` also gets that version's normal scores, so a threshold
 * set on them comes from the same read as the manifest it goes into.
 */
export function updateManifest(
  dir: string,
  change: (m: Manifest, normalScores: Float32Array | undefined) => Manifest,
  update: ManifestUpdate = {},
): void {
  const read = readCurrentVersion(dir, MANIFEST_FILE, ({ path }) => {
    const m = readManifestAt(path);
    const names = m.files ? Object.keys(m.files) : [WEIGHTS_FILE, NORMAL_SCORES_FILE];
    const out: [string, Uint8Array[]][] = [];
    for (const name of names) {
      try {
        out.push([name, [readVerified(path, m, name)]]);
      } catch (err) {
        if (m.files || (err as NodeJS.ErrnoException).code !== 'ENOENT' || name === WEIGHTS_FILE)
          throw err;
      }
    }
    return { manifest: m, files: out, path };
  });
  const { manifest, path } = read;
  if (update.basedOn !== undefined && update.basedOn !== path)
    throw new Error(
      `${dir}: the model was saved again while this change was computed; run the command again`,
    );
  let files = read.files;
  const scoreFile = files.find(([name]) => name === NORMAL_SCORES_FILE);
  const normalScores = scoreFile
    ? decodeNormalScores(join(path, NORMAL_SCORES_FILE), Buffer.concat(scoreFile[1]))
    : undefined;
  const next = change(manifest, normalScores);
  if (update.normalScores) {
    const scores = update.normalScores;
    files = [
      ...files.filter(([name]) => name !== NORMAL_SCORES_FILE),
      [
        NORMAL_SCORES_FILE,
        encodeTensors({ scores: { dtype: 'float32', shape: [scores.length], data: () => scores } }),
      ],
    ];
  }
  writeManifestVersion(
    dir,
    {
      ...next,
      formatVersion: MODEL_FORMAT_VERSION,
      files: Object.fromEntries(files.map(([name, chunks]) => [name, digest(chunks)])),
    },
    files,
  );
}

/** The held-out normal scores saved with the model, if any. */
export function readNormalScores(dir: string): Float32Array | undefined {
  return readSavedModel(dir).normalScores;
}
