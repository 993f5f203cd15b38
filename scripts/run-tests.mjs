// Runs every compiled test file under dist/test with node's own test runner.
// Node 20's --test takes no globs, so the files are listed here.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = 'dist/test';
if (!existsSync(root)) {
  console.error('dist/test is missing: run `npm run build` first');
  process.exit(1);
}
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.js')) files.push(path);
  }
};
walk(root);
const filter = process.argv[2];
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
// node --test given no file runs every test it finds: refuse instead.
if (selected.length === 0) {
  console.error(`no compiled test file under ${root} matches '${filter}' (run npm run build:ts?)`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], {
  stdio: 'inherit',
  // A fixed torch thread count: results are bit-identical only for the same count
  // (reductions split differently), and the automatic rule follows the machine's
  // load, which the parallel test files themselves change. The seed tests compare
  // two fits in one process, so they need one count.
  env: { NORMALCY_THREADS: '2', ...process.env, OPENBLAS_NUM_THREADS: '1' },
});
process.exit(result.status ?? 1);
