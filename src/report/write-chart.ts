// Writes a chart as SVG and PNG side by side, each file atomically.
import { writeFileAtomic } from '../io/atomic-write.js';
import type { ChartSpec } from './common.js';
import { renderSvg, svgToPng, type PngOptions } from './render.js';

export interface WrittenChart {
  svgPath: string;
  pngPath: string;
}

/**
 * Renders `spec` and writes `<basePath>.svg` and `<basePath>.png` (a trailing
 * .svg or .png on basePath is dropped first).
 */
export async function writeChart(
  basePath: string,
  spec: ChartSpec,
  options: PngOptions = {},
): Promise<WrittenChart> {
  const base = basePath.replace(/\.(svg|png)$/i, '');
  const svg = await renderSvg(spec);
  const png = svgToPng(svg, options);
  const svgPath = `${base}.svg`;
  const pngPath = `${base}.png`;
  writeFileAtomic(svgPath, svg);
  writeFileAtomic(pngPath, png);
  return { svgPath, pngPath };
}
