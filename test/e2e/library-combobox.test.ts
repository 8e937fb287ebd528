import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, launchBrowser, newContext } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * The library choice of /inscription on a phone: a searchable list (ARIA combobox) driven by the
 * keyboard alone when JavaScript runs, the plain native select when it does not. Demo network:
 * five libraries, among them « Point lecture de l’Étang » in Marville-l’Étang.
 */

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const PHONE = { width: 375, height: 812 };

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await server?.stop();
});

async function phonePage(javaScriptEnabled: boolean): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, server.baseUrl, { viewport: PHONE, javaScriptEnabled });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // A form sent back with its errors answers 400, which Chromium logs as a failed load.
    if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(m.text());
  });
  return { page, errors };
}

describe('library combobox on /inscription at 375 px', () => {
  it('finds a library by typing part of its town without accents, chooses it with the keyboard, and sends it', async () => {
    const { page, errors } = await phonePage(true);
    await page.goto('/inscription');
    const combobox = page.getByRole('combobox', { name: /Bibliothèque de proximité/ });
    await expect(combobox.count()).resolves.toBe(1);
    // The native select is still in the form, hidden from everyone.
    await expect(page.locator('#champ-libraryId').isHidden()).resolves.toBe(true);

    await combobox.focus();
    await page.keyboard.type('marville etang');
    const listbox = page.getByRole('listbox');
    await expect(listbox.isVisible()).resolves.toBe(true);
    await expect(combobox.getAttribute('aria-expanded')).resolves.toBe('true');
    const options = page.getByRole('option');
    await expect(options.count()).resolves.toBe(1);
    await expect(options.first().textContent()).resolves.toContain('Point lecture de l’Étang');
    // The open list is checked by axe too.
    await expectNoAxeViolations(page, '/inscription with the library list open');

    await page.keyboard.press('ArrowDown');
    const activeId = await combobox.getAttribute('aria-activedescendant');
    expect(activeId).toBeTruthy();
    await expect(page.locator(`#${activeId}`).getAttribute('aria-selected')).resolves.toBe('true');
    await page.keyboard.press('Enter');
    await expect(combobox.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(combobox.inputValue()).resolves.toBe('Marville-l’Étang — Point lecture de l’Étang');
    const chosen = await page.locator('#champ-libraryId').inputValue();
    expect(chosen).not.toBe('');

    // Escape on a closed list clears the choice: the form must not send a library nobody sees.
    await combobox.fill('');
    await page.keyboard.type('zzz');
    await expect(options.count()).resolves.toBe(0);
    await expect(page.getByRole('status').filter({ hasText: 'Aucune bibliothèque' }).count()).resolves.toBe(
      1,
    );
    await expect(page.locator('#champ-libraryId').inputValue()).resolves.toBe('');

    // Back to a real choice, then send the form with other fields missing: the library comes back.
    await combobox.fill('');
    await page.keyboard.type('hautecourt');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('form[action="/inscription"] button[type="submit"]').first().click();
    await page.waitForLoadState('load');
    // The refused form puts the keyboard on its list of errors.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('erreurs');
    const kept = page.getByRole('combobox', { name: /Bibliothèque de proximité/ });
    await expect(kept.inputValue()).resolves.toBe('Hautecourt — Médiathèque La Passerelle');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    expect(errors).toEqual([]);
  });

  it('is the native select, usable and labelled, without JavaScript', async () => {
    const { page } = await phonePage(false);
    await page.goto('/inscription');
    await expect(
      page.getByRole('combobox', { name: /Bibliothèque de proximité/ }).evaluate((e) => e.tagName),
    ).resolves.toBe('SELECT');
    const select = page.locator('#champ-libraryId');
    await select.selectOption({ label: 'Hautecourt — Médiathèque La Passerelle' });
    await page.locator('form[action="/inscription"] button[type="submit"]').first().click();
    await page.waitForLoadState('load');
    const selected = await page.locator('#champ-libraryId option:checked').textContent();
    expect(selected).toBe('Hautecourt — Médiathèque La Passerelle');
    // The error summary came back (server-side check), and no searchable input was added.
    await expect(page.locator('input[role="combobox"]').count()).resolves.toBe(0);
  });
});
