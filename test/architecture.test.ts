// The layering of ARCHITECTURE.md, checked on the sources: every folder of src/
// imports (at run time: `import type` aside) only from the folders below it,
// and nothing outside src/cli imports from src/cli.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../src/version.js';

/** Each layer and the layers it may import from (its own folder always). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  io: [],
  config: [],
  engine: ['io'],
  data: ['io', 'config'],
  models: ['engine', 'data', 'io', 'config'],
  metrics: ['data', 'io', 'config'],
  thresholds: ['metrics', 'data', 'io', 'config'],
  detectors: ['engine', 'data', 'models', 'metrics', 'thresholds', 'io', 'config'],
};
const BELOW_ALARMS = [
  'io',
  'config',
  'engine',
  'data',
  'models',
  'metrics',
  'thresholds',
  'detectors',
];
MAY_IMPORT.alarms = BELOW_ALARMS;
MAY_IMPORT.report = [...BELOW_ALARMS, 'alarms'];
MAY_IMPORT.pipelines = [...MAY_IMPORT.report, 'report'];
MAY_IMPORT.serve = [...MAY_IMPORT.pipelines, 'pipelines'];
MAY_IMPORT.cli = [...MAY_IMPORT.serve, 'serve'];
const LAYERS = Object.keys(MAY_IMPORT);

const src = join(packageRoot(), 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The top folder under src/ of a file ('' for src/index.ts and the like). */
const layerOf = (file: string) => {
  const parts = relative(src, file).split(sep);
  return parts.length > 1 ? parts[0]! : '';
};

/** Run-time imports: `import ... from './x.js'`, `export ... from` and `import('./x.js')`, not `import type`. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)(?!\s+type\s)[^;]*?from\s+'(\.[^']+)'/gms))
    out.push(resolve(dirname(file), m[1]!));
  // Dynamic imports load modules at run time too.
  for (const m of text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g))
    out.push(resolve(dirname(file), m[1]!));
  return out;
}

test('every layer imports only from the layers below it; nothing outside src/cli imports it', () => {
  const problems: string[] = [];
  const files = tsFiles(src);
  // Every folder of src/ is a layer of ARCHITECTURE.md: a new one is placed there first.
  const unplaced = [...new Set(files.map(layerOf))].filter((l) => l !== '' && !LAYERS.includes(l));
  assert.deepEqual(unplaced, [], 'folders of src/ missing from MAY_IMPORT');
  for (const file of files) {
    const from = layerOf(file);
    for (const target of runtimeImports(file)) {
      const to = layerOf(target);
      const where = `${relative(src, file)} imports ${relative(src, target)}`;
      if (to === 'cli' && from !== 'cli') problems.push(`${where} (only src/cli may)`);
      if (LAYERS.includes(from) && to !== from && to !== '' && !MAY_IMPORT[from]!.includes(to))
        problems.push(`${where} (${from} may import ${MAY_IMPORT[from]!.join(', ') || 'nothing'})`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the layer check sees imports (it would catch one)', () => {
  const file = join(src, 'detectors', 'registry.ts');
  assert.ok(runtimeImports(file).some((t) => layerOf(t) === 'detectors'));
  assert.ok(runtimeImports(join(src, 'cli', 'main.ts')).some((t) => layerOf(t) === 'cli'));
});
