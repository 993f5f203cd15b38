// How many threads torch uses and how its idle threads wait: chosen once, when
// the addon loads, so a process shares a busy machine instead of fighting it.
//
// libtorch parallelises with OpenMP (libgomp). By default libgomp's idle
// worker threads busy-wait; on a machine doing anything else they spin on
// cores other work needs, and each parallel region waits for a worker that
// is not scheduled. Measured here (LSTM 64, 2 threads, beside other work):
// 22 s per epoch slice with the default policy, 1.5 s with
// OMP_WAIT_POLICY=PASSIVE. libgomp reads the variable once, when it is
// loaded, so it must be in the environment before the addon is.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export type ThreadSource = 'NORMALCY_THREADS' | 'auto' | 'setNumThreads';

/** The engine's threading, as chosen at load (and changed by setNumThreads). */
export interface ThreadingInfo {
  /** torch's intra-op thread count now. */
  threads: number;
  /** Who chose it: the NORMALCY_THREADS variable, the automatic rule, or a setNumThreads call. */
  chosenBy: ThreadSource;
  /** Cores this process may run on. */
  cores: number;
  /** Threads elsewhere wanting a core when the count was chosen (see busyElsewhere). */
  busyElsewhere: number;
  /** OMP_WAIT_POLICY as libgomp read it at load. */
  ompWaitPolicy: string;
  /** Whether that policy is normalcy's default or came from the environment. */
  ompWaitPolicyFrom: 'normalcy default' | 'environment';
  /** Which library runs libtorch's float matrix products (NORMALCY_GEMM; native/gemm_route.cc). */
  gemm: 'onednn' | 'openblas';
}

/**
 * The automatic thread count: the cores not busy with other work (cores minus
 * the runnable threads elsewhere, rounded), at least 1, at most the cores. On
 * a quiet 2-core machine that is 2; beside one other busy process, 1.
 */
export function autoThreadCount(cores = availableParallelism(), busy = busyElsewhere()): number {
  const free = Math.round(cores - Math.max(0, busy));
  return Math.min(cores, Math.max(1, free));
}

const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * How many threads of other processes want a core now: the mean over a few
 * samples (about 15 ms) of the runnable count in /proc/loadavg, minus this
 * process's own runnable threads at the same instant. Our own threads must
 * not count: just after a fit or a scoring call torch's worker threads are
 * still winding down, and counting them made a quiet 2-core machine look half
 * busy (the rule then chose 1 thread). The 1-minute load average lags by a
 * minute (it still counts a job that just ended, and not one that just
 * started), so it is only the fallback where /proc/loadavg is missing (macOS).
 */
export function busyElsewhere(
  samples = 8,
  read: () => string = () => readFileSync('/proc/loadavg', 'utf8'),
  ownRunnable: () => number = runnableThreadsOfThisProcess,
): number {
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    let running: number;
    try {
      running = Number(/ (\d+)\/\d+ /.exec(read())?.[1]);
    } catch {
      running = NaN;
    }
    if (!Number.isFinite(running)) return loadavg()[0] ?? 0;
    // At least this thread, which is running while it reads.
    sum += Math.max(0, running - Math.max(1, ownRunnable()));
    if (i < samples - 1) sleepMs(2);
  }
  return sum / samples;
}

/** Threads of this process in state R (running or runnable), from /proc/self/task; 1 where unreadable. */
export function runnableThreadsOfThisProcess(): number {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 1;
  }
  let running = 0;
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      // The state follows the command name, which is in parentheses and may hold spaces.
      if (stat[stat.lastIndexOf(')') + 2] === 'R') running++;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return Math.max(1, running);
}

/**
 * NORMALCY_THREADS: unset, empty or `auto` = the automatic rule; otherwise a
 * positive integer. Anything else is an error naming the variable.
 */
export function threadsFromEnvironment(value: string | undefined): number | 'auto' {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`NORMALCY_THREADS must be a positive integer or "auto", got "${value}"`);
  return n;
}

/**
 * Puts OMP_WAIT_POLICY=PASSIVE into the process environment unless the user
 * set a policy; call before the addon (and so libgomp) is loaded.
 */
export function applyWaitPolicy(env: NodeJS.ProcessEnv = process.env): {
  policy: string;
  from: ThreadingInfo['ompWaitPolicyFrom'];
} {
  const given = env.OMP_WAIT_POLICY;
  if (given !== undefined && given.trim() !== '') return { policy: given, from: 'environment' };
  env.OMP_WAIT_POLICY = 'PASSIVE';
  return { policy: 'PASSIVE', from: 'normalcy default' };
}
