// Child process of the model-directory crash test: saves a model into argv[2]
// over and over, each generation's weights filled with its number, until killed;
// reports each finished save on stdout.
// Plain host data stands in for tensors, so the child starts without libtorch.
import { writeModelDir } from '../../src/detectors/model-dir.js';

const dir = process.argv[2]!;
let generation = Number(process.argv[3] ?? 1);
const weights = new Float32Array(64 * 1024);
const scores = new Float32Array(1000);
for (;;) {
  weights.fill(generation);
  scores.fill(generation);
  writeModelDir(
    dir,
    { detector: 'crash-test', config: { generation }, channels: 1, state: { generation } },
    { w: { dtype: 'float32', shape: [weights.length], data: () => weights } },
    { normalScores: scores },
  );
  process.stdout.write(`saved ${generation}\n`);
  generation++;
}
