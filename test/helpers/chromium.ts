// Opens an HTML report in Debian's headless Chromium with the network blocked
// and reports what rendered, what errored and what tried to leave the page.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.NORMALCY_CHROMIUM ?? '/usr/bin/chromium';

export interface ChartState {
  id: string;
  rendered: string | null;
  marks: number;
}

export interface RenderedReport {
  charts: ChartState[];
  errors: string[];
  blocked: string[];
  title: string;
}

/** A report open in Chromium; the errors and blocked requests keep collecting until close(). */
export interface OpenReport extends RenderedReport {
  page: Page;
  close(): Promise<void>;
}

/** Loads the report, waits until every chart has rendered, and leaves the page open. */
export async function openReport(path: string, renderTimeoutMs = 30_000): Promise<OpenReport> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (scripts/setup.sh does), or set NORMALCY_CHROMIUM`,
    );
  }
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) blocked.push(r.url());
    });
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector('body[data-charts-pending="0"]', { timeout: renderTimeoutMs });
    const charts = await page.$$eval('.chart', (els) =>
      els.map((el) => ({
        id: el.id,
        rendered: el.getAttribute('data-rendered'),
        marks: el.querySelectorAll(
          'svg .role-mark path, svg .role-mark line, svg .role-mark rect, canvas',
        ).length,
      })),
    );
    return {
      page,
      charts,
      errors,
      blocked,
      title: await page.title(),
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Loads the report, collects its state and closes the browser. */
export async function renderReport(
  path: string,
  renderTimeoutMs = 60_000,
): Promise<RenderedReport> {
  const r = await openReport(path, renderTimeoutMs);
  await r.close();
  return { charts: r.charts, errors: r.errors, blocked: r.blocked, title: r.title };
}
