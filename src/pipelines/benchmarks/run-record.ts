// The record every benchmark run carries (machine, commit, seed, times, memory,
// version, mode) and the writing of results.json and results.md beside it.
import { ConfigError } from '../../config/errors.js';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { packageRoot, packageVersion } from '../../version.js';
import { engineThreadingIfLoaded, type ThreadingInfo } from '../../engine/index.js';
import type { PipelineContext } from '../pipeline.js';

/** What every benchmark protocol receives. */
export interface BenchContext extends PipelineContext {
  /** The datasets directory (or a dataset's own directory) given with --data-dir. */
  dataDir: string;
  /** Whether --data-dir was given (else dataDir is the default). */
  dataDirGiven?: boolean;
  /** Worker processes for benchmarks that run in parallel (default: one per core). */
  workers?: number;
  /** Run the parallel part through the fleet's queue on this Redis instead of local workers. */
  redis?: string;
  /** Queue name on that Redis (default 'normalcy'). */
  queue?: string;
  /** DSADS persons to use (--persons); default every person present. */
  persons?: number[];
  /** The one-class image benchmarks' narrowing (mnist, fashion-mnist, cifar10). */
  images?: ImageBenchOptions;
  /** Series harness: the development draw (halves A and B) or the holdout set C. */
  seriesSet?: 'development' | 'holdout';
  /**
   * Config fields per detector over the benchmark's own (--set), e.g. { geom: { shift: 2 } }:
   * the image benchmarks' detectors and dsads' amsl.
   */
  set?: Record<string, Record<string, unknown>>;
  /** smap-msl's channels and model; unset = the protocol's own. */
  smapMsl?: SmapMslOptions;
}

/** What the CLI may set in smap-msl; unset = the protocol's own (full or quick). */
export interface SmapMslOptions {
  /** Only the label rows of these channels (e.g. ['P-1', 'M-6']). */
  channels?: string[];
  /** LSTM layer sizes of each channel's forecaster. */
  hidden?: number[];
  /** At most this many epochs (early stopping may end sooner). */
  epochs?: number;
  /** Train on every n-th window (1: every window, as telemanom). */
  trainShift?: number;
  /** Models per channel (seeds seed, seed + 1, ...), their errors averaged (default 1). */
  ensemble?: number;
}

/** What the CLI may narrow in the one-class image benchmarks; unset = the protocol's own. */
export interface ImageBenchOptions {
  /** Normal classes to run (default all ten; quick: 0 and 1). */
  classes?: number[];
  /** Seeds per class: seed, seed + 1, ... (default 3; quick: 1). */
  seeds?: number;
  /** Image detectors to run (default every registered one). */
  detectors?: string[];
  /** Epochs of every detector that trains in epochs (default: each detector's own). */
  epochs?: number;
  /** At most this many training images per class. */
  maxTrain?: number;
  /** Development protocol: the share of a class's test images that trains (default 0.8). */
  trainShare?: number;
  /**
   * Development protocol on the training split (the test split unseen), for choosing
   * settings without touching the images a result is reported on.
   */
  holdout?: boolean;
}

/** What a runner hands back: our numbers, the published ones and the protocol in words. */
export interface BenchOutcome {
  /** Largest peak of a worker process, in MiB, where the benchmark used workers. */
  workerPeakRssMiB?: number;
  /** One-line title, e.g. "Sine: dense, LSTM and GRU forecasters". */
  title: string;
  /** The protocol, one sentence or short paragraph per entry. */
  protocol: string[];
  /** Our numbers in full (JSON). */
  results: Record<string, unknown>;
  /** The published numbers we compare with (JSON), with their source. */
  published: Record<string, unknown>;
  /** Markdown tables putting ours beside the published ones. */
  markdown: string;
  /** The headline numbers, for the --json summary line. */
  headline: Record<string, unknown>;
}

export interface RunRecord {
  benchmark: string;
  mode: 'quick' | 'full';
  seed: number;
  normalcyVersion: string;
  /** HEAD when the run started (a later commit does not change what ran). */
  gitCommit: string;
  /** Whether tracked files differed from that commit when the run started. */
  gitDirty: boolean;
  startedAt: string;
  wallSeconds: number;
  /** process.resourceUsage().maxRSS of this process, in MiB. */
  peakRssMiB: number;
  /** Largest peak of a worker process, in MiB, where the benchmark used workers. */
  workerPeakRssMiB?: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    platform: string;
    arch: string;
    node: string;
  };
  dataDir: string;
  /**
   * torch's threads and OpenMP wait policy in this process, where it used the
   * engine (workers report their own).
   */
  engine?: ThreadingInfo;
}

export function gitCommit(): string {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: packageRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Whether tracked files differ from HEAD; false where git cannot tell. */
export function gitDirty(): boolean {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: packageRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    return out.trim() !== '';
  } catch {
    return false;
  }
}

export function machineInfo(): RunRecord['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    platform: platform(),
    arch: arch(),
    node: process.version,
  };
}

/** maxRSS is in KiB on Linux and macOS. */
export function peakRssMiB(): number {
  return Number((process.resourceUsage().maxRSS / 1024).toFixed(1));
}

/** The datasets directory when --data-dir is not given: NORMALCY_DATASETS, else ../shared/datasets beside the package. */
export function defaultDataDir(): string {
  const env = process.env.NORMALCY_DATASETS;
  return env !== undefined && env !== '' ? env : resolve(packageRoot(), '..', 'shared', 'datasets');
}

