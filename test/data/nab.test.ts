import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DataError,
  nabWindowsPath,
  rangesToMask,
  readNab,
  readNabCorpus,
  readNabFile,
  readNabWindows,
  windowsToRanges,
} from '../../src/data/index.js';
import { dataset } from '../helpers/datasets.js';
import { scratchFile, throwsDataError } from './support.js';

const root = dataset('nab');

describe('NAB', () => {
  it('has 116 windows over 58 files', () => {
    const windows = readNabWindows(nabWindowsPath(root));
    assert.equal(windows.size, 58);
    const total = [...windows.values()].reduce((n, list) => n + list.length, 0);
    assert.equal(total, 116);
    assert.deepEqual(windows.get('artificialNoAnomaly/art_flatline.csv'), []);
    assert.deepEqual(windows.get('artificialWithAnomaly/art_daily_jumpsup.csv'), [
      { start: Date.UTC(2014, 3, 10, 16, 15), end: Date.UTC(2014, 3, 12, 1, 45) },
    ]);
  });

  it('reads a data file with timestamps and its windows as inclusive row ranges', () => {
    const file = readNab(root, 'artificialWithAnomaly/art_daily_jumpsup.csv');
    assert.equal(file.series.length, 4032);
    assert.deepEqual(file.series.names, ['value']);
    assert.equal(file.series.timestamps![0], Date.UTC(2014, 3, 1));
    // the window's start and end timestamps are rows 2787 and 3189 of the file
    assert.deepEqual(file.windows, [[2787, 3189]]);
  });

  it('matches the per-row labels of the published Numenta results', () => {
    const name = 'realKnownCause/machine_temperature_system_failure.csv';
    const file = readNab(root, name);
    assert.equal(file.windows.length, 4);
    const results = readFileSync(
      join(
        root,
        'results',
        'numenta',
        'realKnownCause',
        'numenta_machine_temperature_system_failure.csv',
      ),
      'utf8',
    );
    const labels = results
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[4]));
    assert.deepEqual(Array.from(rangesToMask(file.windows, file.series.length)), labels);
  });

  it('reads the whole corpus, keyed by relative name', () => {
    const corpus = readNabCorpus(root);
    assert.equal(corpus.length, 58);
    assert.equal(
      corpus.reduce((n, f) => n + f.windows.length, 0),
      116,
    );
    for (const f of corpus) {
      for (const [start, end] of f.windows)
        assert.ok(0 <= start && start <= end && end < f.series.length);
    }
  });

  it('keeps repeated timestamps (DST) and converts windows by membership', () => {
    const series = readNabFile(
      join(root, 'data', 'realKnownCause', 'ec2_request_latency_system_failure.csv'),
    );
    const t = series.timestamps!;
    assert.equal(t[557], t[558]);
    const times = Float64Array.of(0, 10, 20, 20, 30, 25, 40);
    assert.deepEqual(windowsToRanges(times, [{ start: 20, end: 30 }]), [[2, 5]]);
    assert.throws(() => windowsToRanges(times, [{ start: 11, end: 19 }]), /holds no rows/);
    const back = Float64Array.of(0, 10, 30, 20, 30);
    assert.throws(
      () => windowsToRanges(back, [{ start: 25, end: 35 }]),
      /rows 2..4 but not all in between/,
    );
  });

  it('reports bad window files and files missing from them', () => {
    const bad = scratchFile('windows.json', '{"a/b.csv": [["2014-01-01", "soon"]]}');
    throwsDataError(() => readNabWindows(bad), bad, "key 'a/b.csv[0]'", 'unreadable timestamps');
    const broken = scratchFile('broken.json', '{"a/b.csv": [');
    throwsDataError(() => readNabWindows(broken), broken, 'invalid JSON');
    assert.throws(
      () => readNab(root, 'realKnownCause/nope.csv'),
      (err: unknown) =>
        err instanceof DataError &&
        /key 'realKnownCause\/nope.csv': no windows entry/.test(err.message),
    );
  });
});
