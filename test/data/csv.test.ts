import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { column, parseCsv, readCsv } from '../../src/data/index.js';
import { dataset } from '../helpers/datasets.js';
import { scratchFile, throwsDataError } from './support.js';

describe('CSV: the sine one-line layout', () => {
  // Its speed (goal < 100 ms) is measured by bench/csv-read.ts, not here.
  it('reads 320,000 values on one line as one channel', () => {
    const s = readCsv(dataset('sine', 'normal.csv'));
    assert.equal(s.length, 320000);
    assert.equal(s.channels, 1);
    assert.equal(s.timestamps, undefined);
    assert.equal(s.data[0], Math.fround(0.032185));
    assert.equal(s.data[1], Math.fround(-0.01749));
    assert.equal(s.data[2], Math.fround(0.0082786));
    assert.equal(s.data[319999], Math.fround(0.057359));
  });

  it('matches the anomaly description: abn equals normal before step 160,000', () => {
    const normal = readCsv(dataset('sine', 'normal.csv')).data;
    const abn = readCsv(dataset('sine', 'abn.csv')).data;
    assert.equal(abn.length, 320000);
    assert.deepEqual(abn.subarray(0, 160000), normal.subarray(0, 160000));
    const peak = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(peak(abn.subarray(160000)) > 0.9 && peak(normal.subarray(160000)) < 0.75);
  });

  it('can force rows or one-line', () => {
    const rows = parseCsv('1,2,3\n', 'x.csv', { layout: 'rows' });
    assert.deepEqual([rows.length, rows.channels], [1, 3]);
    throwsDataError(
      () => parseCsv('1,2\n3,4\n', 'x.csv', { layout: 'one-line' }),
      'x.csv',
      'one-line layout needs a single line of values, found 2',
    );
  });
});

