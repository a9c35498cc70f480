/**
 * The GraphQL IDE at /graphql in a real browser: its editor's language workers load from the gateway (no CDN), so
 * completion knows the schema — golden fields under a customer, and `customerChanged` under a subscription, which
 * the HTTP introspection now includes.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import type { BrowserSession } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { TestApp } from '../support/test-app.ts';

/** Types at the end of the query editor and asks for completions; answers the labels the editor offers. */
async function complete(page: Page, text: string): Promise<string[]> {
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Control+Space');
  const widget = page.locator('.suggest-widget.visible');
  await widget.waitFor({ timeout: 15_000 });
  await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({ timeout: 15_000 });
  const labels = await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allTextContents();
  await page.keyboard.press('Escape');
  return labels.map((l) => l.trim());
}

describe('GraphQL IDE in a browser', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  useAdminUiApp({ tokens: 'ide-test-token', ready: (app, browser) => { t = app; session = browser; } });

  it.skipIf(!hasChromium)('loads its editor workers from the gateway and completes golden fields and customerChanged from the schema', async () => {
    const page = await session!.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    const workers: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/monacoeditorwork/')) workers.push(new URL(r.url()).pathname); });
    await page.goto(t.url, { waitUntil: 'load' });
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 30_000 });

    const inCustomer = await complete(page, '\nquery Try { customers(first: 1) { edges { node { mai');
    expect(inCustomer).toEqual(expect.arrayContaining(['mailingCity', 'mailingCountry']));
    // Only schema fields: words from the document (`mappingSuggestions`) are not offered as fields of Customer.
    expect(inCustomer).not.toContain('mappingSuggestions');
    await page.keyboard.press('Control+End');
    const inSubscription = await complete(page, '} } } }\nsubscription Follow { cus');
    expect(inSubscription).toContain('customerChanged');

    expect(workers).toEqual(expect.arrayContaining(['/graphql/ide/monacoeditorwork/graphql.worker..bundle.js']));
    expect(consoleErrors.filter((e) => /web worker|toUrl/i.test(e))).toEqual([]);
    await page.close();
  });
});
