// Scores as CSV (step, score[, anomalous]), the format `normalcy score` writes.
import { writeAtomicBy } from './atomic-write.js';

/**
 * Writes scores as CSV (step, score[, anomalous]) atomically, in blocks of rows, so
 * memory does not grow with the number of scores (5M rows whole took 1.4 GB).
 */
export function writeScoresCsv(path: string, scores: Float32Array, flags?: Uint8Array): void {
  const block = 65_536;
  writeAtomicBy(path, (out) => {
    out.write(flags ? 'step,score,anomalous\n' : 'step,score\n');
    for (let start = 0; start < scores.length; start += block) {
      let text = '';
      const end = Math.min(start + block, scores.length);
      for (let i = start; i < end; i++)
        text += flags ? `${i},${scores[i]},${flags[i]}\n` : `${i},${scores[i]}\n`;
      out.write(text);
    }
  });
}
