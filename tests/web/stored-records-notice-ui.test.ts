/**
 * The stale stored records notice in a real browser (Debian's chromium through playwright-core) against a real gateway
 * on the embedded demo: after a save on the Field rules page that changes a Customer rule, the page says the stored
 * Customer records still follow the previous mapping version while the API answers with the new one, and its button
 * re-reads the Customer records only, after which the notice is gone; on the Sync health page the same notice (for
 * Company this time) starts the run, and the resync section follows it to its end; the Field mapping page shows it after
 * a save too. Nothing is shown when nothing is stale.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'stored-records-ui-token';
interface Run { state: string; goldenTypes: string[] | null; objects: { goldenType: string }[] }

describe('admin UI: stale stored records notice', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const version = async () => (await gql<{ mappingConfiguration: { version: number } }>('{ mappingConfiguration { version } }')).data!.mappingConfiguration.version;
  const lastRun = async () => (await gql<{ resyncStatus: Run }>('{ resyncStatus { state goldenTypes objects { goldenType } } }')).data!.resyncStatus;

  useAdminUiApp({ tokens: TOKEN, ready: (app, browser) => {
    t = app;
    session = browser;
  } });

  const open = async (hash: string): Promise<Page> => {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/${hash}`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    return page;
  };

  it.skipIf(!hasChromium)('Field rules: a saved Customer rule shows the notice; its button re-reads the Customer records and the notice goes', async () => {
    const before = await version();
    const page = await open('rules');
    await page.locator('#field-rules .summary').filter({ hasText: /is in force/ }).waitFor();
    const notice = page.locator('#field-rules .stored-records-notice');
    expect(await notice.isHidden()).toBe(true);
    await page.getByLabel('Rule for Customer lastName', { exact: true }).selectOption('most-complete');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toContain(`Saved as version ${before + 1}`);

    await notice.locator('[data-stale-type="Customer"]').waitFor({ timeout: 15_000 });
    expect(await notice.locator('[data-stale-type]').allTextContents()).toEqual([
      `Stored Customer records (list, search, subscriptions) still follow mapping version ${before}; the API already answers with version ${before + 1}.`,
    ]);
    await notice.getByRole('button', { name: 'Re-read Customer records now' }).click();
    await expect.poll(() => notice.isHidden(), { timeout: 60_000, interval: 250 }).toBe(true);
    const run = await lastRun();
    expect(run).toMatchObject({ state: 'done', goldenTypes: ['Customer'] });
    expect(new Set(run.objects.map((o) => o.goldenType))).toEqual(new Set(['Customer']));
    await page.close();
  });

  it.skipIf(!hasChromium)('Sync health: the notice for a Company change starts the run, and the resync section follows it to its end', async () => {
    const current = await gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as { types: { Company: { fields: Record<string, { rule?: unknown }> } } };
    doc.types.Company.fields.name!.rule = { strategy: 'most-complete' };
    const saved = await gql<{ saveMappingConfiguration: { version: number } }>('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) });
    expect(saved.errors).toBeUndefined();

    const page = await open('sync');
    const notice = page.locator('#sync-resync .stored-records-notice');
    await notice.locator('[data-stale-type="Company"]').waitFor({ timeout: 15_000 });
    expect(await notice.locator('[data-stale-type]').count()).toBe(1);
    const status = page.locator('#resync-status');
    // The Customer run of the test before is "the last run" until the section follows the new one.
    await expect.poll(() => status.textContent()).toMatch(/^Last run ended /);
    const previous = await status.textContent();
    await notice.getByRole('button', { name: 'Re-read Company records now' }).click();
    await expect.poll(async () => {
      const text = await status.textContent();
      return text !== previous && /^Last run ended .* golden records? changed\.$/.test(text ?? '');
    }, { timeout: 60_000, interval: 250 }).toBe(true);
    expect(await status.textContent()).toMatch(/Salesforce Account: \d+ records?/);
    expect(await status.textContent()).not.toMatch(/Contact/);
    await expect.poll(() => notice.isHidden(), { timeout: 15_000 }).toBe(true);
    expect(await lastRun()).toMatchObject({ state: 'done', goldenTypes: ['Company'] });
    await page.close();
  });

  it.skipIf(!hasChromium)('Field mapping: a saved Customer mapping change shows the notice, and its button clears it', async () => {
    const before = await version();
    const page = await open('mapping');
    await page.locator('#field-mapping .summary').filter({ hasText: /is in force/ }).waitFor();
    await page.getByLabel('Golden type').selectOption('Customer');
    await page.getByLabel('Source (CRM object)').selectOption({ label: 'HubSpot contacts' });
    await page.locator('#field-mapping .summary').filter({ hasText: 'from HubSpot contacts' }).waitFor();
    const notice = page.locator('#field-mapping .stored-records-notice');
    expect(await notice.isHidden()).toBe(true);
    await page.getByLabel('Stop reading from this source for mailingPostalCode', { exact: true }).check();
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.locator('#mapping-result').textContent(), { timeout: 30_000 }).toContain(`Saved version ${before + 1}`);

    await notice.locator('[data-stale-type="Customer"]').waitFor({ timeout: 15_000 });
    expect(await notice.locator('[data-stale-type]').allTextContents()).toEqual([
      `Stored Customer records (list, search, subscriptions) still follow mapping version ${before - 1}; the API already answers with version ${before + 1}.`,
    ]);
    await notice.getByRole('button', { name: 'Re-read Customer records now' }).click();
    await expect.poll(() => notice.isHidden(), { timeout: 60_000, interval: 250 }).toBe(true);
    expect(await lastRun()).toMatchObject({ state: 'done', goldenTypes: ['Customer'] });
    await page.close();
  });
});
