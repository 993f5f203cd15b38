// The list of CLI commands. Each entry adds one subcommand to the program.
import type { Command } from 'commander';
import { registerNabScore } from './nab-score.js';
import { registerBench } from './bench.js';
import { registerTrain } from './train.js';
import { registerScore } from './score.js';
import { registerDetect } from './detect.js';
import { registerExplain } from './explain.js';
import { registerEvaluate } from './evaluate.js';
import { registerDemo } from './demo.js';
import { registerThreshold } from './threshold.js';
import { registerFeaturize } from './featurize.js';
import { registerReport } from './report.js';
import { registerTsne } from './tsne.js';
import { registerWorkflow } from './workflow.js';
import { registerStream } from './stream.js';
import { registerFleet } from './fleet.js';
import { registerWatch } from './watch.js';
import { registerServe } from './serve.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerTrain,
  registerScore,
  registerDetect,
  registerExplain,
  registerThreshold,
  registerEvaluate,
  registerReport,
  registerTsne,
  registerFeaturize,
  registerStream,
  registerWatch,
  registerServe,
  registerNabScore,
  registerBench,
  registerFleet,
  registerWorkflow,
  registerDemo,
];
