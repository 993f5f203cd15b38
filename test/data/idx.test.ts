import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { parseIdx, readIdx, readMnistImages, readMnistLabels } from '../../src/data/index.js';
import { dataset } from '../helpers/datasets.js';
import { scratchFile, throwsDataError } from './support.js';

/** An idx header: zero, zero, type, ndim, big-endian sizes. */
function idxBytes(type: number, shape: number[], payload: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = type;
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(payload)]);
}

describe('MNIST idx', () => {
  it('reads the label files: 60000 / 10000, train starts with 5, test with 7', () => {
    const train = readMnistLabels(dataset('mnist', 'train-labels-idx1-ubyte.gz'));
    const test = readMnistLabels(dataset('mnist', 't10k-labels-idx1-ubyte.gz'));
    assert.equal(train.length, 60000);
    assert.equal(test.length, 10000);
    assert.deepEqual(Array.from(train.subarray(0, 5)), [5, 0, 4, 1, 9]);
    assert.equal(test[0], 7);
    assert.ok(train.every((v) => v <= 9));
  });

  it('reads the images as uint8 [60000 | 10000, 28, 28]', () => {
    const train = readMnistImages(dataset('mnist', 'train-images-idx3-ubyte.gz'));
    assert.deepEqual(train.shape, [60000, 28, 28]);
    assert.deepEqual([train.count, train.rows, train.cols], [60000, 28, 28]);
    const images = readMnistImages(dataset('mnist', 't10k-images-idx3-ubyte.gz'));
    assert.deepEqual(images.shape, [10000, 28, 28]);
    assert.equal(images.data.length, 10000 * 28 * 28);
    assert.equal(images.data[0], 0); // the corner pixel is background
    const first = images.data.subarray(0, 784);
    assert.ok(first.some((v) => v === 255) || first.some((v) => v > 200));
  });

  it('reads plain (not gzipped) idx and big-endian element types', () => {
    const plain = scratchFile('labels-idx1-ubyte', idxBytes(0x08, [3], [1, 2, 3]));
    assert.deepEqual(Array.from(readMnistLabels(plain)), [1, 2, 3]);
    const ints = parseIdx(idxBytes(0x0c, [2], [0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe]), 'mem');
    assert.equal(ints.dtype, 'int32');
    assert.deepEqual(Array.from(ints.data as Int32Array), [256, -2]);
    const floats = parseIdx(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0]), 'mem');
    assert.deepEqual(Array.from(floats.data as Float32Array), [1.5]);
    const gz = scratchFile('images.gz', gzipSync(idxBytes(0x08, [1, 2, 2], [1, 2, 3, 4])));
    assert.deepEqual(readIdx(gz).shape, [1, 2, 2]);
  });

  it('reports truncated files, wrong magic and wrong kinds', () => {
    const cut = scratchFile('cut-idx3-ubyte', idxBytes(0x08, [2, 2, 2], [1, 2, 3]));
    throwsDataError(
      () => readMnistImages(cut),
      cut,
      'truncated: shape (2, 2, 2) of uint8 needs 8 bytes of data, found 3',
    );
    const magic = scratchFile('magic-idx', Buffer.from([1, 2, 3, 4, 5]));
    throwsDataError(() => readIdx(magic), magic, 'not an idx file');
    const labelsAsImages = scratchFile('labels-as-images', idxBytes(0x08, [2], [1, 2]));
    throwsDataError(
      () => readMnistImages(labelsAsImages),
      labelsAsImages,
      'expected uint8 images of shape (n, rows, cols), found uint8 (2,)',
    );
    const type = scratchFile('type-idx', idxBytes(0x42, [1], [0]));
    throwsDataError(() => readIdx(type), type, 'unknown idx element type 0x42');
  });
});
