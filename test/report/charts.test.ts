import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  renderPng,
  renderSvg,
  scoreChart,
  thresholdBreakEven,
  writeChart,
} from '../../src/report/index.js';
import { breakEvenPoint, thresholdTable } from '../../src/metrics/index.js';
import { allSpecs, fixture } from './fixtures.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Counts the drawn items of each Vega mark type in an SVG. */
function markTypes(svg: string): Set<string> {
  return new Set([...svg.matchAll(/class="mark-(\w+) role-mark/g)].map((m) => m[1]));
}

test('every builder renders to an SVG with marks', async () => {
  const specs = allSpecs();
  const expected: Record<string, string[]> = {
    score: ['rect', 'line', 'rule', 'symbol'],
    scoreWithSeries: ['rect', 'line', 'symbol'],
    waveform: ['line'],
    errorCdf: ['line', 'rule', 'text'],
    roc: ['line', 'rule', 'symbol', 'text'],
    pr: ['line', 'rule'],
    threshold: ['line', 'rule', 'symbol', 'text'],
    tsne: ['symbol'],
    loss: ['line'],
  };
  for (const [name, spec] of Object.entries(specs)) {
    const svg = await renderSvg(spec);
    assert.match(svg, /^<svg/, name);
    const types = markTypes(svg);
    for (const t of expected[name])
      assert.ok(types.has(t), `${name}: no ${t} marks in ${[...types].join(', ')}`);
    // Drawn geometry, not empty groups.
    assert.ok((svg.match(/<path /g) ?? []).length > 5, `${name}: few paths`);
  }
});

test('specs carry the shared theme and no non-finite data', () => {
  for (const [name, spec] of Object.entries(allSpecs())) {
    const json = JSON.stringify(spec);
    assert.ok(json.includes('"font":"DejaVu Sans'), `${name}: theme missing`);
    // JSON.stringify writes NaN and Infinity as null: none may reach the data.
    assert.ok(!/"(x|y|score|value|threshold)":null/.test(json), `${name}: null data`);
  }
});

test('long series are downsampled to at most 5,000 points per series', () => {
  const f = fixture(40_000);
  const spec = scoreChart({ scores: f.scores }) as unknown as {
    layer: { data?: { values: unknown[] } }[];
  };
  const line = spec.layer[0].data!.values;
  assert.ok(line.length <= 5000, `${line.length} points`);
  assert.ok(line.length > 4000);
});

test('PNG bytes start with the PNG signature; writeChart writes SVG and PNG', async () => {
  const spec = allSpecs().roc;
  const png = await renderPng(spec);
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  assert.ok(png.length > 5000);
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-report-'));
  try {
    const out = await writeChart(join(dir, 'sub', 'roc.png'), spec, { scale: 1 });
    assert.equal(out.svgPath, join(dir, 'sub', 'roc.svg'));
    assert.match(readFileSync(out.svgPath, 'utf8'), /^<svg/);
    assert.deepEqual([...readFileSync(out.pngPath).subarray(0, 8)], PNG_SIGNATURE);
    assert.deepEqual(readdirSync(join(dir, 'sub')).sort(), ['roc.png', 'roc.svg']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the marked break-even point matches breakEvenPoint from metrics', () => {
  const f = fixture(4000);
  const t = thresholdTable(f.scores, f.labels);
  const be = thresholdBreakEven(t.threshold, t.recall, t.detectionRatio);
  const ref = breakEvenPoint(f.scores, f.labels);
  assert.equal(be?.threshold, ref.threshold);
  assert.equal(be?.value, ref.value);
});

test('builders reject mismatched inputs', () => {
  assert.throws(() => scoreChart({ scores: [] }), /no scores/);
  assert.throws(
    () => scoreChart({ scores: [1, 2, 3], anomalies: [{ start: 2, end: 5 }] }),
    /outside/,
  );
  assert.throws(
    () => scoreChart({ scores: [1, 2, 3], threshold: [1, 2] }),
    /threshold has 2 values/,
  );
  assert.throws(() => scoreChart({ scores: [1, 2, 3], x: [1, 2] }), /x has 2 values/);
});
