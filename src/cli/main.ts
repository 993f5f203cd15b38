#!/usr/bin/env node
// The `normalcy` command line: every command lives in its own file under
// ./commands and registers itself on the program here.
import { Command } from 'commander';
import { commands } from './commands/index.js';
import { packageVersion } from '../version.js';
import { paint, UsageError } from './common.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('normalcy')
    .description('Unsupervised anomaly detection: learn normal, score, threshold, explain, report.')
    .version(packageVersion())
    .showHelpAfterError()
    // Set before the commands are added so that they inherit it.
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  normalcy train --detector forecaster --data normal.csv --out model/
  normalcy report --model model/ --data test.csv --labels labels.json --out report/
  normalcy <command> --help

Exit codes:
  0  success
  1  runtime failure (bad or missing data, failed training, unreadable model)
  2  usage error (unknown command or option, missing or invalid option value)

Progress bars are drawn on stderr only when it is a terminal; NO_COLOR turns
colour off.`,
    );
  for (const register of commands) register(program);
  return program;
}

// Exit codes: 0 success, 1 runtime failure (bad data, failed training), 2 usage error.
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    process.stderr.write(`${paint('normalcy:', 31)} ${e.message ?? String(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly || process.argv[1]?.endsWith('/normalcy')) {
  // A reader that stops early (`normalcy --help | head`, `watch ... | head -n 5`) closes
  // the pipe: stop quietly, as Unix tools do, instead of dying on an unhandled EPIPE.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
