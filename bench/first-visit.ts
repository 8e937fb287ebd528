/**
 * What a first visit costs a phone: bytes transferred to open `/` and then `/inscription` with an
 * empty cache, in Chromium at 375 × 812 (the page, its CSS, JavaScript, fonts and icons).
 *
 *   npx tsx bench/first-visit.ts
 *
 * Starts the real server with its demo network (as the e2e tests do), opens each page in a fresh
 * browser context (empty cache, so both are true first visits) and sums, over every response,
 * the encoded body size (what went over the wire, compressed or not) and the headers. Prints one
 * row per page, then the largest responses of the first page with their Content-Encoding. A
 * second visit of `/inscription` in the same context shows what long cache lifetimes save.
 * Figures are printed, never asserted.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, newContext } from '../test/e2e/helpers/browser.js';
import { startServer } from '../test/e2e/helpers/server.js';

interface Row {
  url: string;
  status: number;
  encoding: string;
  body: number;
  headers: number;
}

async function measure(page: Page, path: string): Promise<Row[]> {
  const rows: Row[] = [];
  const pending: Promise<void>[] = [];
  const onFinished = (request: import('playwright-core').Request) => {
    pending.push(
      (async () => {
        const response = await request.response();
        const sizes = await request.sizes();
        rows.push({
          url: new URL(request.url()).pathname,
          status: response?.status() ?? 0,
          encoding: (await response?.headerValue('content-encoding')) ?? '',
          body: sizes.responseBodySize,
          headers: sizes.responseHeadersSize,
        });
      })(),
    );
  };
  page.on('requestfinished', onFinished);
  await page.goto(path, { waitUntil: 'networkidle' });
  await Promise.all(pending);
  page.off('requestfinished', onFinished);
  return rows;
}

const kB = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function summary(label: string, rows: Row[]): string {
  const body = rows.reduce((s, r) => s + Math.max(r.body, 0), 0);
  const headers = rows.reduce((s, r) => s + Math.max(r.headers, 0), 0);
  return `${label.padEnd(34)} ${String(rows.length).padStart(3)} requests  body ${kB(body).padStart(11)}  with headers ${kB(body + headers).padStart(11)}`;
}

const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
try {
  const viewport = { width: 375, height: 812 };
  const results: Array<[string, Row[]]> = [];
  for (const path of ['/', '/inscription']) {
    const context = await newContext(browser, server.baseUrl, { viewport, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    results.push([`first visit of ${path}`, await measure(page, path)]);
    if (path === '/inscription') results.push([`then ${path} again (cached)`, await measure(page, path)]);
    await context.close();
  }
  for (const [label, rows] of results) console.log(summary(label, rows));
  console.log('\nLargest responses of the first visit of /:');
  const first = [...results[0]![1]].sort((a, b) => b.body - a.body).slice(0, 8);
  for (const r of first)
    console.log(`  ${kB(r.body).padStart(10)}  ${(r.encoding || 'identity').padEnd(8)} ${r.status} ${r.url}`);
} finally {
  await browser.close();
  await server.stop();
}
