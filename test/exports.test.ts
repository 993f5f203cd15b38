// The package's subpath exports (package.json "exports"): each layer imports on
// its own, and importing the engine (or the data, detectors, thresholds or
// metrics) does not load the chart renderer (src/report, vega, resvg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/version.js';

const root = packageRoot();

// Imports `specifier` (by the package's own name) in a fresh process with a
// loader hook that reports every module URL loaded, and returns those URLs.
function modulesLoadedBy(specifier: string): string[] {
  const hook = `let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { port.postMessage(url); return next(url, context); }`;
  const script = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on('message', (url) => loaded.push(url));
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), {
  data: { port: port2 },
  transferList: [port2],
});
await import(${JSON.stringify(specifier)});
await new Promise((resolve) => setTimeout(resolve, 200));
port1.close();
process.stdout.write(JSON.stringify(loaded));
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NORMALCY_THREADS: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

const renderer = (url: string) =>
  /\/dist\/src\/report\/|\/node_modules\/(vega|vega-lite|vega-embed|@resvg)\//.test(url);

test('package.json exports the engine, data, detectors, thresholds, metrics, report and pipelines', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  for (const sub of ['engine', 'data', 'detectors', 'thresholds', 'metrics', 'report', 'pipelines'])
    assert.deepEqual(pkg.exports[`./${sub}`], {
      types: `./dist/src/${sub}/index.d.ts`,
      default: `./dist/src/${sub}/index.js`,
    });
});

test('an engine, data, detectors, thresholds or metrics user does not load the chart renderer', () => {
  for (const sub of ['engine', 'data', 'detectors', 'thresholds', 'metrics']) {
    const loaded = modulesLoadedBy(`normalcy/${sub}`);
    assert.ok(
      loaded.some((u) => u.endsWith(`/dist/src/${sub}/index.js`)),
      `${sub}: its index was not loaded`,
    );
    assert.deepEqual(loaded.filter(renderer), [], `normalcy/${sub} loads the renderer`);
  }
  // The engine loads only itself, the io layer below it and the package's version.
  const engine = modulesLoadedBy('normalcy/engine').filter((u) => u.includes('/dist/src/'));
  assert.deepEqual(
    engine.filter((u) => !/\/dist\/src\/(engine\/|io\/|version\.js$)/.test(u)),
    [],
    'normalcy/engine loads modules outside src/engine and src/io',
  );
  // The check can fail: the report subpath does load the renderer.
  assert.ok(modulesLoadedBy('normalcy/report').some(renderer));
});
