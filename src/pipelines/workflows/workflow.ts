// A workflow is one user's end-to-end path (data in, model, thresholds,
// tables and plots out), driven by a YAML or JSON config from examples/.
import { makeDirs } from '../../io/make-dirs.js';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { Pipeline, PipelineContext, PipelineResult } from '../pipeline.js';

export interface WorkflowContext extends PipelineContext {
  /** Parsed config file (paths in it are relative to the config file's folder). */
  config: Record<string, unknown>;
  /** Folder of the config file, for resolving relative paths. */
  baseDir: string;
}

export type WorkflowResult = PipelineResult;

export interface Workflow extends Pipeline<WorkflowContext> {
  kind: 'workflow';
}

/**
 * A workflow pipeline from its body: the run creates `out`, and adds the run's
 * name, seed, mode and seconds to the summary, written to `<out>/summary.json`.
 */
export function defineWorkflow(
  name: string,
  describe: string,
  body: (ctx: WorkflowContext) => Promise<WorkflowResult>,
): Workflow {
  return {
    kind: 'workflow',
    name,
    describe,
    async run(ctx) {
      makeDirs(ctx.out);
      const started = performance.now();
      const result = await body(ctx);
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        workflow: name,
        seed: ctx.seed,
        quick: ctx.quick,
        seconds: +seconds.toFixed(1),
        ...result.summary,
      };
      const path = join(ctx.out, 'summary.json');
      writeFileAtomic(path, JSON.stringify(summary, null, 2) + '\n');
      return { summary, files: [...result.files, path] };
    },
  };
}
