// Every window of a recurrent forecaster, one step per new input. A forecast over the
// last `window` steps starts its recurrent state at zero at the window's first step, so
// consecutive windows share no state; but the windows still open at a time step all take
// that step's input. Keeping those `window` states as the rows of one batch, a new input
// advances all of them at once (one batched, in-place cell step per layer: the same
// arithmetic as running each window through the network, in one matrix product instead of
// `window` sequential ones). The rows form a ring: at step t row t mod window is reset to
// zero (the window opening now) before the step, and row (t + 1) mod window, opened
// window - 1 steps ago, has then seen its whole window and feeds the head.
import {
  dispose,
  keep,
  noGrad,
  tensor,
  tidy,
  zeros,
  LSTM,
  type GRU,
  type Tensor,
} from '../engine/index.js';

/** Forecasts of each newest window, step by step (see the file comment). */
export interface SlidingForecast {
  /**
   * Takes the next input step ([inputs] values) and returns the network's output for the
   * window that ends with it (meaningful once `window` steps have been pushed).
   */
  push(step: Float32Array): Float32Array;
  /** Back to the state before any step. */
  reset(): void;
  /** Frees the state tensors now (the GC frees them otherwise). */
  dispose(): void;
}

/** A network that can forecast step by step (the recurrent forecasters). */
export interface SlidingForecastSource {
  slidingForecast(window: number): SlidingForecast;
}

export function hasSlidingForecast(net: object): net is SlidingForecastSource {
  return typeof (net as Partial<SlidingForecastSource>).slidingForecast === 'function';
}

/** One recurrent layer and what follows it in inference (batch norm in eval mode, say). */
export interface RecurrentStage {
  layer: LSTM | GRU;
  after?: (y: Tensor) => Tensor;
}

export class SlidingRecurrentWindows implements SlidingForecast {
  /** Per stage: h (and c for an LSTM), [window, hidden], rows as in the file comment. */
  private states: { h: Tensor; c?: Tensor }[] = [];
  /** Steps taken since the last reset. */
  private steps = 0;

  constructor(
    private readonly stages: RecurrentStage[],
    /** The head on the last layer's output of finished windows, [1, hidden] -> [1, out]. */
    private readonly head: (last: Tensor) => Tensor,
    private readonly window: number,
  ) {
    this.reset();
  }

  reset(): void {
    dispose(this.states);
    const w = this.window;
    this.states = this.stages.map(({ layer }) => {
      const h = keep(zeros([w, layer.hiddenSize]));
      return layer instanceof LSTM ? { h, c: keep(zeros([w, layer.hiddenSize])) } : { h };
    });
    this.steps = 0;
  }

  push(step: Float32Array): Float32Array {
    const w = this.window;
    const open = this.steps % w;
    const done = (open + 1) % w;
    const out = tidy(() =>
      noGrad(() => {
        // One input row for every window: the steps broadcast it over the batch.
        let y = tensor(step, [1, step.length]);
        this.stages.forEach(({ layer, after }, i) => {
          const s = this.states[i]!;
          if (layer instanceof LSTM) layer.step(y, { h: s.h, c: s.c! }, open);
          else layer.step(y, s.h, open);
          y = after ? after(s.h) : s.h;
        });
        return this.head(y.slice(0, done, done + 1)).toFloat32Array();
      }),
    );
    this.steps++;
    return out;
  }

  dispose(): void {
    dispose(this.states);
    this.states = [];
  }
}
