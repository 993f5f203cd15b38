// Opens an HTML report in Debian's headless Chromium with the network blocked
// and reports what rendered, what errored and what tried to leave the page.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.NORMALCY_CHROMIUM ?? '/usr/bin/chromium';

export interface RenderedReport {
  charts: { id: string; rendered: string | null; marks: number }[];
  errors: string[];
  blocked: string[];
  title: string;
}

export async function renderReport(path: string): Promise<RenderedReport> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (scripts/setup.sh does), or set NORMALCY_CHROMIUM`,
    );
  }
  const browser = await chromium.launch({
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
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector('body[data-charts-pending="0"]', { timeout: 60_000 });
    const charts = await page.$$eval('.chart', (els) =>
      els.map((el) => ({
        id: el.id,
        rendered: el.getAttribute('data-rendered'),
        marks: el.querySelectorAll(
          'svg .role-mark path, svg .role-mark line, svg .role-mark rect, canvas',
        ).length,
      })),
    );
    return { charts, errors, blocked, title: await page.title() };
  } finally {
    await browser.close();
  }
}
