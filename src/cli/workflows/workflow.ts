// A workflow is one user's end-to-end path (data in, model, thresholds,
// tables and plots out), driven by a YAML or JSON config from examples/.
export interface WorkflowContext {
  /** Parsed config file (paths in it are relative to the config file's folder). */
  config: Record<string, unknown>;
  /** Folder of the config file, for resolving relative paths. */
  baseDir: string;
  /** Output folder (created by the runner). */
  out: string;
  seed: number;
  /** Small, fast version for tests. */
  quick: boolean;
  log: (message: string) => void;
}

export interface WorkflowResult {
  /** Headline numbers, also written to <out>/summary.json. */
  summary: Record<string, unknown>;
  /** Files written, for the final listing. */
  files: string[];
}

export interface Workflow {
  name: string;
  description: string;
  run(ctx: WorkflowContext): Promise<WorkflowResult>;
}
