import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ASSETS, DSFR_DIST } from '../../src/web/assets.js';
import { createTestApp, type TestContext } from '../helpers/app.js';

/**
 * Static files: pages name them by fingerprinted URLs, which are served compressed (brotli or
 * gzip, made ahead of time) and cached for a year; the DSFR's fonts and icons, reached by relative
 * URLs from its stylesheet, are served under the same fingerprint.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const YEAR = 'public, max-age=31536000, immutable';

function linkedAssets(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="(\/(?:dsfr|static)\/[^"]+)"/g)].map((m) => m[1]!);
}

it('names every stylesheet, script and icon of a page by a fingerprinted URL', async () => {
  const page = await ctx.app.inject('/');
  const assets = linkedAssets(page.body);
  expect(assets).toEqual(
    expect.arrayContaining([
      ASSETS.dsfrCss,
      ASSETS.iconsCss,
      ASSETS.sesameCss,
      ASSETS.dsfrJs,
      ASSETS.favicon,
    ]),
  );
  for (const url of assets) expect(url).toMatch(/^\/(dsfr|static)\/[0-9a-f]{12}\//);
});

it('serves the DSFR stylesheet in brotli, gzip or plain, as asked, cached for a year', async () => {
  const original = readFileSync(join(DSFR_DIST, 'dsfr.min.css'));

  const br = await ctx.app.inject({
    url: ASSETS.dsfrCss,
    headers: { 'accept-encoding': 'gzip, deflate, br' },
  });
  expect(br.statusCode).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['content-type']).toMatch(/^text\/css/);
  expect(br.headers['cache-control']).toBe(YEAR);
  expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
  expect(br.rawPayload.length).toBeLessThan(original.length / 5);
  expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);

  const gz = await ctx.app.inject({ url: ASSETS.dsfrCss, headers: { 'accept-encoding': 'gzip' } });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);

  const plain = await ctx.app.inject({ url: ASSETS.dsfrCss, headers: { 'accept-encoding': 'identity' } });
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.rawPayload.equals(original)).toBe(true);
  expect(plain.headers['cache-control']).toBe(YEAR);
});

it('serves Sésame’s own files compressed too', async () => {
  for (const url of [ASSETS.sesameCss, ASSETS.decisionJs]) {
    const res = await ctx.app.inject({ url, headers: { 'accept-encoding': 'br' } });
    expect(res.statusCode, url).toBe(200);
    expect(res.headers['content-encoding'], url).toBe('br');
    expect(res.headers['cache-control'], url).toBe(YEAR);
  }
});

it('serves the fonts and icons the stylesheet reaches by relative URLs', async () => {
  const css = readFileSync(join(DSFR_DIST, 'dsfr.min.css'), 'utf8');
  const font = /url\("?(fonts\/Marianne-Regular\.woff2)"?\)/.exec(css)?.[1];
  expect(font, 'font URL in the DSFR stylesheet').toBeTruthy();
  const base = ASSETS.dsfrCss.slice(0, ASSETS.dsfrCss.lastIndexOf('/') + 1);
  const res = await ctx.app.inject({ url: `${base}${font}`, headers: { 'accept-encoding': 'br' } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe(YEAR);
  expect(res.headers['content-encoding']).toBeUndefined();

  const iconsBase = ASSETS.iconsCss.slice(0, ASSETS.iconsCss.lastIndexOf('/') + 1);
  const iconsCss = readFileSync(join(DSFR_DIST, 'utility/icons/icons.min.css'), 'utf8');
  const icon = /url\("?([^")]+\.svg)"?\)/.exec(iconsCss)?.[1];
  expect(icon).toBeTruthy();
  const svg = await ctx.app.inject(new URL(icon!, `http://x${iconsBase}`).pathname);
  expect(svg.statusCode).toBe(200);
});

it('answers 404 for a stale fingerprint rather than an old file', async () => {
  const stale = ASSETS.dsfrCss.replace(/\/dsfr\/[0-9a-f]{12}\//, '/dsfr/000000000000/');
  expect((await ctx.app.inject(stale)).statusCode).toBe(404);
});
