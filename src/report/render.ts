// Rendering specs in Node: Vega-Lite -> Vega -> SVG (vega's headless View
// needs no canvas), and SVG -> PNG with resvg (a Rust rasteriser shipped as
// an npm binary package).
import { compile } from 'vega-lite';
import { parse, View, type Spec } from 'vega';
import { Resvg } from '@resvg/resvg-js';
import type { ChartSpec } from './common.js';

/** The Vega spec a Vega-Lite spec compiles to. */
export function toVegaSpec(spec: ChartSpec): Spec {
  return compile(spec).spec as Spec;
}

/** Renders a Vega-Lite spec to an SVG document. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new View(parse(toVegaSpec(spec)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density: 2 gives a sharp image on high-DPI screens (default 2). */
  scale?: number;
}

/** Rasterises an SVG document to PNG bytes. */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const scale = options.scale ?? 2;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: {
      loadSystemFonts: true,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Renders a Vega-Lite spec to PNG bytes. */
export async function renderPng(spec: ChartSpec, options: PngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}
