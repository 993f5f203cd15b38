// A generated multichannel case with known faults, for tests and benchmarks of
// incidents: a service's metrics every 10 minutes with a daily cycle. Requests
// follow the cycle, cpu follows requests, latency rises with cpu, memory climbs
// swings twice a day. The test part holds one fault of each kind,
// each on a known channel: a latency spike, a memory level shift, a stuck cpu
// sensor and a broken requests-cpu correlation (cpu stops following load).
import { createRng } from './random.js';
import { seriesFromColumns, type Series } from './series.js';

export const SERVICE_CHANNELS = ['requests', 'cpu', 'memory', 'latency'] as const;

export interface ServiceFault {
  kind: 'spike' | 'level-shift' | 'stuck-sensor' | 'broken-correlation';
  /** First and last step, inclusive, in the test series. */
  start: number;
  end: number;
  /** The channel the fault was put on: the right top culprit. */
  channel: (typeof SERVICE_CHANNELS)[number];
}

export interface ServiceMetricsCase {
  train: Series;
  test: Series;
  faults: ServiceFault[];
  /** Step length in milliseconds. */
  stepMs: number;
}

export interface ServiceMetricsOptions {
  trainSteps?: number;
  testSteps?: number;
  seed?: number;
}

const STEP_MS = 10 * 60_000;
const DAY = 144; // steps per day

function gaussian(rng: ReturnType<typeof createRng>): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function normalColumns(
  steps: number,
  offset: number,
  rng: ReturnType<typeof createRng>,
): number[][] {
  const cols = SERVICE_CHANNELS.map(() => new Array<number>(steps));
  for (let i = 0; i < steps; i++) {
    const t = offset + i;
    const day = Math.sin((2 * Math.PI * t) / DAY - Math.PI / 2);
    const requests = 500 + 300 * day + 20 * gaussian(rng);
    const cpu = 10 + 0.08 * requests + 1.5 * gaussian(rng);
    const memory = 40 + 8 * Math.sin((4 * Math.PI * t) / DAY) + 0.8 * gaussian(rng);
    const latency = 80 + 0.02 * cpu * cpu + 3 * gaussian(rng);
    cols[0]![i] = requests;
    cols[1]![i] = cpu;
    cols[2]![i] = memory;
    cols[3]![i] = latency;
  }
  return cols;
}

function withTimes(cols: number[][], offset: number, start: number): Series {
  const timestamps = Float64Array.from(
    { length: cols[0]!.length },
    (_, i) => start + (offset + i) * STEP_MS,
  );
  return seriesFromColumns(cols, { timestamps, names: [...SERVICE_CHANNELS] });
}

/** The train and test parts with the faults' places (seeded, same seed same data). */
export function serviceMetricsCase(options: ServiceMetricsOptions = {}): ServiceMetricsCase {
  const trainSteps = options.trainSteps ?? 4000;
  const testSteps = options.testSteps ?? 3000;
  if (testSteps < 1000)
    throw new RangeError(`service metrics: testSteps must be >= 1000, got ${testSteps}`);
  const rng = createRng(options.seed ?? 1);
  const start = Date.UTC(2024, 0, 1);
  const train = normalColumns(trainSteps, 0, rng);
  const test = normalColumns(testSteps, trainSteps, rng);
  const at = (share: number) => Math.floor(testSteps * share);
  // The cpu sensor sticks at a daily peak of the load, so the stuck value parts from the
  // true one as the load falls.
  const peak = (step: number) =>
    step + ((((DAY / 2 - ((trainSteps + step) % DAY)) % DAY) + DAY) % DAY);
  const faults: ServiceFault[] = [
    { kind: 'spike', start: at(0.2), end: at(0.2) + 2, channel: 'latency' },
    { kind: 'level-shift', start: at(0.4), end: at(0.4) + 59, channel: 'memory' },
    { kind: 'stuck-sensor', start: peak(at(0.6)), end: peak(at(0.6)) + 71, channel: 'cpu' },
    { kind: 'broken-correlation', start: at(0.8), end: at(0.8) + 71, channel: 'cpu' },
  ];
  const [requests, cpu, memory, latency] = test as [number[], number[], number[], number[]];
  for (const f of faults) {
    for (let t = f.start; t <= f.end; t++) {
      if (f.kind === 'spike') latency[t] = latency[t]! + 150;
      else if (f.kind === 'level-shift') memory[t] = memory[t]! + 25;
      else if (f.kind === 'stuck-sensor') cpu[t] = cpu[f.start - 1]!;
      // cpu stops following requests: it runs against the load (high when load is low).
      else cpu[t] = 10 + 0.08 * (1000 - requests[t]!) + 1.5 * gaussian(rng);
    }
  }
  return {
    train: withTimes(train, 0, start),
    test: withTimes(test, trainSteps, start),
    faults,
    stepMs: STEP_MS,
  };
}

/** The series as CSV text with a timestamp column (ISO-8601) and named columns. */
export function seriesToCsv(series: Series, timeColumn = 'timestamp'): string {
  const names = series.names ?? Array.from({ length: series.channels }, (_, c) => `channel_${c}`);
  const lines = [[...(series.timestamps ? [timeColumn] : []), ...names].join(',')];
  for (let t = 0; t < series.length; t++) {
    const cells: string[] = [];
    if (series.timestamps) cells.push(new Date(series.timestamps[t]!).toISOString());
    for (let c = 0; c < series.channels; c++)
      cells.push(String(Math.round(series.data[t * series.channels + c]! * 1000) / 1000));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
