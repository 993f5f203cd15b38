// Loading a detector's results in NAB's layout for scoring:
//   <nab>/data/<category>/<file>.csv           timestamp,value (defines the rows)
//   <nab>/labels/combined_windows.json         { "<category>/<file>.csv": [[start, end], ...] }
//   <nab>/config/profiles.json                 the cost matrices
//   <results>/<category>/<detector>_<file>.csv a column anomaly_score, one row per data row
// Every error names the file it is about.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { NabFile } from './score-curve.js';
import { parseNabProfiles, type NabCostMatrix } from './profiles.js';
import { parseNabTimestamp } from './timestamps.js';
import { locateWindows } from './windows.js';

export interface NabCorpusOptions {
  /** NAB root, holding data/, labels/ and config/. */
  nabDir: string;
  /** Directory of one detector's results: <category>/<detector>_<file>.csv. */
  resultsDir: string;
  /** Detector name in result file names; default: the results directory's name. */
  detector?: string;
  /** Default <nabDir>/labels/combined_windows.json. */
  windowsFile?: string;
  /** Default <nabDir>/config/profiles.json. */
  profilesFile?: string;
}

export interface NabCorpus {
  files: NabFile[];
  profiles: Record<string, NabCostMatrix>;
}

function readCsv(path: string): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as Error).message})`);
  }
  try {
    return parse(text, { skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    throw new Error(`${path}: not valid CSV (${(err as Error).message})`);
  }
}

function sameTime(text: string | undefined, time: number): boolean {
  try {
    return text !== undefined && parseNabTimestamp(text) === time;
  } catch {
    return false;
  }
}

function column(path: string, header: readonly string[], name: string): number {
  const k = header.indexOf(name);
  if (k < 0) throw new Error(`${path}: no "${name}" column (columns: ${header.join(', ')})`);
  return k;
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new Error(`${path}: ${what} file not found`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

function requireDir(path: string, what: string): void {
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new Error(`${path}: ${what} directory not found`);
  }
}

/** Data files as "<category>/<file>.csv", sorted. */
function listDataFiles(dataDir: string): string[] {
  const out: string[] = [];
  for (const cat of readdirSync(dataDir, { withFileTypes: true })) {
    if (!cat.isDirectory()) continue;
    for (const f of readdirSync(join(dataDir, cat.name))) {
      if (f.endsWith('.csv')) out.push(`${cat.name}/${f}`);
    }
  }
  return out.sort();
}

export function loadNabCorpus(options: NabCorpusOptions): NabCorpus {
  const { nabDir, resultsDir } = options;
  requireDir(nabDir, 'NAB data');
  const dataDir = join(nabDir, 'data');
  requireDir(dataDir, 'NAB data/');
  requireDir(resultsDir, 'results');
  const detector = options.detector ?? basename(resultsDir.replace(/\/+$/, ''));
  const windowsPath = options.windowsFile ?? join(nabDir, 'labels', 'combined_windows.json');
  const profilesPath = options.profilesFile ?? join(nabDir, 'config', 'profiles.json');
  const windowsJson = readJson(windowsPath, 'windows') as Record<string, unknown>;
  const profiles = parseNabProfiles(readJson(profilesPath, 'profiles'), profilesPath);

  const names = listDataFiles(dataDir);
  if (names.length === 0) throw new Error(`${dataDir}: no <category>/<file>.csv data files`);
  const files: NabFile[] = names.map((name) => {
    const dataPath = join(dataDir, name);
    const data = readCsv(dataPath);
    if (data.length < 2) throw new Error(`${dataPath}: no data rows`);
    const tCol = column(dataPath, data[0], 'timestamp');
    const times = new Float64Array(data.length - 1);
    for (let i = 1; i < data.length; i++) {
      try {
        times[i - 1] = parseNabTimestamp(data[i][tCol]);
      } catch (err) {
        throw new Error(`${dataPath}: line ${i + 1}: ${(err as Error).message}`);
      }
    }

    const labelled = windowsJson[name];
    if (!Array.isArray(labelled)) throw new Error(`${windowsPath}: no windows for ${name}`);
    const pairs = labelled.map((w, k): [number, number] => {
      if (!Array.isArray(w) || w.length !== 2)
        throw new Error(`${windowsPath}: ${name} window ${k} is not a [start, end] pair`);
      try {
        return [parseNabTimestamp(String(w[0])), parseNabTimestamp(String(w[1]))];
      } catch (err) {
        throw new Error(`${windowsPath}: ${name} window ${k}: ${(err as Error).message}`);
      }
    });
    const windows = locateWindows(times, pairs);

    const slash = name.indexOf('/');
    const resultPath = join(
      resultsDir,
      name.slice(0, slash),
      `${detector}_${name.slice(slash + 1)}`,
    );
    if (!existsSync(resultPath))
      throw new Error(`${resultPath}: results file missing (for data file ${name})`);
    const result = readCsv(resultPath);
    const sCol = column(resultPath, result[0] ?? [], 'anomaly_score');
    if (result.length !== data.length) {
      throw new Error(
        `${resultPath}: ${result.length - 1} rows, but ${dataPath} has ${data.length - 1}`,
      );
    }
    const rtCol = result[0].indexOf('timestamp');
    const scores = new Float64Array(result.length - 1);
    for (let i = 1; i < result.length; i++) {
      const cell = result[i][sCol];
      const v = cell === undefined || cell === '' ? NaN : Number(cell);
      if (Number.isNaN(v))
        throw new Error(
          `${resultPath}: line ${i + 1}: anomaly_score "${cell ?? ''}" is not a number`,
        );
      scores[i - 1] = v;
      if (rtCol >= 0 && !sameTime(result[i][rtCol], times[i - 1])) {
        throw new Error(`${resultPath}: line ${i + 1}: timestamp differs from ${dataPath}`);
      }
    }
    return { name, scores, windows };
  });
  return { files, profiles };
}
