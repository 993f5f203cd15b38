// `normalcy workflow <name>`: runs one of the end-to-end workflows of examples/.
import type { Command } from 'commander';
import { dirname, resolve, join } from 'node:path';
import { makeDirs } from '../../io/make-dirs.js';
import { workflows } from '../workflows/index.js';
import { intFlag, progress, readConfigFile, UsageError } from '../common.js';
import { writeFileAtomic } from '../../io/atomic-write.js';

export function registerWorkflow(program: Command): void {
  program
    .command('workflow')
    .description('run an end-to-end workflow (see examples/)')
    .argument('<name>', 'workflow name')
    .requiredOption(
      '--config <file>',
      'workflow config (YAML or JSON), e.g. examples/sine/config.yaml',
    )
    .option('--out <dir>', 'output folder', 'workflow-out')
    .option('--seed <n>', 'random seed', intFlag('--seed', 0), 0)
    .option('--quick', 'a small, fast version (used by the tests)')
    .option('--json', 'end with one JSON line of the summary')
    .addHelpText(
      'after',
      () =>
        `\nWorkflows:\n${workflows.map((w) => `  ${w.name.padEnd(18)} ${w.description}`).join('\n')}\n\nExample:\n  normalcy workflow sine --config examples/sine/config.yaml --out sine-out`,
    )
    .action(
      async (
        name: string,
        f: { config: string; out: string; seed: number; quick?: boolean; json?: boolean },
      ) => {
        const wf = workflows.find((w) => w.name === name);
        if (!wf)
          throw new UsageError(
            `unknown workflow '${name}' (available: ${workflows.map((w) => w.name).join(', ') || 'none'})`,
          );
        const config = readConfigFile(f.config);
        const out = resolve(f.out);
        makeDirs(out);
        const started = performance.now();
        const result = await wf.run({
          config,
          baseDir: dirname(resolve(f.config)),
          out,
          seed: f.seed,
          quick: !!f.quick,
          log: progress,
        });
        const seconds = (performance.now() - started) / 1000;
        const summary = {
          workflow: name,
          seed: f.seed,
          quick: !!f.quick,
          seconds: +seconds.toFixed(1),
          ...result.summary,
        };
        writeFileAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
        console.log(`${name} finished in ${seconds.toFixed(1)} s; wrote:`);
        for (const file of [...result.files, join(out, 'summary.json')]) console.log(`  ${file}`);
        if (f.json) console.log(JSON.stringify(summary));
      },
    );
}
