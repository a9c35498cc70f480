/**
 * "Deleted connectors" on the Connectors page (web/src/connector-retirements.ts, the admin API's
 * `connectorRetirements`) in a real browser (Debian's chromium through playwright-core) against a real gateway on the
 * embedded demo. A stored HubSpot EU connector with five customers of its own is deleted and its retirement stopped
 * after one pass of two links: the page says it waits with 3 of 5 links left and will continue within a minute; a
 * process holding its lease makes it "Removing 5 links of 'HubSpot EU' — 3 left"; once finished it reads "Done".
 * HubSpot APAC deleted on the page shows up there too, and ends done. The periodic check is off
 * (CUSTOMER_GRAPH_RETIREMENT_CHECK_MS=0): only the test moves the EU retirement.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { ConnectorStore } from '../../db/connector-store.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { claimRetirement, releaseRetirement } from '../../db/retirement-store.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { createRetirementResumer } from '../../sync/retirement-resumer.ts';
import type { RetirementResumer } from '../../sync/retirement-resumer.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-connector-retirements-token';

describe('admin UI: the progress of a deleted connector\'s removal', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const store = () => new ConnectorStore(t.app.database.db, t.app.cipher);
  const resumer = (extra: Partial<Parameters<typeof createRetirementResumer>[0]> = {}) => createRetirementResumer({
    db: t.app.database.db, getConfig: () => t.app.mappingConfig(), connectors: t.app.connectors, logger: pino({ level: 'silent' }), chunkSize: 2, intervalMs: 0, ...extra,
  });

  async function connectorWithCustomers(id: string, name: string, own: number): Promise<void> {
    await store().upsert({ id, crm: 'hubspot', name, baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: `${id}-token` } } });
    const db = t.app.database.db;
    const ids = Array.from({ length: own }, (_, i) => newGoldenId('Customer', Date.now() + i));
    await db.insert(goldenRecords).values(ids.map((gid, i) => ({ id: gid, entityType: 'Customer', snapshot: { email: `${id}-${i}@example.com` } })));
    await db.insert(recordLinks).values(ids.map((goldenId, i) => ({ goldenId, entityType: 'Customer', connectorId: id, crm: 'hubspot', objectType: 'contacts', recordId: `${id}-${i}` })));
  }

  useAdminUiApp({ tokens: TOKEN, start: { env: { CUSTOMER_GRAPH_RETIREMENT_CHECK_MS: '0' } }, ready: async (app, browser) => {
    t = app;
    session = browser;
    await connectorWithCustomers('hubspot-eu', 'HubSpot EU', 5);
    await connectorWithCustomers('hubspot-apac', 'HubSpot APAC', 2);
  } });

  async function open(): Promise<Page> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/connectors`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#connectors article.connector').first().waitFor();
    return page;
  }
  const headline = (page: Page, id: string) => page.locator(`#connectors li.retirement[data-retirement="${id}"] .headline`);

  it('needs the API token like every admin query', async () => {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ connectorRetirements { connectorId } }' }) });
    const body = await res.json() as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.skipIf(!hasChromium)('shows a deletion waiting, running and done, in words with its numbers', async () => {
    let page = await open();
    // Nothing deleted yet: no section.
    expect(await page.locator('#connectors .connector-retirements').isHidden()).toBe(true);
    await page.close();

    // Deleted, and its run stopped after one pass of two links.
    await store().remove('hubspot-eu', { retireLinks: true });
    let stopping: Promise<void> | undefined;
    const first: RetirementResumer = resumer({ onProgress: () => { stopping ??= first.stop(); } });
    expect(await first.retire('hubspot-eu')).toMatchObject({ linksRetired: 2, stopped: 'aborted' });
    await stopping;

    page = await open();
    const eu = page.locator('#connectors li.retirement[data-retirement="hubspot-eu"]');
    await eu.waitFor();
    expect(await page.locator('#retirements-title').textContent()).toBe('Deleted connectors');
    expect(await eu.getAttribute('class')).toBe('retirement waiting');
    expect(await headline(page, 'hubspot-eu').textContent()).toBe(
      "Waiting: 3 of 5 links of 'HubSpot EU' left to remove — nobody works on it right now; it will continue within a minute (the next check of any gateway or worker).");
    expect(await eu.locator('.detail').first().textContent()).toBe('2 retired so far; 2 golden records left without a source deleted, 0 golden records recomputed without it.');

    // A process takes it: running, with who works on it. The page reloads by itself while it is not finished.
    expect(await claimRetirement(t.app.database.db, 'hubspot-eu', 'worker-host-4711', 60_000)).toBe(true);
    await expect.poll(() => headline(page, 'hubspot-eu').textContent(), { timeout: 20_000, interval: 100 }).toBe("Removing 5 links of 'HubSpot EU' — 3 left.");
    expect(await eu.getAttribute('class')).toBe('retirement running');
    expect(await eu.locator('.detail').nth(1).textContent()).toContain('Worked on by worker-host-4711 (its lease holds until ');
    await releaseRetirement(t.app.database.db, 'hubspot-eu', 'worker-host-4711');

    // The next check finishes it: done, with its totals.
    expect((await resumer().check()).map((r) => [r.connectorId, r.linksRetired])).toEqual([['hubspot-eu', 3]]);
    await expect.poll(() => headline(page, 'hubspot-eu').textContent(), { timeout: 20_000, interval: 100 }).toBe("Done: removed 5 links of 'HubSpot EU'.");
    expect(await eu.getAttribute('class')).toBe('retirement done');
    expect(await eu.locator('.detail').first().textContent()).toMatch(/^5 golden records left without a source deleted, 0 golden records recomputed without it\. Deleted .+, finished .+\.$/);
    expect(await page.locator('#errors').textContent()).toBe('');
    await page.close();
  });

  it.skipIf(!hasChromium)('a connector deleted on the page shows up under Deleted connectors and ends done', async () => {
    const page = await open();
    const apac = page.locator('article[data-connector="hubspot-apac"]');
    await apac.getByRole('button', { name: 'Delete HubSpot APAC…' }).click();
    await apac.getByLabel(/^Type the connector id/).fill('hubspot-apac');
    await apac.getByRole('button', { name: 'Confirm deleting HubSpot APAC' }).click();
    await apac.waitFor({ state: 'detached' });
    await expect.poll(() => headline(page, 'hubspot-apac').textContent(), { timeout: 20_000, interval: 100 }).toBe("Done: removed 2 links of 'HubSpot APAC'.");
    // Newest deletion first.
    expect(await page.locator('#connectors li.retirement').evaluateAll((els) => els.map((e) => e.getAttribute('data-retirement')))).toEqual(['hubspot-apac', 'hubspot-eu']);
    await page.close();
  });
});
