// The package as a user gets it: `npm pack`, `npm install` of the tarball into a fresh
// project (which builds the libtorch addon through the install script), the README's
// library example type-checked with `tsc --strict` and run, and `npx normalcy --help`.
// Slow (it compiles the addon), so it is one test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/version.js';
import { generateSine } from '../../src/data/sine.js';

const root = packageRoot();

function run(cmd: string, args: string[], options: SpawnSyncOptions): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  const out = `${String(r.stdout)}\n${String(r.stderr)}`;
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status}):\n${out.slice(-4000)}`);
  return String(r.stdout);
}

/** The first ```ts block after the README's "## Library" heading. */
function readmeLibraryExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'README.md has no ```ts block under "## Library"');
  return m[1]!;
}

function csv(values: Float32Array): string {
  return Array.from(values, (v) => v.toFixed(5)).join('\n') + '\n';
}

test(
  'the packed tarball installs, builds its addon, type-checks and runs the README example',
  {
    timeout: 20 * 60_000,
  },
  () => {
    const work = mkdtempSync(join(tmpdir(), 'normalcy-install-'));
    // dist/ is already built (the tests run from it): pack without re-running `prepare`.
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote no tarball');
    const listing = run('tar', ['-tzf', join(work, tarball)], {});
    for (const f of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'binding.gyp',
      'scripts/install.mjs',
    ])
      assert.ok(listing.includes(`package/${f}`), `${f} is not in the tarball`);
    assert.ok(!listing.includes('package/build/'), 'the tarball must not carry a built addon');
    assert.ok(!listing.includes('package/dist/test/'), 'the tarball must not carry the tests');

    const project = join(work, 'project');
    run('mkdir', ['-p', project], {});
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'uses-normalcy', version: '1.0.0', private: true, type: 'module' }),
    );
    const env = { ...process.env, NORMALCY_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE' };
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], {
      cwd: project,
      env,
    });

    // The README's example, as written, with small data files beside it.
    writeFileSync(join(project, 'example.ts'), readmeLibraryExample());
    writeFileSync(join(project, 'normal.csv'), csv(generateSine({ length: 1500, seed: 1 }).data));
    writeFileSync(
      join(project, 'abn.csv'),
      csv(generateSine({ length: 600, seed: 2, anomalyFrom: 300 }).data),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const types = join(root, 'node_modules', '@types');
    run(
      process.execPath,
      [
        tsc,
        '--strict',
        '--target',
        'ES2022',
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--typeRoots',
        types,
        '--types',
        'node',
        '--skipLibCheck',
        'false',
        'example.ts',
      ],
      { cwd: project },
    );
    run(process.execPath, ['example.js'], { cwd: project, env });
    assert.ok(readdirSync(join(project, 'model')).includes('CURRENT'), 'no saved model');

    const help = run('npx', ['--no-install', 'normalcy', '--help'], { cwd: project, env });
    assert.match(help, /Usage: normalcy/);
  },
);
