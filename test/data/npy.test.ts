import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import {
  encodeNpy,
  parseNpy,
  readNpy,
  readNpz,
  readNpzArray,
  readNpzImages,
  readSeries,
  toFloat32Array,
  writeNpy,
  type NdArray,
} from '../../src/data/index.js';
import { dataset } from '../helpers/datasets.js';
import { fixture, scratchFile, throwsDataError } from './support.js';

describe('npy: files written by NumPy', () => {
  it('reads every supported dtype with its shape', () => {
    const expect: [string, string, number[], (number | bigint)[]][] = [
      ['float32_2x3.npy', 'float32', [2, 3], [1.5, -2, 3, 4, 5.25, -6]],
      ['float64_1d.npy', 'float64', [4], [0.1, 0.2, 1e300, -1e-300]],
      ['int64_2x2.npy', 'int64', [2, 2], [1n, -2n, 2n ** 40n, -(2n ** 40n)]],
      ['int32_2.npy', 'int32', [2], [-(2 ** 31), 2 ** 31 - 1]],
      ['int16_3.npy', 'int16', [3], [-32768, 0, 32767]],
      ['int8_3.npy', 'int8', [3], [-128, 0, 127]],
      ['uint8_4.npy', 'uint8', [4], [0, 1, 128, 255]],
      ['bool_3.npy', 'bool', [3], [1, 0, 1]],
      ['scalar.npy', 'float64', [], [7.5]],
      ['empty_0x3.npy', 'float32', [0, 3], []],
      ['version2.npy', 'float32', [3, 2], [0, 1, 2, 3, 4, 5]],
    ];
    for (const [name, dtype, shape, values] of expect) {
      const a = readNpy(fixture(name));
      assert.equal(a.dtype, dtype, name);
      assert.deepEqual(a.shape, shape, name);
      assert.deepEqual(Array.from(a.data as ArrayLike<number | bigint>), values, name);
    }
  });

  it('refuses Fortran order, big-endian, pickled objects and unknown dtypes, naming the file', () => {
    const fortran = fixture('fortran_2x3.npy');
    throwsDataError(() => readNpy(fortran), fortran, 'Fortran-order', 'not supported');
    const big = fixture('bigendian.npy');
    throwsDataError(() => readNpy(big), big, "big-endian data (dtype '>f8') is not supported");
    const object = fixture('object.npy');
    throwsDataError(() => readNpy(object), object, 'object arrays', 'pickled');
    const half = fixture('float16.npy');
    throwsDataError(() => readNpy(half), half, "unsupported dtype '<f2'");
  });

  it('reads SMAP telemetry from .npy.gz as float64 (t, 25)', () => {
    const train = readNpy(dataset('smap_msl', 'train', 'A-1.npy.gz'));
    assert.equal(train.dtype, 'float64');
    assert.deepEqual(train.shape, [2880, 25]);
    assert.equal(train.data[0], 0.999); // column 0 is the telemetry value
    const test = readNpy(dataset('smap_msl', 'test', 'P-1.npy.gz'));
    assert.deepEqual(test.shape, [8505, 25]); // num_values of P-1 in labeled_anomalies.csv
    const msl = readNpy(dataset('smap_msl', 'train', 'M-1.npy.gz'));
    assert.deepEqual(msl.shape.slice(1), [55]);
  });
});

