// One self-contained HTML report: run configuration, metrics, every chart
// interactive (vega, vega-lite and vega-embed are inlined from node_modules,
// so the page needs no network), and a table of detected events.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { fmt, type ChartSpec, type XValues } from './common.js';
import type { DetectedEvent } from './events.js';
import { fontFamily, palette } from './theme.js';
import type { ImageGallery } from './image-gallery.js';

export interface ReportChart {
  title?: string;
  description?: string;
  spec: ChartSpec;
}

/** The opening of an incident report: summary line, findings, the incident table. */
export interface ReportLead {
  summary: string;
  /** Findings shown before the table (e.g. the drift guard's message). */
  findings?: readonly string[];
  head: readonly string[];
  rows: readonly (readonly string[])[];
  /** Row classes (e.g. 'tp', 'fp'), one per row. */
  rowClasses?: readonly string[];
  note?: string;
}

export interface HtmlReportInput {
  title: string;
  /** Opens the page; the configuration and metrics then move to the end. */
  lead?: ReportLead;
  /** One-line meaning per metric name, shown beside the value. */
  metricMeanings?: Record<string, string>;
  subtitle?: string;
  /** Shown in the header; default now. */
  generatedAt?: Date;
  /** Run configuration; nested objects become dotted keys. */
  config?: Record<string, unknown>;
  /** Metric name -> value. */
  metrics?: Record<string, number | string | null | undefined>;
  charts?: readonly ReportChart[];
  events?: readonly DetectedEvent[];
  /** x of each sample, to show event times next to indices (dates or epoch ms). */
  eventTimes?: XValues;
  /** Most event rows listed (default 1,000). */
  maxEventRows?: number;
  /** Image thumbnails (e.g. the most and least anomalous test images), shown before the charts. */
  galleries?: readonly ImageGallery[];
}

const require = createRequire(import.meta.url);

/** The three browser bundles, read once. */
let bundles: string[] | undefined;

function packageBuildFile(resolveId: string, file: string): string {
  return join(dirname(require.resolve(resolveId)), file);
}

/** The JavaScript inlined into every report: vega, vega-lite, vega-embed. */
export function vegaBundles(): string[] {
  if (bundles === undefined) {
    bundles = [
      packageBuildFile('vega/vega-schema.json', 'vega.min.js'),
      packageBuildFile('vega-lite/vega-lite-schema.json', 'vega-lite.min.js'),
      packageBuildFile('vega-embed', 'vega-embed.min.js'),
    ].map((path) =>
      readFileSync(path, 'utf8')
        .replace(/\/\/# sourceMappingURL=\S*/g, '')
        .replace(/<\/(script)/gi, '<\\/$1')
        .replace(/<!--/g, '<\\!--'),
    );
  }
  return bundles;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function flatten(
  obj: Record<string, unknown>,
  prefix = '',
  out: [string, string][] = [],
): [string, string][] {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      flatten(v as Record<string, unknown>, key, out);
    } else {
      out.push([key, showValue(v)]);
    }
  }
  return out;
}

function showValue(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'number') return fmt(v, 6);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

function table(head: readonly string[], rows: readonly (readonly string[])[], cls: string): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table class="${cls}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function timeOf(times: XValues | undefined, i: number): string | undefined {
  if (times === undefined || i < 0 || i >= times.length) return undefined;
  const t = times[i];
  if (t instanceof Date) return t.toISOString();
  return fmt(t as number, 10);
}

