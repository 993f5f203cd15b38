// A growing run of consecutive rows of a series, fed chunk by chunk: chunked scoring
// keeps a sliding stretch of it, and collectSeries puts a whole series together from a
// reader's chunks (4 bytes a value, without the text of the file).
import { createSeries, type Series } from './series.js';

/** Consecutive rows of a series, from step `start` of the whole series to `end`. */
export class RowBuffer {
  start = 0;
  end = 0;
  channels = 0;
  private data = new Float32Array(0);
  private timestamps: Float64Array | undefined;
  private names: readonly string[] | undefined;
  /** The first part while it is all there is: handed out as it is, without a copy. */
  private only: Series | undefined;

  append(part: Series): void {
    if (this.channels === 0) {
      this.channels = part.channels;
      this.names = part.names;
      this.only = part;
      this.end = part.length;
      return;
    }
    this.copyIn();
    this.grow(this.end - this.start + part.length, part.timestamps !== undefined);
    const held = this.end - this.start;
    this.data.set(part.data, held * this.channels);
    if (this.timestamps && part.timestamps) this.timestamps.set(part.timestamps, held);
    this.end += part.length;
  }

  /** Steps [from, to) as a Series of their own (a copy, unless it is the whole first part). */
  slice(from: number, to: number): Series {
    if (this.only && from === 0 && to === this.end) return this.only;
    this.copyIn();
    const a = from - this.start;
    const b = to - this.start;
    return createSeries({
      data: this.data.slice(a * this.channels, b * this.channels),
      channels: this.channels,
      length: b - a,
      ...(this.timestamps && { timestamps: this.timestamps.slice(a, b) }),
      ...(this.names && { names: this.names }),
    });
  }

  /** Every held step as a Series over the buffer's own arrays (no copy). */
  held(): Series {
    if (this.only && this.start === 0) return this.only;
    this.copyIn();
    const n = this.end - this.start;
    return createSeries({
      data: this.data.subarray(0, n * this.channels),
      channels: this.channels,
      length: n,
      ...(this.timestamps && { timestamps: this.timestamps.subarray(0, n) }),
      ...(this.names && { names: this.names }),
    });
  }

  /** Forgets the steps before `step`. */
  dropBefore(step: number): void {
    const n = step - this.start;
    if (n <= 0) return;
    this.copyIn();
    const held = this.end - this.start;
    this.data.copyWithin(0, n * this.channels, held * this.channels);
    this.timestamps?.copyWithin(0, n, held);
    this.start = step;
  }

  /** Moves the first part into the buffer's own arrays. */
  private copyIn(): void {
    const first = this.only;
    if (!first) return;
    this.only = undefined;
    this.grow(first.length, first.timestamps !== undefined);
    this.data.set(first.data);
    if (first.timestamps) this.timestamps!.set(first.timestamps);
  }

  /** Room for `steps` held steps (doubling, so appends cost linear time). */
  private grow(steps: number, timed: boolean): void {
    const held = this.end - this.start;
    if (timed && !this.timestamps)
      this.timestamps = new Float64Array(this.data.length / this.channels);
    if (steps * this.channels <= this.data.length) return;
    const capacity = Math.max(steps, 2 * held);
    const data = new Float32Array(capacity * this.channels);
    data.set(this.data.subarray(0, held * this.channels));
    this.data = data;
    if (this.timestamps) {
      const times = new Float64Array(capacity);
      times.set(this.timestamps.subarray(0, held));
      this.timestamps = times;
    }
  }
}

/** The chunks of one series put together (the first chunk itself when it is the only one). */
export async function collectSeries(parts: AsyncIterable<Series>): Promise<Series> {
  const buffer = new RowBuffer();
  for await (const part of parts) buffer.append(part);
  if (buffer.channels === 0) throw new RangeError('collectSeries: no chunks');
  return buffer.held();
}
