// The fleet's queue on BullMQ: jobs submitted under deterministic ids (run/id), so a
// resubmitted run adds nothing twice; retried on failure; a job whose worker died is
// found stalled when its lock lapses and handed to another worker. A run's job ids are
// kept in Redis, so status and collect work from any machine.
import { Queue, QueueEvents, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { checkRedis, displayRedis, redisOptions } from './redis.js';
import { decodeTyped, encodeTyped } from './typed-json.js';

export const DEFAULT_QUEUE = 'normalcy';

/** Attempts per job (a stalled job, whose worker died, is moved back without using one). */
export const JOB_ATTEMPTS = 3;

export interface FleetOptions {
  redis: string;
  /** Queue name (default 'normalcy'); workers must use the same. */
  queue?: string;
}

/** A job to submit: its kind (the worker's handler), id within the run, and data. */
export interface FleetJob {
  kind: string;
  id: string;
  data: unknown;
}

export type JobState =
  | 'waiting'
  | 'active'
  | 'completed'
  | 'failed'
  | 'delayed'
  | 'prioritized'
  | 'waiting-children'
  | 'unknown';

export interface RunStatus {
  run: string;
  kind: string;
  total: number;
  counts: Partial<Record<JobState, number>>;
  jobs: { id: string; state: JobState; attempts: number; failedReason?: string }[];
}

const JOB_OPTIONS: JobsOptions = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'fixed', delay: 1000 },
  removeOnComplete: false,
  removeOnFail: false,
};

export function jobId(run: string, id: string): string {
  return `${run}/${id}`;
}

function runKey(queue: string, run: string): string {
  return `normalcy:fleet:${queue}:run:${run}`;
}

/** BullMQ's connection settings for the --redis URL. */
export function connection(url: string): ConnectionOptions {
  return redisOptions(url) as ConnectionOptions;
}

/** Opens the queue after checking the server answers (a clear error otherwise). */
export async function openQueue(options: FleetOptions): Promise<Queue> {
  await checkRedis(options.redis);
  const queue = new Queue(options.queue ?? DEFAULT_QUEUE, {
    connection: connection(options.redis),
  });
  queue.on('error', () => {});
  return queue;
}

/** Runs `fn` with a plain Redis connection (for the run records). */
async function withRedis<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(redisOptions(url));
  client.on('error', () => {});
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** Submits a run's jobs (ids already present are left as they are) and records the run. */
export async function submitRun(
  options: FleetOptions,
  run: string,
  jobs: readonly FleetJob[],
): Promise<{ added: number; existing: number }> {
  const queue = await openQueue(options);
  try {
    const ids = jobs.map((j) => j.id);
    if (new Set(ids).size !== ids.length) throw new Error(`run ${run}: job ids repeat`);
    const record = {
      run,
      kinds: [...new Set(jobs.map((j) => j.kind))],
      ids,
      submittedAt: new Date().toISOString(),
    };
    await withRedis(options.redis, (client) =>
      client.set(runKey(queue.name, run), JSON.stringify(record)),
    );
    let existing = 0;
    for (const job of jobs) {
      const id = jobId(run, job.id);
      if (await queue.getJob(id)) {
        existing++;
        continue;
      }
      await queue.add(job.kind, encodeTyped(job.data), { ...JOB_OPTIONS, jobId: id });
    }
    return { added: jobs.length - existing, existing };
  } finally {
    await queue.close();
  }
}

async function runIds(
  options: FleetOptions,
  queue: Queue,
  run: string,
): Promise<{ ids: string[]; kinds: string[] }> {
  const record = await withRedis(options.redis, (client) => client.get(runKey(queue.name, run)));
  if (record === null)
    throw new Error(`no run '${run}' on queue '${queue.name}' (submit it first)`);
  return JSON.parse(record) as { ids: string[]; kinds: string[] };
}

/** Progress of a run: each job's state and attempts. */
export async function runStatus(options: FleetOptions, run: string): Promise<RunStatus> {
  const queue = await openQueue(options);
  try {
    const { ids, kinds } = await runIds(options, queue, run);
    const counts: Partial<Record<JobState, number>> = {};
    const jobs: RunStatus['jobs'] = [];
    for (const id of ids) {
      const job = await queue.getJob(jobId(run, id));
      const state = (job ? await job.getState() : 'unknown') as JobState;
      counts[state] = (counts[state] ?? 0) + 1;
      jobs.push({
        id,
        state,
        attempts: job?.attemptsMade ?? 0,
        ...(job?.failedReason ? { failedReason: job.failedReason } : {}),
      });
    }
    return { run, kind: kinds.join(', '), total: ids.length, counts, jobs };
  } finally {
    await queue.close();
  }
}

/**
 * Waits until every job of the run has finished and returns the results in id order;
 * a job that failed all its attempts fails the wait with its reason.
 */
export async function waitForRun<R>(
  options: FleetOptions,
  run: string,
  onResult: (id: string, result: R, done: number, total: number) => void = () => {},
): Promise<Map<string, R>> {
  const queue = await openQueue(options);
  const events = new QueueEvents(queue.name, { connection: connection(options.redis) });
  events.on('error', () => {});
  try {
    await events.waitUntilReady();
    const { ids } = await runIds(options, queue, run);
    const results = new Map<string, R>();
    const pending = new Set(ids);
    let failure: Error | undefined;
    let wake: () => void = () => {};
    const check = async (id: string) => {
      if (!pending.has(id)) return;
      const job = await queue.getJob(jobId(run, id));
      if (!job) {
        failure ??= new Error(`run ${run}: job ${id} is missing from the queue`);
        return;
      }
      const state = await job.getState();
      if (state === 'completed' && pending.has(id)) {
        pending.delete(id);
        const result = decodeTyped<R>(job.returnvalue);
        results.set(id, result);
        onResult(id, result, results.size, ids.length);
      } else if (state === 'failed') {
        failure ??= new Error(
          `run ${run}: job ${id} failed after ${job.attemptsMade} attempt(s): ${job.failedReason}`,
        );
      }
    };
    const prefix = `${run}/`;
    const onEvent = ({ jobId: full }: { jobId: string }) => {
      if (!full.startsWith(prefix)) return;
      void check(full.slice(prefix.length)).then(() => wake());
    };
    events.on('completed', onEvent);
    events.on('failed', onEvent);
    for (const id of ids) await check(id);
    while (pending.size > 0 && failure === undefined) {
      // Events wake the wait; the timer re-checks in case one was missed.
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 2000);
      });
      if (pending.size > 0) for (const id of [...pending]) await check(id);
    }
    if (failure) throw failure;
    return new Map(ids.map((id) => [id, results.get(id)!]));
  } finally {
    await events.close();
    await queue.close();
  }
}

export { displayRedis };
