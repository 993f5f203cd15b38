// CSV reading benchmark (a script, not a test: under load a timed test fails
// for reasons that are not the reader's): the sine corpus' one-line file of
// 320,000 values, read 5 times after a warm-up; prints the median and the
// goal (100 ms). Run: node dist/bench/csv-read.js [file]
import { readCsv } from '../src/data/index.js';
import { dataset } from '../test/helpers/datasets.js';

const path = process.argv[2] ?? dataset('sine', 'normal.csv');
readCsv(path); // warm up the JIT: the timed reads are the steady state
const times: number[] = [];
let values = 0;
for (let run = 0; run < 5; run++) {
  const t0 = performance.now();
  values = readCsv(path).data.length;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[2]!;
console.log(
  `${path}: ${values} values, median read ${median.toFixed(1)} ms over 5 runs (goal < 100 ms), ${((values / median) * 1000).toFixed(0)} values/s`,
);
console.log(
  JSON.stringify({
    file: path,
    values,
    median_ms: +median.toFixed(1),
    runs_ms: times.map((t) => +t.toFixed(1)),
  }),
);