describe('npy: encoding and broken files', () => {
  it('round-trips every dtype through encodeNpy', () => {
    const arrays: NdArray[] = [
      { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
      { dtype: 'float64', shape: [3], data: Float64Array.from([0.1, -0, Infinity]) },
      { dtype: 'int64', shape: [1], data: BigInt64Array.from([-(2n ** 60n)]) },
      { dtype: 'uint16', shape: [2], data: Uint16Array.from([0, 65535]) },
      { dtype: 'bool', shape: [], data: Uint8Array.from([1]) },
    ];
    for (const a of arrays) {
      const bytes = encodeNpy(a);
      const headerEnd = bytes.indexOf(0x0a) + 1;
      assert.equal(headerEnd % 64, 0, 'data must start on a 64-byte boundary');
      assert.deepEqual(parseNpy(bytes, 'mem.npy'), a);
    }
    const path = scratchFile('written.npy', '');
    writeNpy(path, arrays[0]!);
    assert.deepEqual(readNpy(path), arrays[0]);
  });

  it('reports truncated data and headers', () => {
    const bytes = encodeNpy({ dtype: 'float64', shape: [4, 2], data: new Float64Array(8) });
    const truncated = scratchFile('truncated.npy', bytes.subarray(0, bytes.length - 8));
    throwsDataError(
      () => readNpy(truncated),
      truncated,
      'truncated: shape (4, 2) of float64 needs 64 bytes of data, found 56',
    );
    const header = scratchFile('header.npy', bytes.subarray(0, 40));
    throwsDataError(() => readNpy(header), header, 'truncated .npy header');
    const extra = scratchFile('extra.npy', Buffer.concat([bytes, Buffer.alloc(3)]));
    throwsDataError(() => readNpy(extra), extra, '3 unexpected bytes after the data');
    const gz = gzipSync(bytes);
    const cutGz = scratchFile('cut.npy.gz', gz.subarray(0, gz.length - 10));
    throwsDataError(() => readNpy(cutGz), cutGz, 'corrupt or truncated gzip data');
  });

  it('reports a Fortran-order header written by hand', () => {
    const bytes = encodeNpy({ dtype: 'float32', shape: [2, 3], data: new Float32Array(6) });
    const text = Buffer.from(bytes)
      .toString('latin1')
      .replace("'fortran_order': False", "'fortran_order': True ");
    const path = scratchFile('fortran.npy', Buffer.from(text, 'latin1'));
    throwsDataError(
      () => readNpy(path),
      path,
      'Fortran-order (column-major) arrays are not supported',
    );
  });

  it('reports files that are not .npy at all', () => {
    const csv = scratchFile('not.npy', '1,2,3\n');
    throwsDataError(() => readNpy(csv), csv, 'not a NumPy .npy file');
    const bytes = encodeNpy({ dtype: 'uint8', shape: [1], data: Uint8Array.of(1) });
    const bad = Buffer.from(
      Buffer.from(bytes).toString('latin1').replace("'shape': (1,)", "'shape': [x] "),
      'latin1',
    );
    const path = scratchFile('badheader.npy', bad);
    throwsDataError(() => readNpy(path), path, 'unreadable .npy header');
  });
});

describe('npz archives', () => {
  it('reads np.savez (stored, zip64 entries) and np.savez_compressed archives', () => {
    const stored = readNpz(fixture('stored.npz'));
    assert.deepEqual([...stored.keys()].sort(), ['a', 'b']);
    assert.deepEqual(Array.from(stored.get('a')!.data as Int32Array), [0, 1, 2, 3]);
    assert.deepEqual(stored.get('b')!.shape, [1, 2]);
    const labels = readNpzArray(fixture('images_gray.npz'), 'labels');
    assert.deepEqual(Array.from(labels.data as BigInt64Array), [7n, 0n, 3n]);
  });

  it('reads the image layout, grey and with channels', () => {
    const grey = readNpzImages(fixture('images_gray.npz'));
    assert.deepEqual(grey.images.shape, [3, 4, 5]);
    assert.equal(grey.images.dtype, 'uint8');
    assert.equal(grey.images.data[21], 21);
    assert.deepEqual(Array.from(grey.labels), [7, 0, 3]);
    const rgb = readNpzImages(fixture('images_rgb.npz'));
    assert.deepEqual(rgb.images.shape, [2, 2, 3, 3]);
    assert.deepEqual(Array.from(rgb.labels), [1, 2]);
    assert.equal(toFloat32Array(rgb.images)[35], 1);
  });

  it('reports a missing key, listing what the archive holds', () => {
    const path = fixture('stored.npz');
    throwsDataError(
      () => readNpzArray(path, 'c'),
      path,
      "key 'c': missing from the archive (it holds: a, b)",
    );
    throwsDataError(() => readNpzImages(path), path, "key 'images': missing");
  });

  it('reports bad image layouts and broken archives', () => {
    const npy = (a: NdArray) => encodeNpy(a);
    const wrongLabels = scratchFile(
      'wrong-labels.npz',
      zipSync({
        'images.npy': npy({ dtype: 'uint8', shape: [2, 2, 2], data: new Uint8Array(8) }),
        'labels.npy': npy({ dtype: 'int32', shape: [3], data: new Int32Array(3) }),
      }),
    );
    throwsDataError(
      () => readNpzImages(wrongLabels),
      wrongLabels,
      "key 'labels'",
      'expected 2 labels',
    );
    const flat = scratchFile(
      'flat-images.npz',
      zipSync({
        'images.npy': npy({ dtype: 'uint8', shape: [8], data: new Uint8Array(8) }),
        'labels.npy': npy({ dtype: 'int32', shape: [8], data: new Int32Array(8) }),
      }),
    );
    throwsDataError(() => readNpzImages(flat), flat, "key 'images'", 'found (8,)');
    const brokenEntry = scratchFile(
      'broken-entry.npz',
      zipSync({
        'x.npy': npy({ dtype: 'float32', shape: [4], data: new Float32Array(4) }).subarray(0, 130),
      }),
    );
    throwsDataError(() => readNpz(brokenEntry), brokenEntry, "key 'x'", 'truncated');
    const notZip = scratchFile('not-zip.npz', 'hello');
    throwsDataError(() => readNpz(notZip), notZip, 'not a valid .npz (zip) archive');
  });
});

describe('readSeries dispatch', () => {
  it('picks the reader from the extension', () => {
    const smap = readSeries(dataset('smap_msl', 'test', 'A-1.npy.gz'), { columns: [0] });
    assert.equal(smap.channels, 1);
    assert.ok(smap.length > 0);
    const npy = readSeries(fixture('float32_2x3.npy'));
    assert.deepEqual([npy.length, npy.channels], [2, 3]);
    const oneD = readSeries(fixture('int16_3.npy'));
    assert.deepEqual([oneD.length, oneD.channels], [3, 1]);
    const npz = readSeries(fixture('stored.npz'), { key: 'b' });
    assert.deepEqual(Array.from(npz.data), [1, 2]);
    const tsv = readSeries(scratchFile('x.tsv', 'a\tb\n1\t2\n'));
    assert.deepEqual(tsv.names, ['a', 'b']);
  });

  it('refuses unknown types, ambiguous archives, 3-D arrays and NaN', () => {
    const xls = scratchFile('sheet.xlsx', 'x');
    throwsDataError(() => readSeries(xls), xls, 'unsupported file type');
    const npz = fixture('stored.npz');
    throwsDataError(() => readSeries(npz), npz, 'holds 2 arrays (a, b): pass key');
    const images = fixture('images_gray.npz');
    throwsDataError(
      () => readSeries(images, { key: 'images' }),
      images,
      'expected a 1-D or 2-D array',
      '(3, 4, 5)',
    );
    const nan = scratchFile(
      'nan.npy',
      encodeNpy({ dtype: 'float64', shape: [2, 2], data: Float64Array.of(1, 2, NaN, 4) }),
    );
    throwsDataError(() => readSeries(nan), nan, 'element [1, 0] is NaN');
    assert.ok(Number.isNaN(readSeries(nan, { allowNaN: true }).data[2]!));
    throwsDataError(
      () => readSeries(fixture('float64_1d.npy')),
      fixture('float64_1d.npy'),
      'value 1e+300 overflows float32',
    );
    throwsDataError(
      () => readSeries(fixture('float32_2x3.npy'), { columns: ['a'] }),
      fixture('float32_2x3.npy'),
      'arrays have no column names',
    );
  });
});
