// The one look every normalcy chart shares: fonts, colours, sizes, axes.
// Builders put `config: theme` on their spec and take colours from `palette`.
import type { Config } from 'vega-lite';

/** Named colours used across charts. */
export const palette = {
  normal: '#3b6fb6',
  anomaly: '#d1495b',
  threshold: '#8c1c13',
  shade: '#f4a7a7',
  prediction: '#edae49',
  series: ['#3b6fb6', '#edae49', '#00798c', '#d1495b', '#66a182', '#8d6a9f', '#2e4057', '#a0522d'],
  grid: '#e6e6e6',
  text: '#222222',
  muted: '#666666',
} as const;

/** Fonts that exist on a Debian machine (fontconfig pulls in DejaVu) and in browsers. */
export const fontFamily = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Default plot area, in CSS pixels. */
export const chartSize = { width: 640, height: 240 } as const;

/** The shared Vega-Lite config. */
export const theme: Config = {
  background: '#ffffff',
  padding: 8,
  font: fontFamily,
  view: { stroke: '#cccccc', continuousWidth: chartSize.width, continuousHeight: chartSize.height },
  title: { fontSize: 14, fontWeight: 'bold', color: palette.text, anchor: 'start', offset: 8 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: palette.text,
    labelColor: palette.muted,
    gridColor: palette.grid,
    domainColor: '#888888',
    tickColor: '#888888',
  },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    orient: 'top-right',
    // Vega-Lite cuts labels at 160 px: "examined, labelled anomalous" lost its end.
    labelLimit: 320,
    fillColor: '#ffffffd9',
    padding: 4,
  },
  range: { category: [...palette.series] },
  line: { strokeWidth: 1.25 },
  point: { size: 18, filled: true },
  rule: { strokeWidth: 1.5 },
  concat: { spacing: 12 },
};
