// `normalcy bench <name>`: parses the flags and runs one of the benchmark
// pipelines (src/pipelines), which writes results.json and results.md into --out.
import { Argument, Option, type Command } from 'commander';
import {
  detectorSetFlag,
  fractionFlag,
  intFlag,
  intListFlag,
  intSeqFlag,
  progress,
} from '../common.js';
import { DEFAULT_SEED } from '../../data/random.js';
import { benchmarks, defaultDataDir, findBenchmark } from '../../pipelines/index.js';
import { SERIES_SETS, type SeriesSet } from '../../pipelines/benchmarks/series-selection.js';

interface BenchFlags {
  dataDir?: string;
  out: string;
  json?: boolean;
  quick?: boolean;
  seed: number;
  workers?: number;
  redis?: string;
  queue?: string;
  persons?: number[];
  classes?: number[];
  seeds?: number;
  detectors?: string;
  epochs?: number;
  maxTrain?: number;
  trainShare?: number;
  channels?: string;
  hidden?: number[];
  trainShift?: number;
  ensemble?: number;
  seriesSet?: SeriesSet;
  set?: Record<string, Record<string, unknown>>;
  holdout?: boolean;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run a benchmark with its published protocol; write results.json and results.md')
    .addArgument(new Argument('<name>', 'benchmark').choices(benchmarks.map((b) => b.name)))
    .option(
      '--data-dir <dir>',
      "the shared datasets directory, or the benchmark's own dataset directory (default: $NORMALCY_DATASETS, else ../shared/datasets beside the package; fashion-mnist: /usr/share/datasets/fashion-mnist)",
    )
    .requiredOption('--out <dir>', 'directory for results.json, results.md and any result files')
    .option('--json', 'end with one JSON line of the summary (default: off)')
    .option(
      '--quick',
      'a small slice with tiny training, to check the pipeline (default: off, the full run)',
    )
    .option('--seed <n>', 'seed of every random choice', intFlag('--seed', 0), DEFAULT_SEED)
    .option(
      '--workers <n>',
      'worker processes for smap-msl (default: one per core)',
      intFlag('--workers', 1),
    )
    .option(
      '--redis <url>',
      'smap-msl: run the channels as fleet jobs on this Redis (start workers with normalcy worker --redis URL) (default: none, local worker processes)',
    )
    .option('--queue <name>', 'fleet queue name with --redis', 'normalcy')
    .option(
      '--persons <list>',
      'dsads: the persons to use, e.g. 1,2 (default: every person under the data directory)',
      intListFlag('--persons', 1),
    )
    .option(
      '--classes <list>',
      'mnist, fashion-mnist, cifar10: the normal classes to run, e.g. 3,8 (default: all ten; --quick: 0,1)',
      intListFlag('--classes', 0),
    )
    .option(
      '--seeds <n>',
      'mnist, fashion-mnist, cifar10: seeds per class, --seed and the next ones (default: 3; --quick: 1)',
      intFlag('--seeds', 1),
    )
    .option(
      '--detectors <list>',
      'mnist, fashion-mnist, cifar10: image detectors to run, comma-separated (default: every registered image detector)',
    )
    .option(
      '--epochs <n>',
      "mnist, fashion-mnist, cifar10: epochs of every detector that trains in epochs, and at most as many pre-training epochs (default: each detector's own); smap-msl: at most this many epochs, early stopping may end sooner (default: 35, as telemanom; --quick: 5)",
      intFlag('--epochs', 1),
    )
    .option(
      '--channels <list>',
      'smap-msl: only the label rows of these channels, comma-separated, run in that order, e.g. P-1,M-6 (default: every labelled channel)',
    )
    .option(
      '--hidden <list>',
      "smap-msl: LSTM layer sizes of each channel's forecaster, e.g. 32 or 80,80 (telemanom's) (default: 32)",
      intSeqFlag('--hidden', 1),
    )
    .option(
      '--train-shift <n>',
      'smap-msl: train on every n-th window, 1 = every window as telemanom (default: 2)',
      intFlag('--train-shift', 1),
    )
    .option(
      '--ensemble <n>',
      'smap-msl: models per channel, trained with seeds --seed and the next ones; the threshold runs on the mean of their errors (default: 1)',
      intFlag('--ensemble', 1),
    )
    .option(
      '--max-train <n>',
      'mnist, fashion-mnist, cifar10: at most this many training images per class (default: all; --quick: 200)',
      intFlag('--max-train', 2),
    )
    .option(
      '--train-share <x>',
      "cifar10 without training images: the share of a class's test images that trains (default: 0.8)",
      fractionFlag('--train-share'),
    )
    .addOption(
      new Option(
        '--series-set <name>',
        'series: development (the draw the defaults were chosen on, halves A and B; 5 per source) or holdout (set C: series outside that draw, every detector with its defaults; 8 per source); $NORMALCY_SERIES_PER_SOURCE sets the count',
      )
        .choices(SERIES_SETS)
        .default('development'),
    )
    .option(
      '--set <detector.field=value>',
      "mnist, fashion-mnist, cifar10, dsads, smap-msl: a config field of one detector, value as JSON (e.g. geom.shift=2, amsl.patience=5, forecaster.residual=true); repeatable (default: the benchmark's own)",
      detectorSetFlag('--set'),
    )
    .option(
      '--holdout',
      'mnist, fashion-mnist: run the development protocol on the training split only, leaving the test split unseen (for choosing settings) (default: off)',
    )
    .addHelpText(
      'after',
      `\nBenchmarks:\n${benchmarks
        .map((b) => `  ${b.name.padEnd(14)} ${b.describe}`)
        .join(
          '\n',
        )}\n\nExamples:\n  normalcy bench sine --out bench-out/sine --quick\n  normalcy bench nab --out bench-out/nab --json\n  normalcy bench series --series-set holdout --out bench-out/series-c\n  normalcy bench cifar10 --out bench-out/cifar10 --classes 3,8 --seeds 3\n  normalcy bench smap-msl --out bench-out/smap-msl --channels P-1,M-6 --hidden 32 --epochs 35 --train-shift 1`,
    )
    .action(async (name: string, flags: BenchFlags) => {
      const { summary } = await findBenchmark(name).run({
        dataDir: flags.dataDir ?? defaultDataDir(),
        dataDirGiven: flags.dataDir !== undefined,
        out: flags.out,
        quick: flags.quick === true,
        seed: flags.seed,
        workers: flags.workers,
        ...(flags.redis !== undefined && { redis: flags.redis, queue: flags.queue }),
        persons: flags.persons,
        seriesSet: flags.seriesSet,
        set: flags.set,
        images: {
          classes: flags.classes,
          seeds: flags.seeds,
          detectors: flags.detectors?.split(',').map((d) => d.trim()),
          epochs: flags.epochs,
          maxTrain: flags.maxTrain,
          trainShare: flags.trainShare,
          holdout: flags.holdout === true,
        },
        smapMsl: {
          channels: flags.channels?.split(',').map((c) => c.trim()),
          hidden: flags.hidden,
          epochs: flags.epochs,
          trainShift: flags.trainShift,
          ensemble: flags.ensemble,
        },
        log: progress,
      });
      const lines = [
        `bench ${name} (${summary.mode}): ${summary.wallSeconds} s wall, peak ${summary.peakRssMiB} MiB; results in ${summary.out}/results.md`,
      ];
      if (flags.json) lines.push(JSON.stringify(summary));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
