// Scoring must see the channels training saw, in the same order. A model saved
// with channel names checks them by name: a column that is missing or renamed
// is refused with both lists, and columns in another order (or with extra
// columns beside them) are picked by name, so swapped columns are never
// scored silently. Data without names (NumPy, headerless CSV) is taken by
// position, as before.
import { DataError } from '../data/errors.js';
import { selectChannels, type Series } from '../data/series.js';
import type { Manifest } from './model-dir.js';

export interface MatchedChannels {
  series: Series;
  /** What was done, for people: undefined when the columns matched as they were. */
  note?: string;
}

export function matchTrainedChannels(
  series: Series,
  manifest: Pick<Manifest, 'channels' | 'channelNames'>,
  path: string,
): MatchedChannels {
  const trained = manifest.channelNames;
  const given = series.names;
  if (!trained || !given) {
    if (series.channels !== manifest.channels)
      throw new DataError(
        path,
        `has ${series.channels} value column(s), the model was trained on ${manifest.channels}` +
          (trained ? ` (${trained.join(', ')})` : ''),
      );
    return { series };
  }
  const missing = trained.filter((name) => !given.includes(name));
  if (missing.length > 0) {
    const unknown = given.filter((name) => !trained.includes(name));
    throw new DataError(
      path,
      `column(s) ${missing.map((n) => `'${n}'`).join(', ')} that the model was trained on ` +
        `are missing (the file has ${given.join(', ')}; the model expects ${trained.join(', ')})` +
        (unknown.length > 0
          ? `; if ${unknown.map((n) => `'${n}'`).join(', ')} is the same data renamed, rename it back`
          : ''),
    );
  }
  const same = given.length === trained.length && given.every((name, i) => name === trained[i]);
  if (same) return { series };
  const extra = given.filter((name) => !trained.includes(name));
  const reordered = selectChannels(series, trained);
  const notes: string[] = [];
  if (given.filter((n) => trained.includes(n)).some((n, i) => n !== trained[i]))
    notes.push(`columns reordered by name to the training order (${trained.join(', ')})`);
  if (extra.length > 0) notes.push(`column(s) ${extra.join(', ')} not used by the model left out`);
  return { series: reordered, note: notes.join('; ') };
}
