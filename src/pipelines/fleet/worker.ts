// A fleet worker: takes jobs from the queue and runs them in this process, any number
// of such processes on any number of machines. A job is run by its kind's handler;
// the result goes back through Redis. If the process dies mid-job its lock lapses,
// another worker's stalled-job check puts the job back, and it runs again from the
// start (handlers are deterministic and write models atomically, so nothing is lost
// and nothing is half written); BullMQ records one completion.
import { Worker, type Job } from 'bullmq';
import { runSmapJob, type SmapJob } from '../benchmarks/smap-worker.js';
import { runChannelJob } from './channel-job.js';
import type { ChannelJob } from './plan.js';
import { checkRedis } from './redis.js';
import { connection, DEFAULT_QUEUE, type FleetOptions } from './queue.js';
import { decodeTyped, encodeTyped } from './typed-json.js';

/** What each job kind runs. */
export const JOB_KINDS: Record<string, (data: unknown) => Promise<unknown>> = {
  channel: (data) => runChannelJob(data as ChannelJob),
  'smap-channel': (data) => runSmapJob(data as SmapJob),
};

export interface WorkerOptions extends FleetOptions {
  /** Jobs run at once in this process (default 1: torch work is CPU-bound). */
  concurrency?: number;
  /**
   * Seconds a job's lock lasts without renewal (default 30): how soon a job whose
   * worker died is handed to another one. Renewed every half of it while the job runs.
   */
  lockSeconds?: number;
  log?: (message: string) => void;
}

export interface FleetWorker {
  /** Finishes the jobs in hand, then stops. */
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<FleetWorker> {
  await checkRedis(options.redis);
  const log = options.log ?? (() => {});
  const lock = (options.lockSeconds ?? 30) * 1000;
  const worker = new Worker(
    options.queue ?? DEFAULT_QUEUE,
    async (job: Job) => {
      const handler = JOB_KINDS[job.name];
      if (!handler)
        throw new Error(
          `unknown job kind '${job.name}' (known: ${Object.keys(JOB_KINDS).join(', ')})`,
        );
      const t0 = performance.now();
      log(`job ${job.id} (${job.name}) started, attempt ${job.attemptsMade + 1}`);
      const result = await handler(decodeTyped(job.data));
      log(`job ${job.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return encodeTyped(result);
    },
    {
      connection: connection(options.redis),
      concurrency: options.concurrency ?? 1,
      lockDuration: lock,
      stalledInterval: Math.max(1000, Math.floor(lock / 2)),
      // A job may outlive several dead workers before it counts as failed.
      maxStalledCount: 5,
    },
  );
  worker.on('error', (err) => log(`worker: ${err.message}`));
  worker.on('failed', (job, err) => log(`job ${job?.id} failed: ${err.message}`));
  await worker.waitUntilReady();
  return { close: () => worker.close() };
}
