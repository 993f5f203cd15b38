// Streaming detectors by name (the batch detectors are in ../registry.ts): each
// entry creates one and supplies a small config for the conformance suite
// (test/detectors/streaming-conformance.test.ts), so a new one is covered there.
import type { StreamingDetector } from './streaming-detector.js';
import {
  NoveltySurprise,
  NOVELTY_SURPRISE_DEFAULTS,
  type NoveltySurpriseConfig,
} from './novelty-surprise.js';
import {
  WindowedLikelihood,
  WINDOWED_LIKELIHOOD_DEFAULTS,
  type WindowedLikelihoodConfig,
} from './windowed-likelihood.js';
import { Damp, DAMP_DEFAULTS, type DampConfig } from './damp.js';
import { ConfigError } from '../../config/errors.js';

export interface StreamingEntry {
  /** `probation`: rows learned before any score (detectors that fix a scale on them). */
  create(config: Record<string, unknown>, probation: number): StreamingDetector;
  describe: string;
  defaults: object;
  /** A config and probation for the conformance suite. */
  conformance: { config: Record<string, unknown>; probation: number };
}

const registry = new Map<string, StreamingEntry>([
  [
    'novelty-surprise',
    {
      create: (c, probation) =>
        new NoveltySurprise(c as Partial<NoveltySurpriseConfig>, Math.max(1, probation)),
      describe: 'surprise at value bins, hour-of-day bins or coarse shapes never seen before',
      defaults: NOVELTY_SURPRISE_DEFAULTS,
      conformance: { config: {}, probation: 200 },
    },
  ],
  [
    'windowed-likelihood',
    {
      create: (c) => new WindowedLikelihood(c as Partial<WindowedLikelihoodConfig>),
      describe: 'tail probability of the short-term mean of robust z-scores (NAB baseline)',
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
      defaults: DAMP_DEFAULTS,
      conformance: { config: {}, probation: 200 },
    },
  ],
]);

export function streamingDetectorNames(): string[] {
  return [...registry.keys()];
}

/** The entry of `name`; a ConfigError listing the known streaming detectors otherwise. */
export function streamingDetectorEntry(name: string): StreamingEntry {
  const e = registry.get(name);
  if (!e)
    throw new ConfigError(
      `unknown streaming detector '${name}' (available: ${streamingDetectorNames().join(', ')})`,
    );
  return e;
}

export function createStreamingDetector(
  name: string,
  config: Record<string, unknown> = {},
  probation = 1,
): StreamingDetector {
  return streamingDetectorEntry(name).create(config, probation);
}

export function registerStreamingDetector(name: string, entry: StreamingEntry): void {
  registry.set(name, entry);
}
