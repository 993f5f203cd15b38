// The README's main command: the demo trains on the sine data, thresholds at
// 1% FPR on held-out normal data, evaluates, and writes a report that renders
// in a real browser, offline and without console errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/version.js';
import { renderReport } from '../helpers/chromium.js';

test('normalcy demo writes metrics, plots and a report that renders in Chromium', async () => {
  const out = mkdtempSync(join(tmpdir(), 'normalcy-demo-'));
  const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
  const r = spawnSync(
    process.execPath,
    [cli, 'demo', '--out', out, '--epochs', '2', '--seed', '1'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /report: .*report\.html/);
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
    metrics: { auc_roc: number; recall: number; threshold_kind: string };
    threshold: { realisedFpr: number; targetFpr: number };
    incident_evaluation: { precision: number; recall: number; false_positives: number };
  };
  // The anomaly (the second half) is found as an incident; false ones stay few.
  assert.equal(m.incident_evaluation.recall, 1);
  assert.ok(m.incident_evaluation.false_positives <= 2, r.stdout);
  assert.match(r.stdout, /^\d+ incidents? over 320,000 steps/m);
  assert.ok(m.metrics.auc_roc > 0.99, `AUC ${m.metrics.auc_roc}`);
  assert.equal(m.metrics.threshold_kind, 'fpr');
  assert.ok(m.threshold.realisedFpr <= 0.01);
  for (const chart of ['channels', 'error-cdf', 'roc', 'pr', 'per-threshold', 'training-loss']) {
    for (const ext of ['png', 'svg'])
      assert.ok(existsSync(join(out, `${chart}.${ext}`)), `${chart}.${ext} missing`);
  }
  const page = await renderReport(join(out, 'report.html'));
  assert.equal(page.charts.length, 6);
  for (const c of page.charts) {
    assert.equal(c.rendered, 'true', `${c.id} did not render`);
    assert.ok(c.marks > 0, `${c.id} has no marks`);
  }
  assert.deepEqual(page.errors, [], 'console errors');
  assert.deepEqual(page.blocked, [], 'the page tried to reach the network');
});