const css = `
body { font-family: ${fontFamily}; color: ${palette.text}; margin: 0; background: #f7f7f7; }
header { background: #2e4057; color: #fff; padding: 16px 24px; }
header h1 { margin: 0; font-size: 22px; }
header p { margin: 4px 0 0; opacity: 0.85; font-size: 13px; }
main { padding: 16px 24px; }
section#incidents .summary { font-size: 15px; margin: 0 0 8px; }
section#incidents .finding { background: #fff4e5; border-left: 4px solid #e08e0b; padding: 6px 10px; margin: 0 0 8px; }
table.incidents tr.tp td:last-child { color: #2a7f3f; font-weight: bold; }
table.incidents tr.fp td:last-child { color: ${palette.anomaly}; font-weight: bold; }
section { background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 12px 16px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 0 0 8px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #e6e6e6; padding: 4px 12px 4px 0; text-align: left; vertical-align: top; }
td.num, table.events td { font-variant-numeric: tabular-nums; }
.chart { margin: 8px 0 4px; min-height: 40px; }
.chart-error { color: ${palette.anomaly}; }
.note { color: ${palette.muted}; font-size: 12px; }
.gallery { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; }
.gallery figure { margin: 0; padding: 4px; border: 3px solid #ccc; border-radius: 3px; background: #fafafa; text-align: center; font-size: 11px; width: 116px; }
.gallery figure.label-0 { border-color: ${palette.normal}; }
.gallery figure.label-1 { border-color: ${palette.anomaly}; }
.gallery img { display: block; margin: 0 auto 3px; image-rendering: pixelated; }
.gallery figcaption { overflow-wrap: anywhere; }
`;

const runner = `
(function () {
  var specs = JSON.parse(document.getElementById('normalcy-specs').textContent);
  var pending = specs.length;
  document.body.setAttribute('data-charts-pending', String(pending));
  // Charts marked fullWidth take the page's width: every panel is widened to it.
  function widen(spec, width) {
    if (spec.vconcat) spec.vconcat.forEach(function (p) { widen(p, width); });
    else if (typeof spec.width === 'number') spec.width = width;
  }
  specs.forEach(function (spec, i) {
    var el = document.getElementById('chart-' + i);
    if (spec.usermeta && spec.usermeta.fullWidth) widen(spec, Math.max(300, el.clientWidth - 90));
    vegaEmbed(el, spec, {
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
    }).then(function () {
      el.setAttribute('data-rendered', 'true');
    }).catch(function (err) {
      el.setAttribute('data-rendered', 'error');
      el.classList.add('chart-error');
      el.textContent = 'This chart failed to render: ' + (err && err.message ? err.message : err);
      console.error(err);
    }).then(function () {
      pending -= 1;
      document.body.setAttribute('data-charts-pending', String(pending));
    });
  });
})();
`;