describe('CSV: rows, headers, columns, timestamps', () => {
  it('detects a header and a timestamp column (NAB layout)', () => {
    const s = parseCsv(
      'timestamp,value\n2014-04-10 07:15:00,1.5\n2014-04-10 07:20:00,-2\n',
      'nab.csv',
    );
    assert.deepEqual(s.names, ['value']);
    assert.deepEqual(Array.from(s.data), [1.5, -2]);
    assert.deepEqual(Array.from(s.timestamps!), [
      Date.UTC(2014, 3, 10, 7, 15),
      Date.UTC(2014, 3, 10, 7, 20),
    ]);
  });

  it('reads headerless numeric rows', () => {
    const s = parseCsv('1,2,3\n4,5,6\r\n\n7,8,9', 'plain.csv');
    assert.equal(s.names, undefined);
    assert.deepEqual([s.length, s.channels], [3, 3]);
    assert.deepEqual(Array.from(s.data), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('does not take a text column for a header', () => {
    const s = parseCsv('1,normal\n2,abnormal\n', 'text.csv', { columns: [0] });
    assert.deepEqual(Array.from(s.data), [1, 2]);
  });

  it('selects columns by name or index, in the order given', () => {
    const text = 'time,a,b,c\n0,1,2,3\n1,4,5,6\n';
    const byName = parseCsv(text, 'x.csv', { columns: ['c', 'a'], timestamp: 'time' });
    assert.deepEqual(byName.names, ['c', 'a']);
    assert.deepEqual(Array.from(byName.data), [3, 1, 6, 4]);
    assert.deepEqual(Array.from(byName.timestamps!), [0, 1]);
    const byIndex = parseCsv(text, 'x.csv', { columns: [2] });
    assert.deepEqual(Array.from(byIndex.data), [2, 5]);
    const all = parseCsv(text, 'x.csv');
    assert.deepEqual(all.names, ['time', 'a', 'b', 'c']);
    throwsDataError(
      () => parseCsv(text, 'x.csv', { columns: ['d'] }),
      'x.csv',
      "no column named 'd' (columns: time, a, b, c)",
    );
    throwsDataError(
      () => parseCsv(text, 'x.csv', { columns: [4] }),
      'x.csv',
      'column 4 out of range',
    );
    throwsDataError(() => parseCsv('1,2\n', 'y.csv', { columns: ['a'] }), 'y.csv', 'no header');
  });

  it('honours header: true for numeric names and header: false', () => {
    const s = parseCsv('0,1\n5,6\n', 'x.csv', { header: true });
    assert.deepEqual(s.names, ['0', '1']);
    assert.equal(s.length, 1);
    throwsDataError(
      () => parseCsv('a,b\n1,2\n', 'x.csv', { header: false }),
      'x.csv',
      "line 1: non-numeric cell 'a' in column 0",
      'pass header: true',
    );
  });

  it('reads quoted CSV through csv-parse with the same result', () => {
    const s = parseCsv('"timestamp","value"\n"2014-01-01 00:00:00","1.5"\n', 'q.csv');
    assert.deepEqual(s.names, ['value']);
    assert.deepEqual(Array.from(s.data), [1.5]);
    assert.deepEqual(Array.from(s.timestamps!), [Date.UTC(2014, 0, 1)]);
    throwsDataError(
      () => parseCsv('a,b\n"1,5",2\n', 'q.csv'),
      'q.csv',
      "line 2: non-numeric cell '1,5'",
    );
    const q = parseCsv('"a","b"\n"1","2"\n\n3,"4"\n', 'q.csv');
    assert.deepEqual(Array.from(q.data), [1, 2, 3, 4]);
    assert.deepEqual(q.names, ['a', 'b']);
    throwsDataError(
      () => parseCsv('a,b\n"1,2\n', 'q.csv'),
      'q.csv',
      'invalid CSV',
      'Quote Not Closed',
    );
  });

  it('keeps NaN only when allowed', () => {
    throwsDataError(
      () => parseCsv('a,b\n1,NaN\n', 'n.csv'),
      'n.csv',
      "line 2: NaN in column 'b' is not allowed",
    );
    throwsDataError(
      () => parseCsv('a,b\n1,\n', 'n.csv'),
      'n.csv',
      "line 2: empty cell in column 'b'",
    );
    const s = parseCsv('a,b\n1,NaN\n,inf\n', 'n.csv', { allowNaN: true });
    assert.ok(Number.isNaN(s.data[1]!) && Number.isNaN(s.data[2]!));
    assert.equal(s.data[3], Infinity);
    throwsDataError(
      () => parseCsv('1e39\n2\n', 'big.csv'),
      'big.csv',
      'line 1: value 1e39',
      'overflows float32',
    );
  });

  it('reads a gzipped CSV file', () => {
    const path = scratchFile('small.csv.gz', gzipSync('x,y\n1,2\n3,4\n'));
    assert.deepEqual(Array.from(column(readCsv(path), 'y')), [2, 4]);
  });
});

describe('CSV: broken files name the file, line and problem', () => {
  it('reports a missing file', () => {
    const path = scratchFile('present.csv', '1\n').replace('present.csv', 'absent.csv');
    throwsDataError(() => readCsv(path), path, 'file not found');
  });

  it('reports a ragged row', () => {
    const path = scratchFile('ragged.csv', 'a,b,c,d\n1,2,3,4\n5,6,7\n');
    throwsDataError(() => readCsv(path), path, `${path} line 3: expected 4 cells, found 3`);
  });

  it('reports a non-numeric cell', () => {
    const path = scratchFile('word.csv', '1,2\n3,4\n5,six\n');
    throwsDataError(
      () => readCsv(path),
      path,
      `${path} line 3: non-numeric cell 'six' in column 1`,
    );
  });

  it('reports a bad timestamp', () => {
    const path = scratchFile('time.csv', 'timestamp,value\n2014-01-01,1\nyesterday,2\n');
    throwsDataError(() => readCsv(path), path, "line 3: cannot read timestamp 'yesterday'");
  });

  it('reports a file with no data rows', () => {
    const path = scratchFile('header-only.csv', 'timestamp,value\n');
    throwsDataError(() => readCsv(path), path, 'no data rows');
    const empty = scratchFile('empty.csv', '');
    throwsDataError(() => readCsv(empty), empty, 'no data rows');
  });

  it('reports a .gz name on plain bytes and a truncated gzip', () => {
    const fake = scratchFile('fake.csv.gz', '1,2\n');
    throwsDataError(() => readCsv(fake), fake, 'named .gz but does not start with the gzip magic');
    const whole = gzipSync('1,2\n'.repeat(1000));
    const cut = scratchFile('cut.csv.gz', whole.subarray(0, whole.length - 12));
    throwsDataError(() => readCsv(cut), cut, 'corrupt or truncated gzip data');
  });
});
