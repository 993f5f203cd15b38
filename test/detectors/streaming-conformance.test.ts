// The conformance suite of the streaming detectors, over their registry: one
// score per row in [0, 1], scored from the past only, repeatable, non-finite
// rows scored 0 and skipped, and a spike after a settled signal scored high.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  createStreamingDetector,
  streamingDetectorEntry,
  streamingDetectorNames,
} from '../../src/detectors/streaming/registry.js';
import { scoreAsStream } from '../../src/detectors/streaming/streaming-detector.js';
import { createRng } from '../../src/data/random.js';
import { ConfigError } from '../../src/config/errors.js';
import { validateConfig } from '../../src/config/schema.js';

// A noisy daily-like sine, 3,000 rows, with a spike at row 2,500.
const SPIKE = 2500;
const rng = createRng(5);
const values = Float64Array.from({ length: 3000 }, (_, i) =>
  i === SPIKE ? 8 : Math.sin((2 * Math.PI * i) / 100) + 0.1 * (rng.next() - 0.5),
);

for (const name of streamingDetectorNames()) {
  describe(`streaming conformance: ${name}`, () => {
    const { config, probation } = streamingDetectorEntry(name).conformance;
    const fresh = () => createStreamingDetector(name, config, probation);

    test('one score per row in [0, 1]; probation rows score 0; the spike scores high', () => {
      const d = fresh();
      assert.equal(d.name, name);
      const s = scoreAsStream(d, values, { probation });
      assert.equal(s.length, values.length);
      assert.ok(s.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
      assert.ok(s.subarray(0, probation).every((v) => v === 0));
      const before = Math.max(...s.subarray(SPIKE - 500, SPIKE));
      assert.ok(s[SPIKE]! > before, `spike ${s[SPIKE]} not above the 500 rows before (${before})`);
    });

    test('scores depend on the past only and repeat exactly', () => {
      const all = scoreAsStream(fresh(), values, { probation });
      const prefix = scoreAsStream(fresh(), values.subarray(0, 1000), { probation });
      assert.deepEqual(prefix, all.subarray(0, 1000));
      assert.deepEqual(scoreAsStream(fresh(), values, { probation }), all);
    });

    test('its schema is the one source of its config: defaults, refusals, the config it keeps', () => {
      const { schema, defaults } = streamingDetectorEntry(name);
      validateConfig({ ...defaults }, schema);
      assert.deepEqual(Object.keys(defaults).sort(), Object.keys(schema).sort());
      assert.deepEqual(createStreamingDetector(name, {}, probation).config, defaults);
      assert.throws(
        () => createStreamingDetector(name, { bogus: 1 }, probation),
        (err: Error) =>
          err instanceof ConfigError &&
          err.message.startsWith(`${name} config.bogus: unknown field (known fields: `),
      );
      const [field] = Object.keys(schema);
      assert.throws(
        () => createStreamingDetector(name, { [field!]: 'nonsense' }, probation),
        (err: Error) =>
          err instanceof ConfigError &&
          err.message.startsWith(`${name} config.${field}: 'nonsense' is not `),
      );
    });

    test('a non-finite row scores 0 and leaves the later scores as if it were absent', () => {
      const withNaN = Float64Array.from([
        ...values.subarray(0, 1500),
        NaN,
        Infinity,
        ...values.subarray(1500),
      ]);
      const a = scoreAsStream(fresh(), withNaN, { probation });
      const b = scoreAsStream(fresh(), values, { probation });
      assert.equal(a[1500], 0);
      assert.equal(a[1501], 0);
      assert.deepEqual(a.subarray(1502), b.subarray(1500));
    });
  });
}

test('an unknown streaming detector is refused with the known ones', () => {
  assert.throws(
    () => createStreamingDetector('nope'),
    /unknown streaming detector 'nope' \(available: novelty-surprise, windowed-likelihood, damp/,
  );
});
