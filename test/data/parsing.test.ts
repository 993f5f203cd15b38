import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDecimalBytes, parseDecimalString, specialValue } from '../../src/data/decimal.js';
import { createRng, parseTimestamp } from '../../src/data/index.js';

const bytesOf = (s: string) => Buffer.from(s, 'latin1');
const parse = (s: string) => parseDecimalBytes(bytesOf(s), 0, s.length);

describe('decimal parsing from bytes', () => {
  it('reads plain decimals exactly as Number() does', () => {
    const cases = [
      '0',
      '-0',
      '1',
      '+1',
      '1.',
      '.5',
      '-.5',
      '0.032185',
      '-0.0013633',
      '8.1305',
      '1e3',
      '1E-3',
      '2.5e+10',
      '123456789012345',
      '1234567890123456789',
      '0.1',
      '3.4028235e38',
      '1e-320',
      '1e400',
      '00012.5000',
      '  7.25\r',
      '\t-3 ',
      '9007199254740993',
      '0.30000000000000004',
      '1.7976931348623157e308',
    ];
    for (const text of cases) {
      assert.equal(Object.is(parse(text), Number(text.trim())), true, `'${text}'`);
    }
  });

  it('agrees with Number() on random decimals', () => {
    const rng = createRng(11);
    for (let i = 0; i < 5000; i++) {
      const digits = 1 + rng.nextInt(20);
      let s = rng.next() < 0.5 ? '-' : '';
      for (let d = 0; d < digits; d++) s += String(rng.nextInt(10));
      const point = rng.nextInt(digits + 1);
      s = point < digits ? s.slice(0, s.length - point) + '.' + s.slice(s.length - point) : s;
      if (rng.next() < 0.3) s += `e${rng.nextInt(60) - 30}`;
      assert.equal(Object.is(parse(s), Number(s)), true, s);
      assert.equal(Object.is(parseDecimalString(s), Number(s)), true, s);
    }
  });

  it('returns NaN for anything that is not a plain decimal', () => {
    for (const text of [
      '',
      ' ',
      '.',
      '-',
      'e5',
      '1e',
      '1e+',
      '0x10',
      '1,5',
      'abc',
      '1 2',
      'nan',
      'inf',
      '1_000',
    ]) {
      assert.ok(Number.isNaN(parse(text)), `'${text}'`);
      assert.ok(Number.isNaN(parseDecimalString(text)), `'${text}'`);
    }
  });

  it('recognises NaN and infinity tokens separately', () => {
    assert.ok(Number.isNaN(specialValue('NaN')!));
    assert.equal(specialValue('-inf'), -Infinity);
    assert.equal(specialValue('Infinity'), Infinity);
    assert.equal(specialValue('none'), undefined);
  });
});

describe('timestamps', () => {
  it('reads ISO dates as UTC epoch ms', () => {
    assert.equal(parseTimestamp('2014-04-10 07:15:00'), Date.UTC(2014, 3, 10, 7, 15));
    assert.equal(parseTimestamp('2014-04-10 07:15:00.000000'), Date.UTC(2014, 3, 10, 7, 15));
    assert.equal(parseTimestamp('2014-04-10T07:15:00Z'), Date.UTC(2014, 3, 10, 7, 15));
    assert.equal(parseTimestamp('2014-04-10'), Date.UTC(2014, 3, 10));
    assert.equal(parseTimestamp('2014-04-10T09:15+02:00'), Date.UTC(2014, 3, 10, 7, 15));
    assert.equal(parseTimestamp('2014-04-10T02:15:00-0500'), Date.UTC(2014, 3, 10, 7, 15));
    assert.equal(parseTimestamp('2011-08-24 12:00:01.250'), Date.UTC(2011, 7, 24, 12, 0, 1, 250));
    assert.equal(parseTimestamp('2000-02-29'), Date.UTC(2000, 1, 29));
  });

  it('refuses impossible or foreign formats', () => {
    for (const text of [
      '2013-02-29',
      '2014-13-01',
      '2014-04-31',
      '2014-04-10 24:00:00',
      '10/04/2014',
      'timestamp',
      '',
    ]) {
      assert.ok(Number.isNaN(parseTimestamp(text)), text);
    }
  });
});
