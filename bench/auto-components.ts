// Development data for `auto`'s combination rule: for each series of one half of the
// series harness (`bench series`), every candidate configuration auto tries is fitted on
// the first 70% of the training part (as auto does) and on the whole training part; this
// writes, per series, their scores on the test part, on the held-out 30% (normal data, for
// normalising scores) and their results on auto's synthetic anomalies, with the labels.
// Combination rules are then compared offline (bench/auto_rules.py) on half A only, so the
// rule is never chosen on the series it is reported on.
// Usage: node dist/bench/auto-components.js --half A --out /tmp/auto-dev [--per-source 5]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSeriesCases, seriesHalves } from '../src/pipelines/benchmarks/series.js';
import { createDetector } from '../src/detectors/registry.js';
import { candidateConfigs } from '../src/detectors/auto.js';
import { estimateWindow } from '../src/detectors/discord.js';
import { injectAnomalies, UNIVARIATE_KINDS } from '../src/data/inject.js';
import { createRng } from '../src/data/random.js';
import { sliceRows } from '../src/data/series.js';
import { seriesMetrics } from '../src/metrics/series-metrics.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const halfWanted = arg('--half', 'A');
const out = arg('--out', '/tmp/auto-dev');
const perSource = Number(arg('--per-source', '5'));
const seed = Number(arg('--seed', '1'));
const candidates = arg(
  '--candidates',
  'discord,pca,knn,isolation-forest,rolling-zscore,autoencoder,forecaster',
).split(',');

const ctx = {
  out,
  seed,
  quick: false,
  log: (m: string) => console.error(m),
  dataDir: process.env.NORMALCY_DATASETS ?? '../shared/datasets',
};
mkdirSync(out, { recursive: true });
const cases = loadSeriesCases(ctx, perSource);
const halves = seriesHalves(cases, seed);
const round = (a: Float32Array) => Array.from(a, (v) => Number(v.toPrecision(6)));

for (const c of cases) {
  const half = halves.get(c.name)!;
  if (halfWanted !== 'both' && half !== halfWanted) continue;
  const t0 = performance.now();
  const rng = createRng(seed);
  const cut = Math.floor(c.train.length * 0.7);
  const fitPart = sliceRows(c.train, 0, cut);
  const held = sliceRows(c.train, cut, Math.min(c.train.length, cut + 5000));
  const period = estimateWindow(fitPart.data, fitPart.channels, fitPart.length);
  const copies = UNIVARIATE_KINDS.map((kind) =>
    injectAnomalies(held, kind, {
      count: 3,
      minLength: Math.max(2, Math.floor(period / 2)),
      maxLength: Math.max(4, 2 * period),
      rng,
    }),
  );
  const members: Record<string, unknown> = {};
  const configs = [
    ...candidateConfigs(candidates, period, fitPart.length),
    // The harness's defaults, for reference.
    { detector: 'discord', config: {} },
    { detector: 'pca', config: {} },
  ];
  for (const cand of configs) {
    const label = `${cand.detector}(${Object.entries(cand.config)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')})`;
    try {
      const part = createDetector(cand.detector, cand.config);
      await part.fit(fitPart, { seed });
      const synthetic = copies.map((copy) => {
        const m = seriesMetrics(part.score(copy.series), copy.labels, {
          tolerance: Math.max(10, period),
        });
        return { aucPr: m.aucPr, top1: m.top1 };
      });
      const whole = createDetector(cand.detector, cand.config);
      await whole.fit(c.train, { seed });
      members[label] = {
        detector: cand.detector,
        config: cand.config,
        held: round(part.score(held)),
        testPart: round(part.score(c.test)),
        test: round(whole.score(c.test)),
        synthetic,
      };
    } catch (err) {
      console.error(`${c.name} ${label}: ${(err as Error).message}`);
    }
  }
  const labels: number[] = [];
  c.labels.forEach((v, i) => v && labels.push(i));
  writeFileSync(
    join(out, `${c.name.replace(/[/]/g, '__')}.json`),
    JSON.stringify({
      name: c.name,
      source: c.source,
      half,
      period,
      length: c.test.length,
      labels,
      kinds: UNIVARIATE_KINDS,
      members,
    }),
  );
  console.error(`${c.name} (${half}): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