/** The report as one HTML document. */
export function buildHtmlReport(input: HtmlReportInput): string {
  const charts = input.charts ?? [];
  const generated = (input.generatedAt ?? new Date()).toISOString();
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may leave the page: no fetches, no external scripts or images.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeHtml(input.title)}</h1><p>${input.subtitle ? `${escapeHtml(input.subtitle)} · ` : ''}generated ${escapeHtml(generated)}</p></header>`,
    '<main>',
  );
  const settings: string[] = [];
  if (input.config && Object.keys(input.config).length > 0) {
    settings.push(
      '<section id="configuration"><h2>Run configuration</h2>',
      table(['setting', 'value'], flatten(input.config), 'config'),
      '</section>',
    );
  }
  if (input.metrics && Object.keys(input.metrics).length > 0) {
    const meanings = input.metricMeanings;
    const rows = Object.entries(input.metrics).map(([k, v]) =>
      meanings ? [k, showValue(v), meanings[k] ?? ''] : [k, showValue(v)],
    );
    settings.push(
      '<section id="metrics"><h2>Metrics</h2>',
      table(meanings ? ['metric', 'value', 'meaning'] : ['metric', 'value'], rows, 'metrics'),
      '</section>',
    );
  }
  if (input.lead) {
    const lead = input.lead;
    parts.push(
      '<section id="incidents">',
      `<h2>Incidents</h2><p class="summary">${escapeHtml(lead.summary)}</p>`,
    );
    for (const f of lead.findings ?? []) parts.push(`<p class="finding">${escapeHtml(f)}</p>`);
    if (lead.rows.length > 0) {
      const th = lead.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
      const body = lead.rows
        .map((r, k) => {
          const cls = lead.rowClasses?.[k];
          return `<tr${cls ? ` class="${escapeHtml(cls)}"` : ''}>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
        })
        .join('\n');
      parts.push(
        `<table class="incidents"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`,
      );
    }
    if (lead.note) parts.push(`<p class="note">${escapeHtml(lead.note)}</p>`);
    parts.push('</section>');
  } else {
    parts.push(...settings);
  }
  (input.galleries ?? []).forEach((g, i) => parts.push(gallerySection(g, i)));
  if (charts.length > 0) {
    parts.push('<section id="charts"><h2>Charts</h2>');
    parts.push(
      '<p class="note">Drag to pan and scroll to zoom where a chart allows it; double-click resets. Hover for values.</p>',
    );
    charts.forEach((c, i) => {
      if (c.title) parts.push(`<h3>${escapeHtml(c.title)}</h3>`);
      if (c.description) parts.push(`<p class="note">${escapeHtml(c.description)}</p>`);
      parts.push(`<div class="chart" id="chart-${i}" data-rendered="false"></div>`);
    });
    parts.push('</section>');
  }
  if (input.events !== undefined) {
    const max = input.maxEventRows ?? 1000;
    const shown = input.events.slice(0, max);
    const withTime = input.eventTimes !== undefined;
    const head = withTime
      ? ['#', 'start', 'end', 'start time', 'end time', 'length', 'peak score', 'peak at']
      : ['#', 'start', 'end', 'length', 'peak score', 'peak at'];
    const rows = shown.map((e, k) => {
      const base = [String(k + 1), String(e.start), String(e.end)];
      if (withTime)
        base.push(timeOf(input.eventTimes, e.start) ?? '', timeOf(input.eventTimes, e.end) ?? '');
      base.push(String(e.end - e.start + 1), fmt(e.peakScore, 6), String(e.peakIndex));
      return base;
    });
    parts.push(`<section id="events"><h2>Detected events (${input.events.length})</h2>`);
    if (input.events.length === 0)
      parts.push('<p class="note">No sample scored above the threshold.</p>');
    else parts.push(table(head, rows, 'events'));
    if (input.events.length > shown.length) {
      parts.push(
        `<p class="note">The first ${shown.length} of ${input.events.length} events are listed.</p>`,
      );
    }
    parts.push('</section>');
  }
  if (input.lead) parts.push(...settings);
  parts.push('</main>');
  parts.push(
    `<script type="application/json" id="normalcy-specs">${scriptJson(charts.map((c) => c.spec))}</script>`,
  );
  for (const js of vegaBundles()) parts.push(`<script>${js}</script>`);
  parts.push(`<script>${runner}</script>`, '</body>', '</html>', '');
  return parts.join('\n');
}

function gallerySection(g: ImageGallery, i: number): string {
  const figures = g.images.map((im) => {
    const src = `data:image/png;base64,${Buffer.from(im.png).toString('base64')}`;
    const cls = im.label === undefined ? '' : ` class="label-${im.label ? 1 : 0}"`;
    return `<figure${cls}><img src="${src}" alt="${escapeHtml(im.caption)}"><figcaption>${escapeHtml(im.caption)}<br>score ${escapeHtml(fmt(im.score, 4))}</figcaption></figure>`;
  });
  return [
    `<section class="images" id="gallery-${i}"><h2>${escapeHtml(g.title)}</h2>`,
    g.description ? `<p class="note">${escapeHtml(g.description)}</p>` : '',
    `<div class="gallery">${figures.join('')}</div>`,
    '</section>',
  ].join('\n');
}

/** Writes the report atomically and returns its path. */
export function writeHtmlReport(path: string, input: HtmlReportInput): string {
  writeFileAtomic(path, buildHtmlReport(input));
  return path;
}
