// `normalcy workflow <name>`: parses the flags and runs one of the workflow
// pipelines of examples/ (src/pipelines/workflows).
import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { findWorkflow, workflows } from '../../pipelines/index.js';
import { intFlag, progress, readConfigFile } from '../common.js';
import { DEFAULT_SEED } from '../../data/random.js';

export function registerWorkflow(program: Command): void {
  program
    .command('workflow')
    .description('run an end-to-end workflow (see examples/)')
    .argument('<name>', 'workflow name')
    .requiredOption(
      '--config <file>',
      'workflow config (YAML or JSON), e.g. examples/sine/config.yaml (required)',
    )
    .option('--out <dir>', 'output folder', 'workflow-out')
    .option('--seed <n>', 'random seed', intFlag('--seed', 0), DEFAULT_SEED)
    .option('--quick', 'a small, fast version (used by the tests) (default: off)')
    .option('--json', 'end with one JSON line of the summary (default: off)')
    .addHelpText(
      'after',
      () =>
        `\nWorkflows:\n${workflows.map((w) => `  ${w.name.padEnd(18)} ${w.describe}`).join('\n')}\n\nExample:\n  normalcy workflow sine --config examples/sine/config.yaml --out sine-out`,
    )
    .action(
      async (
        name: string,
        f: { config: string; out: string; seed: number; quick?: boolean; json?: boolean },
      ) => {
        const workflow = findWorkflow(name);
        const { summary, files } = await workflow.run({
          config: readConfigFile(f.config),
          baseDir: dirname(resolve(f.config)),
          out: resolve(f.out),
          seed: f.seed,
          quick: !!f.quick,
          log: progress,
        });
        console.log(`${name} finished in ${String(summary.seconds)} s; wrote:`);
        for (const file of files) console.log(`  ${file}`);
        if (f.json) console.log(JSON.stringify(summary));
      },
    );
}
