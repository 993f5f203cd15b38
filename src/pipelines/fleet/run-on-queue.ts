// A batch of jobs run through the fleet instead of a local process pool: submitted
// under one run id, results awaited, returned in submission order. The workers are
// started elsewhere (`normalcy worker --redis URL`), on this machine or others.
import { submitRun, waitForRun, type FleetOptions } from './queue.js';

export async function runOnQueue<D, R>(
  options: FleetOptions,
  kind: string,
  run: string,
  jobs: readonly { id: string; data: D }[],
  onResult: (id: string, result: R, done: number, total: number) => void = () => {},
): Promise<R[]> {
  await submitRun(
    options,
    run,
    jobs.map((j) => ({ kind, id: j.id, data: j.data })),
  );
  const results = await waitForRun<R>(options, run, onResult);
  return jobs.map((j) => results.get(j.id)!);
}
