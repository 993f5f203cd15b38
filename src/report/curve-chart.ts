// What the ROC and precision-recall charts share: one or more detectors' curves in the
// unit square, each named in the legend (with its summary metric when given) and drawn
// as a line in input order.
import { checkLength, curveRows, fmt, type NumericArray, type Row } from './common.js';
import { DEFAULT_MAX_POINTS } from './downsample.js';

export function curveLabel(name: string, metric: string, value: number | undefined): string {
  return value === undefined ? name : `${name} (${metric} ${fmt(value, 3)})`;
}

/** How a chart reads its curves. */
export interface CurveKind<C> {
  /** The builder, for errors ('rocChart'). */
  chart: string;
  /** The y values' name, for length errors ('tpr'). */
  yName: string;
  /** The summary metric named after a curve in the legend ('AUC'). */
  metric: string;
  points(c: C): { x: NumericArray; y: NumericArray; value: number | undefined };
}

/**
 * Rows of every curve (field `curve` holds its legend name) and the names in order;
 * `each` sees each curve with its name as it is read.
 */
export function namedCurveRows<C extends { name?: string }>(
  input: C | readonly C[],
  kind: CurveKind<C>,
  maxPoints: number = DEFAULT_MAX_POINTS,
  each?: (c: C, name: string) => void,
): { rows: Row[]; names: string[] } {
  const curves = Array.isArray(input) ? (input as readonly C[]) : [input as C];
  if (curves.length === 0) throw new Error(`${kind.chart}: no curves`);
  const rows: Row[] = [];
  const names: string[] = [];
  curves.forEach((c, k) => {
    const p = kind.points(c);
    checkLength(`${kind.chart}: ${kind.yName}`, p.y, p.x.length);
    const name = curveLabel(
      c.name ?? (curves.length === 1 ? 'detector' : `detector ${k + 1}`),
      kind.metric,
      p.value,
    );
    names.push(name);
    for (const r of curveRows(p.x, p.y, { curve: name }, maxPoints)) rows.push(r);
    each?.(c, name);
  });
  return { rows, names };
}

/** An axis of the unit square: its title, and its shorter title in tooltips. */
export interface CurveAxis {
  title: string;
  tooltip: string;
}

/** The curves as lines, coloured by name, each drawn in its input order. */
export function curveLineLayer(
  rows: Row[],
  names: readonly string[],
  o: { mark: object; x: CurveAxis; y: CurveAxis; legend: string },
): object {
  const axis = (field: string, a: CurveAxis): object => ({
    field,
    type: 'quantitative',
    title: a.title,
    scale: { domain: [0, 1] },
  });
  return {
    data: { values: rows },
    mark: o.mark,
    encoding: {
      x: axis('x', o.x),
      y: axis('y', o.y),
      color: {
        field: 'curve',
        type: 'nominal',
        title: null,
        scale: { domain: names },
        legend: { orient: o.legend },
      },
      order: { field: 'i', type: 'quantitative' },
      tooltip: [
        { field: 'curve', type: 'nominal' },
        { field: 'x', type: 'quantitative', title: o.x.tooltip, format: '.4~g' },
        { field: 'y', type: 'quantitative', title: o.y.tooltip, format: '.4~g' },
      ],
    },
  };
}
