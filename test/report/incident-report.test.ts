// The incident report opens with the incidents: checked in headless Chromium,
// the table is on the first screen, every chart renders offline, the channel
// panels take the page's width, and labels add true/false per incident.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceMetricsCase } from '../../src/data/service-metrics.js';
import { findIncidents } from '../../src/alarms/index.js';
import { writeIncidentReport } from '../../src/report/incident-report.js';
import { rangesToMask } from '../../src/data/ranges.js';
import { openReport } from '../helpers/chromium.js';

/** Scores that rise inside the faults (a stand-in for a model's), NaN for the first window. */
function faultScores() {
  const data = serviceMetricsCase({ trainSteps: 1000, testSteps: 3000, seed: 2 });
  const n = data.test.length;
  const scores = new Float32Array(n);
  let state = 7;
  const noise = () => ((state = (state * 48271) % 2147483647) / 2147483647) * 0.1;
  for (let t = 0; t < n; t++) scores[t] = noise();
  for (const f of data.faults) for (let t = f.start; t <= f.end; t++) scores[t] = 1 + noise();
  scores.fill(NaN, 0, 20);
  const normal = Float32Array.from({ length: 2000 }, noise);
  return { data, scores, normal };
}

test('the first screen of the incident report shows the summary and the incident table', async () => {
  const { data, scores, normal } = faultScores();
  const found = findIncidents(scores, {
    threshold: 0.099,
    targetRate: 0.01,
    normalScores: normal,
    timestamps: data.test.timestamps!,
  });
  assert.equal(found.incidents.length, data.faults.length);
  const labels = rangesToMask(
    data.faults.slice(0, 3).map((f) => [f.start, f.end] as const),
    data.test.length,
  );
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-incident-report-'));
  const written = await writeIncidentReport(dir, {
    title: 'service metrics',
    config: { detector: { name: 'stand-in' } },
    series: data.test,
    scores,
    threshold: 0.099,
    incidents: found.incidents,
    normalScores: normal,
    labels,
    metrics: { auc_roc: 0.99, fpr: 0.01 },
    history: [
      { epoch: 1, loss: 1, seconds: 1 },
      { epoch: 2, loss: 0.5, seconds: 1 },
      { epoch: 3, loss: 0.4, seconds: 1 },
    ],
  });
  assert.equal(written.incidentEvaluation!.truePositives, 3);
  assert.equal(written.incidentEvaluation!.falsePositives, 1);
  const html = readFileSync(written.html, 'utf8');
  // Incidents first, configuration and metrics last, each metric with its meaning.
  const at = (s: string) => html.indexOf(s);
  assert.ok(at('id="incidents"') < at('id="charts"'));
  assert.ok(at('id="charts"') < at('id="configuration"'));
  assert.ok(at('id="configuration"') < at('id="metrics"'));
  assert.match(html, /chance that a labelled anomalous step scores above a normal one/);

  const page = await openReport(written.html);
  try {
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.blocked, []);
    for (const c of page.charts) assert.equal(c.rendered, 'true', c.id);
    const viewport = page.page.viewportSize()!;
    const table = await page.page.$eval('table.incidents', (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, rows: el.querySelectorAll('tbody tr').length };
    });
    assert.equal(table.rows, 4);
    assert.ok(
      table.bottom <= viewport.height,
      `table ends at ${table.bottom}px, below the first screen`,
    );
    const summary = await page.page.$eval('section#incidents .summary', (el) => el.textContent);
    assert.match(
      summary!,
      /^4 incidents over 2024-.*; 3 true, 1 false; 3 of 3 labelled anomalies found/,
    );
    const verdicts = await page.page.$$eval('table.incidents tbody tr', (rows) =>
      rows.map((r) => r.className),
    );
    assert.deepEqual([...verdicts].sort(), ['fp', 'tp', 'tp', 'tp']);
    // The channel panels are widened to the page: wider than the default 640 px chart.
    const widths = await page.page.$eval(
      '#chart-0 svg',
      (svg) => svg.getBoundingClientRect().width,
    );
    assert.ok(widths > 1000, `channels chart ${widths}px wide`);
    await page.page.screenshot({ path: join(dir, 'first-screen.png') });
  } finally {
    await page.close();
  }
});
