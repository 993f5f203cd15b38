import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataset } from '../helpers/datasets.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'nab-score', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('nab-score reproduces the published numenta scores', () => {
  const nab = dataset('nab');
  const r = run('--data', nab, '--results', join(nab, 'results', 'numenta'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const s = JSON.parse(lines[lines.length - 1]) as Record<string, number>;
  assert.deepEqual(Object.keys(s).sort(), ['reward_low_FN_rate', 'reward_low_FP_rate', 'standard']);
  // results/final_results.json: 70.10105611943965, 63.11684160219828, 74.3202443095115
  assert.ok(Math.abs(s.standard - 70.10105611943965) < 1e-6, `standard ${s.standard}`);
  assert.ok(
    Math.abs(s.reward_low_FP_rate - 63.11684160219828) < 1e-6,
    `low FP ${s.reward_low_FP_rate}`,
  );
  assert.ok(
    Math.abs(s.reward_low_FN_rate - 74.3202443095115) < 1e-6,
    `low FN ${s.reward_low_FN_rate}`,
  );
});

// A two-file NAB layout in a temporary directory.
function tinyNab(): string {
  const root = mkdtempSync(join(tmpdir(), 'normalcy-nab-'));
  const times = Array.from({ length: 40 }, (_, i) => {
    const m = String(i % 60).padStart(2, '0');
    return `2015-01-01 00:${m}:00`;
  });
  const windows: Record<string, [string, string][]> = {};
  for (const f of ['a.csv', 'b.csv']) {
    mkdirSync(join(root, 'data', 'cat'), { recursive: true });
    writeFileSync(
      join(root, 'data', 'cat', f),
      `timestamp,value\n${times.map((t) => `${t},1`).join('\n')}\n`,
    );
    windows[`cat/${f}`] = [[`${times[20]}.000000`, `${times[24]}.000000`]];
  }
  mkdirSync(join(root, 'labels'));
  writeFileSync(join(root, 'labels', 'combined_windows.json'), JSON.stringify(windows));
  mkdirSync(join(root, 'config'));
  writeFileSync(
    join(root, 'config', 'profiles.json'),
    JSON.stringify({
      standard: { CostMatrix: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 } },
    }),
  );
  mkdirSync(join(root, 'results', 'det', 'cat'), { recursive: true });
  for (const f of ['a.csv', 'b.csv']) {
    // perfect: fires on each window's first row only
    const rows = times.map((t, i) => `${t},1,${i === 20 ? 1 : 0}`);
    writeFileSync(
      join(root, 'results', 'det', 'cat', `det_${f}`),
      `timestamp,value,anomaly_score\n${rows.join('\n')}\n`,
    );
  }
  return root;
}

test('nab-score on a small corpus: a perfect detector scores 100', () => {
  const root = tinyNab();
  try {
    const r = run('--data', root, '--results', join(root, 'results', 'det'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(JSON.parse(lines[lines.length - 1]), { standard: 100 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('nab-score names a missing results file', () => {
  const root = tinyNab();
  try {
    const missing = join(root, 'results', 'det', 'cat', 'det_b.csv');
    rmSync(missing);
    const r = run('--data', root, '--results', join(root, 'results', 'det'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^normalcy: /);
    assert.ok(r.stderr.includes(missing), r.stderr);
    assert.match(r.stderr, /results file missing \(for data file cat\/b\.csv\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('nab-score names a file without an anomaly_score column', () => {
  const root = tinyNab();
  try {
    const bad = join(root, 'results', 'det', 'cat', 'det_a.csv');
    writeFileSync(bad, 'timestamp,value,score\n2015-01-01 00:00:00,1,0\n');
    const r = run('--data', root, '--results', join(root, 'results', 'det'));
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(`${bad}: no "anomaly_score" column`), r.stderr);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('nab-score names a missing directory; a missing option is a usage error', () => {
  const r = run('--data', '/nonexistent/nab', '--results', '/nonexistent/res');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\/nonexistent\/nab: NAB data directory not found/);
  const u = run('--data', '/tmp');
  assert.equal(u.code, 2);
  assert.match(u.stderr, /--results/);
});
