// `normalcy nab-score`: scores a detector's results in NAB layout with NAB's
// application profiles and prints the normalised scores.
import { Option, type Command } from 'commander';
import { loadNabCorpus } from '../../metrics/nab/corpus.js';
import { nabScore } from '../../metrics/nab/score.js';
import type { NabThresholdSearch } from '../../metrics/nab/threshold-search.js';

interface NabScoreFlags {
  data: string;
  results: string;
  detector?: string;
  windows?: string;
  profiles?: string;
  thresholdSearch: NabThresholdSearch;
  json?: boolean;
}

export function registerNabScore(program: Command): void {
  program
    .command('nab-score')
    .description("score a detector's results on the Numenta Anomaly Benchmark, per profile")
    .requiredOption('--data <dir>', 'NAB root holding data/, labels/ and config/')
    .requiredOption(
      '--results <dir>',
      'detector results: <category>/<detector>_<file>.csv with an anomaly_score column (required)',
    )
    .option('--detector <name>', 'detector name in result file names (default: results dir name)')
    .option('--windows <file>', 'label windows (default: <data>/labels/combined_windows.json)')
    .option('--profiles <file>', 'cost matrices (default: <data>/config/profiles.json)')
    .addOption(
      new Option(
        '--threshold-search <how>',
        "'hill-climb' reproduces NAB's published scoreboard; 'exhaustive' finds the global optimum",
      )
        .choices(['hill-climb', 'exhaustive'])
        .default('hill-climb'),
    )
    .option('--json', 'end with one JSON line of the normalised scores (default: off)')
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy nab-score --data NAB/ --results NAB/results/numenta/\n  normalcy nab-score --data NAB/ --results out/mydetector/ --threshold-search exhaustive --json',
    )
    .action((flags: NabScoreFlags) => {
      const corpus = loadNabCorpus({
        nabDir: flags.data,
        resultsDir: flags.results,
        detector: flags.detector,
        windowsFile: flags.windows,
        profilesFile: flags.profiles,
      });
      const scores = nabScore(corpus.files, corpus.profiles, {
        thresholdSearch: flags.thresholdSearch,
      });
      const summary: Record<string, number> = {};
      const lines = [
        `NAB scores of ${corpus.files.length} files (${flags.thresholdSearch} threshold)`,
      ];
      for (const [name, s] of Object.entries(scores)) {
        summary[name] = s.score;
        const thr = Number.isFinite(s.threshold) ? s.threshold.toPrecision(8) : 'none';
        lines.push(
          `${name.padEnd(20)} ${s.score.toFixed(2).padStart(7)}   raw ${s.raw.toFixed(4)}, threshold ${thr}`,
        );
      }
      if (flags.json) lines.push(JSON.stringify(summary));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
