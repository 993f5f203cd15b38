// Scores as CSV (step, score[, anomalous]), the format `normalcy score` writes.
import { writeFileAtomic } from './atomic-write.js';

/** Writes scores as CSV (step, score[, anomalous]) atomically. */
export function writeScoresCsv(path: string, scores: Float32Array, flags?: Uint8Array): void {
  const lines: string[] = [flags ? 'step,score,anomalous' : 'step,score'];
  for (let i = 0; i < scores.length; i++) {
    lines.push(flags ? `${i},${scores[i]},${flags[i]}` : `${i},${scores[i]}`);
  }
  writeFileAtomic(path, lines.join('\n') + '\n');
}
