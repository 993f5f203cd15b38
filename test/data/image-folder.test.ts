// Folders of PNG/JPEG images read through sharp: pixel values, colour modes, resizing,
// labels from subfolders, and errors that name the file at fault. The images are written
// here by sharp from known pixels.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  labelsFromSubfolders,
  listImageFiles,
  readImageFolder,
} from '../../src/data/image-folder.js';
import { DataError } from '../../src/data/errors.js';

const root = mkdtempSync(join(tmpdir(), 'normalcy-imgdir-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes an image of h x w x c bytes where pixel (y, x) channel k = f(y, x, k). */
async function write(
  path: string,
  h: number,
  w: number,
  c: 1 | 3 | 4,
  f: (y: number, x: number, k: number) => number,
): Promise<void> {
  const bytes = Buffer.alloc(h * w * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) bytes[(y * w + x) * c + k] = f(y, x, k);
  let img = sharp(bytes, { raw: { width: w, height: h, channels: c } });
  // One channel is written as a grayscale file (sharp would otherwise store it as sRGB).
  if (c === 1) img = img.toColourspace('b-w');
  await (path.endsWith('.png') ? img.png() : img.jpeg({ quality: 95 })).toFile(path);
}

test('a folder of grayscale PNGs reads back exactly, in name order, other files skipped', async () => {
  const dir = join(root, 'gray');
  mkdirSync(dir);
  await write(join(dir, 'b.png'), 3, 4, 1, (y, x) => 10 * y + x);
  await write(join(dir, 'a.png'), 3, 4, 1, (y, x) => 100 + y * 4 + x);
  writeFileSync(join(dir, 'README.txt'), 'not an image');
  const set = await readImageFolder(dir);
  assert.deepEqual(set.files, ['a.png', 'b.png']);
  assert.deepEqual(set.shape, [3, 4, 1]);
  assert.deepEqual(
    Array.from(set.pixels.subarray(0, 12)),
    Array.from({ length: 12 }, (_, i) => 100 + i),
  );
  assert.equal(set.pixels[12 + 2 * 4 + 3], 23);
});

test('colour: RGB(A) PNGs read as 3 channels in [h, w, c] order, or as grayscale on request; resize', async () => {
  const dir = join(root, 'rgb');
  mkdirSync(dir);
  await write(join(dir, 'x.png'), 2, 2, 4, (y, x, k) => (k === 3 ? 255 : 50 * k + 10 * y + x));
  const rgb = await readImageFolder(dir);
  assert.deepEqual(rgb.shape, [2, 2, 3]);
  assert.deepEqual(Array.from(rgb.pixels), [0, 50, 100, 1, 51, 101, 10, 60, 110, 11, 61, 111]);
  const gray = await readImageFolder(dir, { color: 'grayscale' });
  assert.deepEqual(gray.shape, [2, 2, 1]);
  // Luminance of (0, 50, 100): between the channels, nearer green.
  assert.ok(gray.pixels[0]! > 30 && gray.pixels[0]! < 60, String(gray.pixels[0]));
  const big = await readImageFolder(dir, { resize: [6, 4] });
  assert.deepEqual(big.shape, [6, 4, 3]);
  assert.equal(big.pixels.length, 6 * 4 * 3);
});

test('JPEG and PNG mixed, test folder labelled by subfolder, read like the training folder', async () => {
  const train = join(root, 'train', 'good');
  const test = join(root, 'test');
  mkdirSync(train, { recursive: true });
  mkdirSync(join(test, 'good'), { recursive: true });
  mkdirSync(join(test, 'crack'), { recursive: true });
  await write(join(train, '0.jpg'), 8, 8, 3, (y, x, k) => 30 * k + 4 * x);
  await write(join(train, '1.png'), 8, 8, 3, (y, x, k) => 30 * k + 4 * y);
  await write(join(test, 'good', 'g.png'), 8, 8, 1, () => 90);
  await write(join(test, 'crack', 'c.jpg'), 8, 8, 3, (y) => (y === 4 ? 0 : 200));
  const trainSet = await readImageFolder(train);
  assert.deepEqual(trainSet.shape, [8, 8, 3]);
  // JPEG is lossy: close to what was written.
  assert.ok(
    Math.abs(trainSet.pixels[3 * 5 + 1]! - (30 + 20)) <= 6,
    String(trainSet.pixels[3 * 5 + 1]),
  );
  const testSet = await readImageFolder(test, { like: trainSet });
  assert.deepEqual(testSet.files, ['crack/c.jpg', 'good/g.png']);
  assert.deepEqual(testSet.shape, [8, 8, 3]);
  assert.deepEqual(Array.from(labelsFromSubfolders(testSet)!), [1, 0]);
  assert.equal(labelsFromSubfolders(trainSet), undefined);
});

test('errors name the file: corrupt image, other size, empty or missing folder, mixed layout', async () => {
  const dir = join(root, 'bad');
  mkdirSync(dir);
  await write(join(dir, 'a.png'), 4, 4, 1, () => 1);
  writeFileSync(join(dir, 'broken.png'), Buffer.from('this is not a png'));
  await assert.rejects(readImageFolder(dir), (err: Error) => {
    assert.ok(err instanceof DataError);
    assert.match(err.message, /bad\/broken\.png: cannot be read as an image/);
    return true;
  });
  rmSync(join(dir, 'broken.png'));
  await write(join(dir, 'b.png'), 5, 4, 1, () => 1);
  await assert.rejects(
    readImageFolder(dir),
    /bad\/b\.png: is 5x4 pixels \(height x width\), unlike the 4x4 of a\.png; give a resize size/,
  );
  assert.deepEqual((await readImageFolder(dir, { resize: [4, 4] })).shape, [4, 4, 1]);
  const empty = join(root, 'empty');
  mkdirSync(empty);
  assert.throws(() => listImageFiles(empty), /empty: no image files in the folder/);
  assert.throws(() => listImageFiles(join(root, 'nope')), /nope: image folder not found/);
  rmSync(join(dir, 'b.png'));
  mkdirSync(join(dir, 'good'));
  await write(join(dir, 'good', 'c.png'), 4, 4, 1, () => 1);
  await assert.rejects(
    readImageFolder(dir).then((s) => labelsFromSubfolders(s)),
    /holds images at its top level \(a\.png\) and in subfolders/,
  );
});
