// `normalcy fleet submit|status|collect` and `normalcy worker`: many series or channels
// as BullMQ jobs on Redis, run by workers on any number of machines
// (src/pipelines/fleet). The queue library loads only when one of these runs.
import type { Command } from 'commander';
import { intFlag, progress, UsageError } from '../common.js';

interface FleetFlags {
  redis: string;
  queue: string;
}

async function fleet() {
  return {
    ...(await import('../../pipelines/fleet/plan.js')),
    ...(await import('../../pipelines/fleet/queue.js')),
    ...(await import('../../pipelines/fleet/collect.js')),
    ...(await import('../../pipelines/fleet/worker.js')),
  };
}

const REDIS_HELP = 'Redis URL, e.g. redis://127.0.0.1:6379 (required)';

export function registerFleet(program: Command): void {
  const group = program
    .command('fleet')
    .description(
      'run a plan of many series/channels as jobs on Redis (BullMQ); see also `normalcy worker`',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy fleet submit --plan plan.yaml --redis redis://127.0.0.1:6379\n  normalcy fleet status --run plant --redis redis://127.0.0.1:6379\n  normalcy fleet collect --run plant --redis redis://127.0.0.1:6379 --out duckdb:results.db',
    );

  group
    .command('submit')
    .description(
      'enqueue one job per series (or per listed channel) of a plan: train, threshold, score, incidents',
    )
    .requiredOption(
      '--plan <file>',
      'plan (YAML or JSON): run, models, detector, config, fpr, seed, series',
    )
    .requiredOption('--redis <url>', REDIS_HELP)
    .option('--queue <name>', 'queue name', 'normalcy')
    .addHelpText(
      'after',
      `
Example plan.yaml:
  run: plant-2024
  models: /shared/models          # each model saved atomically under models/run/series[/channel]
  detector: pca
  config: { window: 10 }
  fpr: 0.01
  series:
    - name: pump7
      train: { data: duckdb:/shared/plant.db, table: pump7_train }
      test: { data: duckdb:/shared/plant.db, table: pump7 }
      channels: [pressure, flow]  # one job per channel (default: one job, all columns)

Job ids are run/series[/channel]: submitting the same run again adds nothing twice.`,
    )
    .action(async (f: FleetFlags & { plan: string }) => {
      const { readPlan, planJobs, submitRun, PlanError } = await fleet();
      let plan;
      try {
        plan = readPlan(f.plan);
      } catch (err) {
        if (err instanceof PlanError) throw new UsageError(err.message);
        throw err;
      }
      const jobs = planJobs(plan).map((job) => ({ kind: 'channel', id: job.id, data: job }));
      const { added, existing } = await submitRun(
        { redis: f.redis, queue: f.queue },
        plan.run,
        jobs,
      );
      console.log(
        `run ${plan.run}: ${added} job(s) submitted${existing ? `, ${existing} already there` : ''} on queue ${f.queue}`,
      );
    });

  group
    .command('status')
    .description("show a run's progress: jobs waiting, active, completed, failed")
    .requiredOption('--run <name>', 'run name (the plan’s run)')
    .requiredOption('--redis <url>', REDIS_HELP)
    .option('--queue <name>', 'queue name', 'normalcy')
    .option('--json', 'print the status as JSON')
    .action(async (f: FleetFlags & { run: string; json?: boolean }) => {
      const { runStatus } = await fleet();
      const status = await runStatus({ redis: f.redis, queue: f.queue }, f.run);
      if (f.json) {
        console.log(JSON.stringify(status));
        return;
      }
      const counts = Object.entries(status.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      console.log(`run ${status.run}: ${status.total} job(s): ${counts}`);
      for (const job of status.jobs) {
        const extra = job.failedReason ? ` (${job.failedReason})` : '';
        console.log(
          `  ${job.id.padEnd(30)} ${job.state.padEnd(10)} attempts ${job.attempts}${extra}`,
        );
      }
    });

  group
    .command('collect')
    .description(
      'wait for a run to finish and write its scores and incidents (models are in the plan’s models directory)',
    )
    .requiredOption('--run <name>', 'run name (the plan’s run)')
    .requiredOption('--redis <url>', REDIS_HELP)
    .requiredOption(
      '--out <target>',
      'a directory (scores/*.csv, incidents.json, summary.json) or a database: duckdb:FILE.db, postgres://... (tables scores, incidents)',
    )
    .option('--queue <name>', 'queue name', 'normalcy')
    .action(async (f: FleetFlags & { run: string; out: string }) => {
      const { collectRun } = await fleet();
      const summary = await collectRun({ redis: f.redis, queue: f.queue }, f.run, f.out, progress);
      console.log(
        `run ${summary.run}: ${summary.jobs} job(s), ${summary.incidents} incident(s) written to ${summary.out}; models: ${summary.models.length}`,
      );
    });

  program
    .command('worker')
    .description(
      'take fleet jobs from Redis and run them, until stopped (SIGINT/SIGTERM finish the jobs in hand)',
    )
    .requiredOption('--redis <url>', REDIS_HELP)
    .option('--queue <name>', 'queue name', 'normalcy')
    .option('--concurrency <n>', 'jobs at once in this process', intFlag('--concurrency'), 1)
    .option(
      '--lock-seconds <n>',
      'how long a job stays locked without renewal: how soon the job of a dead worker is retried',
      intFlag('--lock-seconds'),
      30,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  normalcy worker --redis redis://127.0.0.1:6379\n  normalcy worker --redis redis://queue-host:6379 --concurrency 2 --lock-seconds 60',
    )
    .action(async (f: FleetFlags & { concurrency: number; lockSeconds: number }) => {
      const { startWorker } = await fleet();
      const worker = await startWorker({
        redis: f.redis,
        queue: f.queue,
        concurrency: f.concurrency,
        lockSeconds: f.lockSeconds,
        log: progress,
      });
      progress(
        `worker ${process.pid}: waiting for jobs on ${f.queue} (concurrency ${f.concurrency})`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          progress(`worker ${process.pid}: stopping after the jobs in hand`);
          void worker.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
