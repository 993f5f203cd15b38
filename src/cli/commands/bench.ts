// `normalcy bench <name>`: runs one of the published-protocol benchmarks and
// writes results.json and results.md (our numbers beside the published ones,
// the protocol, and the run record) into --out.
import { Argument, type Command } from 'commander';
import { intFlag, progress } from '../common.js';
import {
  defaultDataDir,
  runBenchmark,
  type BenchContext,
  type BenchOutcome,
} from '../bench/run-record.js';
import { runSine } from '../bench/sine.js';
import { runNab } from '../bench/nab.js';
import { runMnist, runFashionMnist } from '../bench/mnist.js';
import { runDsads } from '../bench/dsads.js';
import { runSmapMsl } from '../bench/smap-msl.js';
import { runSeries } from '../bench/series.js';

type Runner = (ctx: BenchContext) => Promise<BenchOutcome & { workerPeakRssMiB?: number }>;

export const BENCHMARKS: Record<string, { run: Runner; describe: string }> = {
  sine: { run: runSine, describe: 'dense, LSTM and GRU forecasters on the noisy sine' },
  mnist: { run: runMnist, describe: 'cae-ocsvm one-class per digit, AUC-ROC beside Deep SVDD' },
  'fashion-mnist': {
    run: runFashionMnist,
    describe: 'cae-ocsvm one-class per Fashion-MNIST class (apt-get install dataset-fashion-mnist)',
  },
  dsads: { run: runDsads, describe: 'AMSL on DSADS, AMSL protocol, beside the published AMSL row' },
  'smap-msl': {
    run: runSmapMsl,
    describe: 'telemanom protocol: LSTM per channel + dynamic threshold, event-level F1',
  },
  series: {
    run: runSeries,
    describe:
      'every detector and auto on SMAP/MSL channels and NAB files: AUC-PR, VUS-PR, top-1; variants chosen on one half, reported on the other',
  },
  nab: {
    run: runNab,
    describe:
      'streaming novelty-surprise detector (and the windowed-likelihood baseline) scored with nabScore',
  },
};

interface BenchFlags {
  dataDir?: string;
  out: string;
  json?: boolean;
  quick?: boolean;
  seed: number;
  workers?: number;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run a benchmark with its published protocol; write results.json and results.md')
    .addArgument(new Argument('<name>', 'benchmark').choices(Object.keys(BENCHMARKS)))
    .option(
      '--data-dir <dir>',
      "the shared datasets directory, or the benchmark's own dataset directory (default: $NORMALCY_DATASETS, else ../shared/datasets beside the package; fashion-mnist: /usr/share/datasets/fashion-mnist)",
    )
    .requiredOption('--out <dir>', 'directory for results.json, results.md and any result files')
    .option('--json', 'end with one JSON line of the summary')
    .option('--quick', 'a small slice with tiny training, to check the pipeline')
    .option('--seed <n>', 'seed of every random choice', intFlag('--seed', 0), 1)
    .option(
      '--workers <n>',
      'worker processes for smap-msl (default: one per core)',
      intFlag('--workers', 1),
    )
    .addHelpText(
      'after',
      `\nBenchmarks:\n${Object.entries(BENCHMARKS)
        .map(([k, v]) => `  ${k.padEnd(14)} ${v.describe}`)
        .join(
          '\n',
        )}\n\nExamples:\n  normalcy bench sine --out bench-out/sine --quick\n  normalcy bench nab --out bench-out/nab --json`,
    )
    .action(async (name: string, flags: BenchFlags) => {
      const entry = BENCHMARKS[name]!;
      const ctx: BenchContext = {
        dataDir: flags.dataDir ?? defaultDataDir(),
        dataDirGiven: flags.dataDir !== undefined,
        out: flags.out,
        quick: flags.quick === true,
        seed: flags.seed,
        workers: flags.workers,
        log: progress,
      };
      const summary = await runBenchmark(name, ctx, entry.run);
      const lines = [
        `bench ${name} (${summary.mode}): ${summary.wallSeconds} s wall, peak ${summary.peakRssMiB} MiB; results in ${summary.out}/results.md`,
      ];
      if (flags.json) lines.push(JSON.stringify(summary));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
