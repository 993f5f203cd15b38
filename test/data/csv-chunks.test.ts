// Streaming CSV reading: the chunks of a long file put together are what readCsv reads
// whole, and a bad cell far into the file gets the message (and line) readCsv gives.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { readCsv, type CsvOptions } from '../../src/data/csv.js';
import { readCsvChunks } from '../../src/data/csv-chunks.js';
import { DataError } from '../../src/data/errors.js';
import type { Series } from '../../src/data/series.js';
import { scratchFile } from './support.js';

async function chunksOf(path: string, options: CsvOptions, rows: number): Promise<Series[]> {
  const out: Series[] = [];
  for await (const s of readCsvChunks(path, options, rows)) out.push(s);
  return out;
}

/** The chunks as one series (values, timestamps, names). */
function joined(chunks: Series[]): {
  data: Float32Array;
  timestamps?: Float64Array;
  names?: readonly string[];
} {
  const data = Float32Array.from(chunks.flatMap((c) => Array.from(c.data)));
  const times = chunks.every((c) => c.timestamps)
    ? Float64Array.from(chunks.flatMap((c) => Array.from(c.timestamps!)))
    : undefined;
  const names = chunks[0]!.names;
  return { data, ...(times && { timestamps: times }), ...(names && { names }) };
}

function sameAsWhole(path: string, options: CsvOptions, chunks: Series[]): void {
  const whole = readCsv(path, options);
  const j = joined(chunks);
  assert.deepEqual(j.data, whole.data);
  assert.deepEqual(j.timestamps, whole.timestamps);
  assert.deepEqual(j.names, whole.names);
}

/** The message a read fails with (whole or chunked). */
async function failure(read: () => unknown): Promise<string> {
  try {
    await read();
  } catch (err) {
    assert.ok(err instanceof DataError, `expected a DataError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('the read succeeded');
}

const rowsText = (n: number, row: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => row(i)).join('\n') + '\n';

describe('readCsvChunks', () => {
  it('reads a long file in chunks that together equal the whole read', async () => {
    // A header, a time column, two channels, blank and whitespace lines, CRLF endings.
    const body = rowsText(1000, (i) =>
      i % 97 === 5
        ? ' '
        : `2024-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z, ${Math.sin(i) * 1e3},${i / 7}\r`,
    );
    const path = scratchFile('long.csv', 'timestamp,a,b\n' + body);
    const chunks = await chunksOf(path, {}, 64);
    assert.ok(chunks.length > 10);
    assert.ok(chunks.slice(0, -1).every((c) => c.length === 64));
    sameAsWhole(path, {}, chunks);
    // Columns picked by name, in another order.
    sameAsWhole(path, { columns: ['b', 'a'] }, await chunksOf(path, { columns: ['b', 'a'] }, 50));
  });

  it('reads headerless, tab-separated, gzipped and quoted files like readCsv', async () => {
    const plain = rowsText(300, (i) => `${i},${-i / 3}`);
    const headerless = scratchFile('headerless.csv', plain);
    sameAsWhole(headerless, {}, await chunksOf(headerless, {}, 32));
    const tsv = scratchFile('t.tsv', plain.replace(/,/g, '\t'));
    const tab = { delimiter: '\t' };
    sameAsWhole(tsv, tab, await chunksOf(tsv, tab, 32));
    const gz = scratchFile('g.csv.gz', gzipSync(Buffer.from('x,y\n' + plain)));
    sameAsWhole(gz, {}, await chunksOf(gz, {}, 32));
    // Quoted cells, one of them over two lines in a column that is not read.
    const quoted = scratchFile(
      'q.csv',
      'note,"v"\n' + rowsText(200, (i) => (i === 3 ? `"two\nlines","${i}"` : `n${i},"${i}"`)),
    );
    const v = { columns: ['v'] };
    sameAsWhole(quoted, v, await chunksOf(quoted, v, 16));
  });

  it('hands a file of at most one chunk to the whole reader (one-line layout included)', async () => {
    const line = scratchFile(
      'one-line.csv',
      Array.from({ length: 500 }, (_, i) => i).join(',') + '\n',
    );
    const chunks = await chunksOf(line, {}, 64);
    assert.equal(chunks.length, 1);
    assert.deepEqual(chunks[0]!.data, readCsv(line).data);
    assert.equal(chunks[0]!.length, 500);
    const empty = scratchFile('empty.csv', 'a,b\n');
    assert.equal(await failure(() => chunksOf(empty, {}, 64)), await failure(() => readCsv(empty)));
  });

  it("gives the whole reader's message, line number included, for a bad cell far in", async () => {
    const cases: [string, string, CsvOptions?][] = [
      ['word.csv', 'a,b\n' + rowsText(400, (i) => (i === 333 ? '1,oops' : `${i},2`))],
      ['nan.csv', 'a,b\n' + rowsText(400, (i) => (i === 300 ? '1,NaN' : `${i},2`))],
      // The first row of a later chunk is one cell short.
      ['width.csv', rowsText(400, (i) => (i === 128 ? '7' : `${i},2`))],
      ['blank-lines.csv', 'a,b\n\n\n' + rowsText(400, (i) => (i === 250 ? '1,' : `${i},2\n`))],
      [
        'quoted-break.csv',
        'note,v\n' + rowsText(400, (i) => (i === 1 ? '"a\nb\nc",1' : i === 390 ? 'x,y' : `n,${i}`)),
        { columns: ['v'] },
      ],
      ['bad-time.csv', 'timestamp,v\n' + rowsText(400, (i) => (i === 200 ? 'soon,1' : `${i},1`))],
    ];
    for (const [name, text, options = {}] of cases) {
      const path = scratchFile(name, text);
      const whole = await failure(() => readCsv(path, options));
      assert.match(whole, /line \d+/);
      assert.equal(await failure(() => chunksOf(path, options, 64)), whole, name);
    }
  });

  it('refuses what readCsv refuses, naming the file', async () => {
    const missing = '/nonexistent/scores.csv';
    assert.equal(
      await failure(() => chunksOf(missing, {}, 8)),
      await failure(() => readCsv(missing)),
    );
    const notGz = scratchFile(
      'plain.csv.gz',
      rowsText(100, (i) => String(i)),
    );
    assert.equal(await failure(() => chunksOf(notGz, {}, 8)), await failure(() => readCsv(notGz)));
    const gz = gzipSync(Buffer.from(rowsText(5000, (i) => String(i))));
    const truncated = scratchFile('cut.csv.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    assert.match(
      await failure(() => chunksOf(truncated, {}, 8)),
      /cut\.csv\.gz: corrupt or truncated gzip data/,
    );
    const unclosed = scratchFile(
      'unclosed.csv',
      rowsText(100, (i) => (i === 50 ? '"1,2' : `${i},1`)),
    );
    assert.match(await failure(() => chunksOf(unclosed, {}, 8)), /unclosed\.csv.*invalid CSV/);
  });
});
