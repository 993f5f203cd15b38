// `normalcy watch` as a user runs it: a real child process fed rows through stdin while it
// runs; every row gets its output line before the input ends, the scores are those of the
// library's live scorer (= batch scoring of the rows so far), and a burst of anomalous rows
// opens an incident that closes when normal rows follow. Also `score --data -`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../../src/version.js';
import { liveTestRows, saveLiveTestModel } from '../helpers/live-model.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'normalcy-watch-'));
const model = join(dir, 'model');
const rows = liveTestRows();

before(() => saveLiveTestModel(model));

test('watch scores rows from stdin as they arrive and reports incidents', async () => {
  const child = spawn(process.execPath, [cli, 'watch', '--model', model], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const out = createInterface({ input: child.stdout });
  const records: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  out.on('line', (l) => {
    records.push(JSON.parse(l) as Record<string, unknown>);
    waiters.splice(0).forEach((w) => w());
  });
  const until = async (ok: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out; stderr: ${stderr}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  const scored = () => records.filter((r) => 'step' in r);
  // A header, then rows in chunks: each chunk is answered while stdin stays open.
  child.stdin.write('timestamp,value\n');
  const time = (t: number) => new Date(Date.UTC(2026, 0, 1) + t * 60_000).toISOString();
  for (let start = 0; start < rows.length; start += 100) {
    const chunk = rows.slice(start, start + 100);
    child.stdin.write(chunk.map((v, i) => `${time(start + i)},${v}`).join('\n') + '\n');
    await until(() => scored().length === start + chunk.length);
  }
  child.stdin.write('not,a,row\n');
  child.stdin.end();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 0, stderr);
  assert.match(stderr, /line 402: 2 value\(s\), the model expects 1/);
  assert.match(stderr, /400 rows scored, 1 lines skipped/);

  // Scores as the library's live scorer gives them, with the row's time.
  const s = scored();
  assert.equal(s.length, rows.length);
  const { loadLiveModel } = await import('../../src/serve/live-model.js');
  const live = loadLiveModel(model).openStream();
  for (let t = 0; t < rows.length; t++) {
    const p = live.push([rows[t]!]);
    assert.equal(s[t]!.step, t);
    assert.equal(s[t]!.time, time(t));
    assert.equal(s[t]!.score, p.score === null ? null : Math.fround(p.score));
    assert.equal(s[t]!.flagged, p.flagged);
  }
  // The spike opens an incident inside it, closed before the end; every one opened closes.
  type Change = { event: string; incident: { start: number; end: number; startTime: string } };
  const changes = records.filter((r) => 'event' in r) as unknown as Change[];
  const opened = changes.filter((r) => r.event === 'incident_opened');
  const closed = changes.filter((r) => r.event === 'incident_closed');
  assert.equal(opened.length, closed.length, JSON.stringify(changes));
  const spike = closed.find((c) => c.incident.start >= 300 && c.incident.start < 312);
  assert.ok(spike, `no incident in the spike: ${JSON.stringify(changes)}`);
  assert.ok(spike.incident.end < 340, `end ${spike.incident.end}`);
  assert.equal(spike.incident.startTime, time(spike.incident.start));
  assert.ok(opened.length <= 4, `${opened.length} incidents for one spike`);
});

test('score --data - reads the series from stdin', () => {
  const out = join(dir, 'scores.csv');
  const r = spawnSync(
    process.execPath,
    [cli, 'score', '--model', model, '--data', '-', '--out', out],
    {
      input: rows.join('\n') + '\n',
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /400 scores written/);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 401);
});
