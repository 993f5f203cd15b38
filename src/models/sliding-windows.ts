// Every window of a recurrent forecaster, one step per new input. A forecast over the
// last `window` steps starts its recurrent state at zero at the window's first step, so
// consecutive windows share no state; but the windows still open at a time step all take
// that step's input. Keeping those `window` states as the rows of one batch, a new input
// advances all of them at once (one batched cell step per layer: the same arithmetic as
// running each window through the network, in one matrix product instead of `window`
// sequential ones), the oldest row has then seen its whole window and feeds the head, and
// a zero row starts the window that opens at the next step.
import {
  cat,
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
  /** Per stage: h (and c for an LSTM), [window, hidden]; row k opened k steps ago. */
  private states: Tensor[][] = [];
  /** Per stage, the initial state of a window, [1, hidden]. */
  private readonly zeroRows: Tensor[];

  constructor(
    private readonly stages: RecurrentStage[],
    /** The head on the last layer's output of finished windows, [1, hidden] -> [1, out]. */
    private readonly head: (last: Tensor) => Tensor,
    private readonly window: number,
  ) {
    this.zeroRows = stages.map(({ layer }) => keep(zeros([1, layer.hiddenSize])));
    this.reset();
  }

  reset(): void {
    dispose(this.states);
    this.states = this.stages.map(({ layer }) => {
      const n = layer instanceof LSTM ? 2 : 1;
      return Array.from({ length: n }, () => keep(zeros([this.window, layer.hiddenSize])));
    });
  }

  push(step: Float32Array): Float32Array {
    const w = this.window;
    const { out, states } = tidy(() =>
      noGrad(() => {
        // One input row for every window: the cells broadcast it over the batch.
        let y = tensor(step, [1, step.length]);
        const states = this.stages.map(({ layer, after }, i) => {
          const s = this.states[i]!;
          const next =
            s.length === 2
              ? (({ h, c }) => [h, c])((layer as LSTM).cell(y, s[0]!, s[1]!))
              : [(layer as GRU).cell(y, s[0]!)];
          y = after ? after(next[0]!) : next[0]!;
          return next;
        });
        const out = this.head(y.slice(0, w - 1, w)).toFloat32Array();
        // Shift: the finished window leaves, a zero state opens the next one.
        const shifted = states.map((s, i) =>
          s.map((t) => cat([this.zeroRows[i]!, t.slice(0, 0, w - 1)])),
        );
        return { out, states: shifted };
      }),
    );
    dispose(this.states);
    this.states = states.map((s) => s.map((t) => keep(t)));
    return out;
  }

  dispose(): void {
    dispose([this.states, this.zeroRows]);
    this.states = [];
  }
}
