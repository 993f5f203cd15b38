#!/usr/bin/env node
// npm's `install` step: builds the libtorch addon (native/ -> build/Release) against
// Debian's libtorch, with node-gyp and Node's own headers (no download), or says in one
// line which Debian packages are missing. Runs on `npm install` of the tarball, of the
// git repository, and on `npm ci` in a checkout.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`normalcy: ${line}\n`);

// npm prepares a git dependency in a scratch clone (installs it, runs `prepare`, packs it)
// and then installs the packed result, which runs this script again: build only then.
if (/[\\/]_cacache[\\/]tmp[\\/]git-clone/.test(root)) {
  say('git dependency being prepared: the addon is built when the packed package installs');
  process.exit(0);
}
if (process.env.NORMALCY_SKIP_ADDON_BUILD === '1') {
  say('NORMALCY_SKIP_ADDON_BUILD=1: not building the addon');
  process.exit(0);
}

// In a checkout, `npm install SOME-PACKAGE` runs this again: keep an addon that is newer
// than every source it is built from.
const addon = join(root, 'build', 'Release', 'normalcy_torch.node');
if (existsSync(addon)) {
  const sources = [join(root, 'binding.gyp')].concat(
    readdirSync(join(root, 'native')).map((f) => join(root, 'native', f)),
  );
  const built = statSync(addon).mtimeMs;
  if (sources.every((f) => statSync(f).mtimeMs <= built)) {
    say('the libtorch addon is up to date (npm run build:addon rebuilds it)');
    process.exit(0);
  }
}

const onPath = (cmd) =>
  (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));

// What the build needs, and the Debian package that provides each.
const needs = [
  ['libtorch-dev', ['/usr/include/torch/csrc/api/include/torch/torch.h']],
  ['libsvm-dev', ['/usr/include/libsvm/svm.h']],
  ['g++', null, 'g++'],
  ['make', null, 'make'],
  ['python3', null, 'python3'],
];
const missing = needs
  .filter(([, files, cmd]) => (files ? !files.every((f) => existsSync(f)) : !onPath(cmd)))
  .map(([pkg]) => pkg);
if (missing.length > 0) {
  say(
    `cannot build the libtorch addon: missing Debian packages ${missing.join(' ')} ` +
      `(install them with: apt-get install -y ${missing.join(' ')}; then run npm rebuild normalcy)`,
  );
  process.exit(1);
}

// npm hands its bundled node-gyp to scripts; a checkout also has it as a devDependency.
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  try {
    return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
    const bundled = join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
  }
  say('cannot build the libtorch addon: node-gyp not found (run the install through npm)');
  process.exit(1);
}

// Node's headers ship with Node itself (Debian's nodejs, NodeSource, official tarballs) under
// <prefix>/include/node: point node-gyp there instead of letting it download them.
const args = ['rebuild', `-j`, String(Math.max(1, availableParallelism()))];
const prefix = resolve(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
else say(`Node's headers are not in ${prefix}/include/node: node-gyp will try to download them`);

say('building the libtorch addon (a few minutes)');
const r = spawnSync(process.execPath, [nodeGyp(), ...args], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  say('building the libtorch addon failed (see the compiler output above)');
  process.exit(r.status ?? 1);
}