/**
 * The directory of one dataset: `dir` itself when it holds `marker` (the user
 * pointed at the dataset), else `dir/<sub>`; an error naming both otherwise.
 */
export function datasetDir(dir: string, sub: string, marker: string): string {
  if (existsSync(join(dir, marker))) return dir;
  const inner = join(dir, sub);
  if (existsSync(join(inner, marker))) return inner;
  throw new Error(`${dir}: neither ${join(dir, marker)} nor ${join(inner, marker)} exists`);
}

/** A number for tables: fixed digits, or 'n/a' when missing or not finite. */
export function fmt(v: unknown, digits = 4): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}

/** A Markdown table from a header and rows. */
export function mdTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Rounds every number in a JSON-like value to `digits` significant digits. */
export function roundDeep(value: unknown, digits = 6): unknown {
  if (typeof value === 'number') {
    return Number.isFinite(value) && !Number.isInteger(value)
      ? Number(value.toPrecision(digits))
      : value;
  }
  if (Array.isArray(value)) return value.map((v) => roundDeep(v, digits));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v, digits)]));
  }
  return value;
}

function recordMarkdown(r: RunRecord): string {
  const rows: [string, string][] = [
    ['mode', r.mode],
    ['seed', String(r.seed)],
    ['normalcy', r.normalcyVersion],
    ['git commit', `${r.gitCommit}${r.gitDirty ? ' (with uncommitted changes)' : ''}`],
    ['started', r.startedAt],
    ['wall time', `${r.wallSeconds.toFixed(1)} s`],
    ['peak memory', `${r.peakRssMiB} MiB (this process)`],
    [
      'machine',
      `${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, ${r.machine.platform}/${r.machine.arch}, Node ${r.machine.node}`,
    ],
    ['data', r.dataDir],
  ];
  if (r.engine)
    rows.push([
      'torch threads',
      `${r.engine.threads} (${r.engine.chosenBy}; ${r.engine.cores} cores, ${r.engine.busyElsewhere} threads busy elsewhere when chosen), OMP_WAIT_POLICY=${r.engine.ompWaitPolicy} (${r.engine.ompWaitPolicyFrom})${r.engine.gemm ? `, matrix products: ${r.engine.gemm}` : ''}`,
    ]);
  if (r.workerPeakRssMiB !== undefined)
    rows.splice(7, 0, ['worker peak memory', `${r.workerPeakRssMiB} MiB (largest worker)`]);
  return mdTable(
    ['', ''],
    rows.map(([k, v]) => [k, v]),
  );
}

/**
 * Runs a benchmark, then writes `<out>/results.json` and `<out>/results.md`
 * atomically. Returns the JSON summary (headline numbers, record, paths).
 */
export async function runBenchmark(
  name: string,
  ctx: BenchContext,
  runner: (ctx: BenchContext) => Promise<BenchOutcome>,
): Promise<Record<string, unknown>> {
  const startedAt = new Date().toISOString();
  const commit = gitCommit();
  const dirty = gitDirty();
  const t0 = performance.now();
  const outcome = await runner(ctx);
  const record: RunRecord = {
    benchmark: name,
    mode: ctx.quick ? 'quick' : 'full',
    seed: ctx.seed,
    normalcyVersion: packageVersion(),
    gitCommit: commit,
    gitDirty: dirty,
    startedAt,
    wallSeconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
    peakRssMiB: peakRssMiB(),
    ...(outcome.workerPeakRssMiB !== undefined
      ? { workerPeakRssMiB: outcome.workerPeakRssMiB }
      : {}),
    machine: machineInfo(),
    dataDir: resolve(ctx.dataDir),
  };
  const engine = engineThreadingIfLoaded();
  if (engine) record.engine = engine;
  const json = {
    benchmark: name,
    title: outcome.title,
    record,
    protocol: outcome.protocol,
    published: outcome.published,
    results: roundDeep(outcome.results),
  };
  const md = [
    `# ${outcome.title}`,
    '',
    ctx.quick
      ? '**Quick run**: a small slice with tiny training, to check the pipeline. Its numbers are not comparable with the published ones.'
      : '**Full run.**',
    '',
    '## Results beside the published numbers',
    '',
    outcome.markdown,
    '',
    '## Protocol',
    '',
    ...outcome.protocol.map((p) => `- ${p}`),
    '',
    '## Run record',
    '',
    recordMarkdown(record),
    '',
  ].join('\n');
  writeFileAtomic(join(ctx.out, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileAtomic(join(ctx.out, 'results.md'), md);
  return {
    benchmark: name,
    mode: record.mode,
    ...(roundDeep(outcome.headline) as Record<string, unknown>),
    wallSeconds: record.wallSeconds,
    peakRssMiB: record.peakRssMiB,
    gitCommit: record.gitCommit,
    out: resolve(ctx.out),
  };
}

/**
 * The --set fields of the one detector a benchmark runs (`runs`: how the refusal names the
 * benchmark and its detector, e.g. 'dsads runs amsl only'); a field of any other detector is a
 * usage error.
 */
export function onlyDetectorFields<T>(
  set: BenchContext['set'],
  detector: string,
  runs: string,
): Partial<T> {
  const other = Object.keys(set ?? {}).filter((d) => d !== detector);
  if (other.length > 0) throw new ConfigError(`--set: ${runs}, not ${other.join(', ')}`);
  return (set?.[detector] ?? {}) as Partial<T>;
}
