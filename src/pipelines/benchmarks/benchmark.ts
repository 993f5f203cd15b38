// A benchmark pipeline: a published protocol on a shared dataset. Its protocol
// returns our numbers beside the published ones; the pipeline adds the run
// record and writes results.json and results.md into `out`.
import { makeDirs } from '../../io/make-dirs.js';
import { join, resolve } from 'node:path';
import type { Pipeline } from '../pipeline.js';
import { runBenchmark, type BenchContext, type BenchOutcome } from './run-record.js';

export interface Benchmark extends Pipeline<BenchContext> {
  kind: 'benchmark';
}

export function defineBenchmark(
  name: string,
  describe: string,
  protocol: (ctx: BenchContext) => Promise<BenchOutcome>,
): Benchmark {
  return {
    kind: 'benchmark',
    name,
    describe,
    async run(ctx) {
      makeDirs(ctx.out);
      const summary = await runBenchmark(name, ctx, protocol);
      const out = resolve(ctx.out);
      return { summary, files: [join(out, 'results.json'), join(out, 'results.md')] };
    },
  };
}
