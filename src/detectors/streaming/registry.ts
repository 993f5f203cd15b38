// Streaming detectors by name (the batch detectors are in ../STREAMING_DETECTORS.ts): each
// entry creates one and supplies a small config for the conformance suite
// (test/detectors/streaming-conformance.test.ts), so a new one is covered there.
import type { StreamingDetector } from './streaming-detector.js';
import {
  NoveltySurprise,
  NOVELTY_SURPRISE_DEFAULTS,
  NOVELTY_SURPRISE_SCHEMA,
  type NoveltySurpriseConfig,
} from './novelty-surprise.js';
import {
  WindowedLikelihood,
  WINDOWED_LIKELIHOOD_DEFAULTS,
  WINDOWED_LIKELIHOOD_SCHEMA,
  type WindowedLikelihoodConfig,
} from './windowed-likelihood.js';
import { Damp, DAMP_DEFAULTS, DAMP_SCHEMA, type DampConfig } from './damp.js';
import { NamedRegistry, type SchemaEntry } from '../named-registry.js';

export interface StreamingEntry extends SchemaEntry {
  /** `probation`: rows learned before any score (detectors that fix a scale on them). */
  create(config: Record<string, unknown>, probation: number): StreamingDetector;
  /** A config and probation for the conformance suite. */
  conformance: { config: Record<string, unknown>; probation: number };
}

/** The registry itself: names, entries, config checks (`validate`) and `--help` text (`describeFields`). */
export const STREAMING_DETECTORS = new NamedRegistry<StreamingEntry>('streaming detector', [
  [
    'novelty-surprise',
    {
      create: (c, probation) =>
        new NoveltySurprise(c as Partial<NoveltySurpriseConfig>, Math.max(1, probation)),
      describe: 'surprise at value bins, hour-of-day bins or coarse shapes never seen before',
      schema: NOVELTY_SURPRISE_SCHEMA,
      defaults: NOVELTY_SURPRISE_DEFAULTS,
      conformance: { config: {}, probation: 200 },
    },
  ],
  [
    'windowed-likelihood',
    {
      create: (c) => new WindowedLikelihood(c as Partial<WindowedLikelihoodConfig>),
      describe: 'tail probability of the short-term mean of robust z-scores (NAB baseline)',
      schema: WINDOWED_LIKELIHOOD_SCHEMA,
      defaults: WINDOWED_LIKELIHOOD_DEFAULTS,
      conformance: { config: {}, probation: 200 },
    },
  ],
  [
    'damp',
    {
      create: (c, probation) => new Damp(c as Partial<DampConfig>, Math.max(1, probation)),
      describe:
        'streaming left discords: distance of the window ending on each row to its nearest past window',
      schema: DAMP_SCHEMA,
      defaults: DAMP_DEFAULTS,
      conformance: { config: {}, probation: 200 },
    },
  ],
]);

export function streamingDetectorNames(): string[] {
  return STREAMING_DETECTORS.names();
}

/** The entry of `name`; a ConfigError listing the known streaming detectors otherwise. */
export function streamingDetectorEntry(name: string): StreamingEntry {
  return STREAMING_DETECTORS.get(name);
}

export function createStreamingDetector(
  name: string,
  config: Record<string, unknown> = {},
  probation = 1,
): StreamingDetector {
  return STREAMING_DETECTORS.get(name).create(config, probation);
}

export function registerStreamingDetector(name: string, entry: StreamingEntry): void {
  STREAMING_DETECTORS.set(name, entry);
}
