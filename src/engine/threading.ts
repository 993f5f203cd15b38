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
  /** The 1-minute load average when the addon loaded. */
  loadAverage: number;
  /** OMP_WAIT_POLICY as libgomp read it at load. */
  ompWaitPolicy: string;
  /** Whether that policy is normalcy's default or came from the environment. */
  ompWaitPolicyFrom: 'normalcy default' | 'environment';
}

/**
 * The automatic thread count: the cores not busy with other work (cores minus
 * the 1-minute load average, rounded), at least 1, at most the cores. On a
 * quiet 2-core machine that is 2; beside one other busy process, 1.
 */
export function autoThreadCount(cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  const free = Math.round(cores - Math.max(0, load));
  return Math.min(cores, Math.max(1, free));
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
