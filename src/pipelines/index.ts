// The registry of pipelines: every workflow and benchmark protocol by name.
// Add a new one in its own file under workflows/ or benchmarks/ and list it here.
import { ConfigError } from '../config/errors.js';
import type { Workflow } from './workflows/workflow.js';
import type { Benchmark } from './benchmarks/benchmark.js';
import { defineBenchmark } from './benchmarks/benchmark.js';
import { amslWorkflow } from './workflows/amsl.js';
import { labelledChannelsWorkflow } from './workflows/labelled-channels.js';
import { spectrumWorkflow } from './workflows/spectrum.js';
import { sineWorkflow } from './workflows/sine.js';
import { imagesWorkflow } from './workflows/images.js';
import { runSine } from './benchmarks/sine.js';
import { runNab } from './benchmarks/nab.js';
import { runSeries } from './benchmarks/series.js';
import { runMnist, runFashionMnist, runCifar10 } from './benchmarks/one-class-images.js';
import { runDsads } from './benchmarks/dsads.js';
import { runSmapMsl } from './benchmarks/smap-msl.js';
import { runIncidents } from './benchmarks/incidents.js';

export type { Pipeline, PipelineContext, PipelineResult } from './pipeline.js';
export type { Workflow, WorkflowContext } from './workflows/workflow.js';
export type { Benchmark } from './benchmarks/benchmark.js';
export type { BenchContext } from './benchmarks/run-record.js';
export { defineWorkflow } from './workflows/workflow.js';
export { defineBenchmark } from './benchmarks/benchmark.js';
export { defaultDataDir } from './benchmarks/run-record.js';

export type AnyPipeline = Workflow | Benchmark;

export const PIPELINES: readonly AnyPipeline[] = [
  amslWorkflow,
  labelledChannelsWorkflow,
  spectrumWorkflow,
  sineWorkflow,
  imagesWorkflow,
  defineBenchmark('sine', 'dense, LSTM and GRU forecasters on the noisy sine', runSine),
  defineBenchmark(
    'mnist',
    'every image detector one-class per digit, 3 seeds, AUC-ROC beside Deep SVDD and OC-SVM',
    runMnist,
  ),
  defineBenchmark(
    'fashion-mnist',
    'every image detector one-class per Fashion-MNIST class, beside GEOM (apt-get install dataset-fashion-mnist)',
    runFashionMnist,
  ),
  defineBenchmark(
    'cifar10',
    'every image detector one-class per CIFAR-10 class (development protocol on the test split), beside OC-SVM, Deep SVDD, GEOM',
    runCifar10,
  ),
  defineBenchmark('dsads', 'AMSL on DSADS, AMSL protocol, beside the published AMSL row', runDsads),
  defineBenchmark(
    'smap-msl',
    'telemanom protocol: LSTM per channel + dynamic threshold, event-level F1',
    runSmapMsl,
  ),
  defineBenchmark(
    'incidents',
    'incidents on the sine demo and generated service metrics: precision, recall, culprits, realised FPR',
    runIncidents,
  ),
  defineBenchmark(
    'series',
    'every detector and auto on SMAP/MSL channels and NAB files: AUC-PR, VUS-PR, top-1; variants chosen on one half, reported on the other',
    runSeries,
  ),
  defineBenchmark(
    'nab',
    'streaming novelty-surprise detector (and the windowed-likelihood baseline) scored with nabScore',
    runNab,
  ),
];

export const workflows: readonly Workflow[] = PIPELINES.filter(
  (p): p is Workflow => p.kind === 'workflow',
);
export const benchmarks: readonly Benchmark[] = PIPELINES.filter(
  (p): p is Benchmark => p.kind === 'benchmark',
);

function find<P extends AnyPipeline>(list: readonly P[], kind: string, name: string): P {
  const found = list.find((p) => p.name === name);
  if (!found)
    throw new ConfigError(
      `unknown ${kind} '${name}' (available: ${list.map((p) => p.name).join(', ') || 'none'})`,
    );
  return found;
}

/** The workflow called `name`; a ConfigError listing the known ones otherwise. */
export function findWorkflow(name: string): Workflow {
  return find(workflows, 'workflow', name);
}

/** The benchmark called `name`; a ConfigError listing the known ones otherwise. */
export function findBenchmark(name: string): Benchmark {
  return find(benchmarks, 'benchmark', name);
}
