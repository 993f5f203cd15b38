// Where the shared datasets live: ../shared/datasets beside the repository,
// or NORMALCY_DATASETS when set.
import { join, resolve } from 'node:path';
import { packageRoot } from '../../src/version.js';

export function datasetsDir(): string {
  return process.env.NORMALCY_DATASETS ?? resolve(packageRoot(), '..', 'shared', 'datasets');
}

export function dataset(...parts: string[]): string {
  return join(datasetsDir(), ...parts);
}
