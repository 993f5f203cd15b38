import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildHtmlReport,
  detectEvents,
  scoreChart,
  writeHtmlReport,
} from '../../src/report/index.js';
import { allSpecs, fixture } from './fixtures.js';
import { openReport } from '../helpers/chromium.js';

function reportInput() {
  const f = fixture();
  const specs = allSpecs(f);
  return {
    title: 'normalcy report <test>',
    subtitle: 'fixture run',
    generatedAt: new Date('2026-01-02T03:04:05Z'),
    config: {
      detector: 'autoencoder',
      window: { size: 64, stride: 1 },
      seed: 7,
      note: '<b>not bold</b>',
    },
    metrics: { 'ROC AUC': 0.987654321, F1: 0.5, 'VUS-PR': null },
    charts: Object.entries(specs).map(([name, spec]) => ({ title: name, spec })),
    events: detectEvents(f.scores, f.threshold),
  };
}

test('the report is one HTML file with tables and every library inlined', () => {
  const html = buildHtmlReport(reportInput());
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('normalcy report &#60;test&#62;'), 'title not escaped');
  assert.ok(html.includes('&#60;b&#62;not bold&#60;/b&#62;'), 'config not escaped');
  assert.ok(html.includes('<td>window.size</td><td>64</td>'), 'nested config not flattened');
  assert.ok(
    html.includes('<td>ROC AUC</td><td>0.9877</td>') ||
      html.includes('<td>ROC AUC</td><td>0.987654</td>'),
  );
  assert.ok(html.includes('Detected events'));
  // No reference to anything outside the file.
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|sourceMappingURL/);
  assert.ok(html.length > 500_000, 'vega bundles missing');
});

test('the report renders every chart in headless Chromium, offline, without console errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'normalcy-html-'));
  const path = writeHtmlReport(join(dir, 'report.html'), reportInput());
  const { page, charts, errors, blocked, close } = await openReport(path);
  try {
    assert.equal(charts.length, Object.keys(allSpecs()).length);
    for (const c of charts) {
      assert.equal(c.rendered, 'true', `${c.id} did not render`);
      assert.ok(c.marks > 0, `${c.id} has no marks`);
    }
    assert.deepEqual(errors, [], 'console errors');
    assert.deepEqual(blocked, [], 'the page tried to reach the network');

    // Zoom on the score chart: a wheel turn over the plot changes the x axis.
    const axisLabels = () =>
      page.$$eval('#chart-0 .role-axis-label text', (els) =>
        els.map((e) => e.textContent).join('|'),
      );
    const before = await axisLabels();
    const box = await page.locator('#chart-0 svg.marks').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(
      `[...document.querySelectorAll('#chart-0 .role-axis-label text')].map((e) => e.textContent).join('|') !== ${JSON.stringify(before)}`,
      undefined,
      { timeout: 5000 },
    );
    assert.notEqual(await axisLabels(), before);

    const rows = await page.$$eval('table.events tbody tr', (r) => r.length);
    assert.equal(rows, reportInput().events.length);
    if (process.env.NORMALCY_REPORT_SCREENSHOT) {
      await page.screenshot({ path: process.env.NORMALCY_REPORT_SCREENSHOT, fullPage: true });
    }
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a chart that cannot render says so instead of breaking the page', () => {
  // The page shows the error text in the chart's container; here we check the
  // markup carries a per-chart container and the runner's error branch.
  const html = buildHtmlReport({
    title: 't',
    charts: [{ spec: scoreChart({ scores: [1, 2, 3] }) }],
  });
  assert.ok(html.includes('id="chart-0"'));
  assert.ok(html.includes('This chart failed to render'));
});
