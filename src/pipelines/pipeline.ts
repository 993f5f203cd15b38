// A pipeline is one end-to-end run of the library: data in, models, thresholds,
// tables, charts and result files out. Workflows (driven by a config file from
// examples/) and benchmark protocols (a published protocol on a shared dataset)
// are both pipelines, so the CLI, scripts and tests call them the same way.

/** What every pipeline receives. */
export interface PipelineContext {
  /** Output folder (created by the pipeline). */
  out: string;
  /** The seed of every random choice: the same seed repeats the run. */
  seed: number;
  /** A small, fast version that checks the pipeline (its numbers are not comparable). */
  quick: boolean;
  /** A progress line (the CLI writes it to stderr). */
  log: (message: string) => void;
}

/** What every pipeline hands back. */
export interface PipelineResult {
  /** Headline numbers (also written to a summary file in `out`). */
  summary: Record<string, unknown>;
  /** Files written, for the final listing. */
  files: string[];
}

export interface Pipeline<C extends PipelineContext = PipelineContext> {
  name: string;
  /** One line for `--help` listings. */
  describe: string;
  run(ctx: C): Promise<PipelineResult>;
}
