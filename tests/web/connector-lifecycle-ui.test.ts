/**
 * Disable / Enable and Delete… on the Connectors page in a real browser (Debian's chromium through playwright-core)
 * against a real gateway on the embedded demo (Salesforce and HubSpot sandboxes) and the admin API's
 * `setConnectorEnabled` and `deleteConnector`. Disabling the running HubSpot demo connector is confirmed in a row on the
 * card, stops it at once (the card shows "Disabled" with what that means, and offers Delete…); Enable makes it active
 * and running again. A stored HubSpot connector this process does not run is deleted
 * only once its id is typed; the card goes and focus moves to the next card's heading. The running Salesforce demo
 * connector offers no Delete…; a connector deleted behind the page's back shows NOT_FOUND in the alert region.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { ConnectorStore } from '../../db/connector-store.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-connector-lifecycle-token';

interface Connector { id: string; status: string; running: boolean }

describe('admin UI: disable, enable and delete connectors', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const connectors = async (): Promise<Connector[]> => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: '{ connectors { id status running } }' }),
    });
    const body = await res.json() as { data: { connectors: Connector[] }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data.connectors;
  };
  const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
    // A second HubSpot account stored but not run here (the demo's HubSpot connector holds the CRM's slot).
    await new ConnectorStore(t.app.database.db, t.app.cipher).upsert({
      id: 'hubspot-eu', crm: 'hubspot', name: 'HubSpot EU', baseUrl: 'https://api.hubapi.example',
      credentials: { auth: { kind: 'static', accessToken: 'eu-token-never-shown' } },
    });
  } });

  async function open(): Promise<Page> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/connectors`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#connectors article.connector').first().waitFor();
    return page;
  }

  it.skipIf(!hasChromium)('disabling the running HubSpot demo connector is confirmed, stops it at once, and Enable undoes it', async () => {
    const page = await open();
    const hs = page.locator('article[data-connector="hubspot-demo"]');
    expect(await hs.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    const disable = hs.getByRole('button', { name: 'Disable HubSpot (sandbox)', exact: true });
    await disable.focus();
    await page.keyboard.press('Enter');
    const row = hs.getByRole('group', { name: 'Disable HubSpot (sandbox)' });
    expect(await row.locator('p').textContent()).toBe('Disable HubSpot (sandbox)? It stops now: no polling, write-back waits, and its records read as unavailable until you enable it again.');
    const confirm = row.getByRole('button', { name: 'Confirm disabling HubSpot (sandbox)' });
    expect(await isFocused(confirm)).toBe(true);
    // Cancel changes nothing and gives focus back to Disable.
    await row.getByRole('button', { name: 'Cancel disabling HubSpot (sandbox)' }).click();
    expect(await row.count()).toBe(0);
    expect(await isFocused(disable)).toBe(true);
    expect((await connectors()).find((c) => c.id === 'hubspot-demo')!.status).toBe('active');

    await disable.click();
    await confirm.click();
    await hs.locator('.connector-status.off').waitFor();
    expect(await hs.locator('.connector-status strong').textContent()).toBe('Disabled');
    expect(await hs.locator('.connector-status .detail').textContent()).toContain('Not polled or written to (write-back waits)');
    expect(await page.locator('#status').textContent()).toBe('HubSpot (sandbox) is disabled.');
    expect(await page.locator('#errors').textContent()).toBe('');
    expect((await connectors()).find((c) => c.id === 'hubspot-demo')).toEqual({ id: 'hubspot-demo', status: 'disabled', running: false });
    // Stopped: Delete… is offered; focus is back on the same control, which now offers Enable.
    expect(await hs.getByRole('button', { name: 'Delete HubSpot (sandbox)…' }).count()).toBe(1);
    const enable = hs.getByRole('button', { name: 'Enable HubSpot (sandbox)', exact: true });
    expect(await isFocused(enable)).toBe(true);
    expect(await hs.getAttribute('data-status')).toBe('disabled');

    await page.keyboard.press('Enter');
    await hs.locator('.connector-status.ok').waitFor();
    expect(await hs.locator('.connector-status strong').textContent()).toBe('Connected');
    expect(await page.locator('#status').textContent()).toBe('HubSpot (sandbox) is enabled and running.');
    expect((await connectors()).find((c) => c.id === 'hubspot-demo')).toEqual({ id: 'hubspot-demo', status: 'active', running: true });
    expect(await isFocused(disable)).toBe(true);
    await page.close();
  });

  it.skipIf(!hasChromium)('deleting a connector not running here needs its id typed; the card goes and focus moves on', async () => {
    const page = await open();
    const eu = page.locator('article[data-connector="hubspot-eu"]');
    expect(await eu.locator('.connector-status strong').textContent()).toBe('Not running in this process');
    await eu.getByRole('button', { name: 'Delete HubSpot EU…' }).click();
    const form = eu.getByRole('form', { name: 'Delete HubSpot EU' });
    const input = form.getByLabel('Type the connector id hubspot-eu to confirm deleting HubSpot EU');
    expect(await isFocused(input)).toBe(true);
    const confirm = form.getByRole('button', { name: 'Confirm deleting HubSpot EU' });
    expect(await confirm.isDisabled()).toBe(true);
    await input.fill('hubspot-demo');
    expect(await confirm.isDisabled()).toBe(true);
    await input.press('Enter');
    expect(await eu.count()).toBe(1);
    expect((await connectors()).map((c) => c.id)).toContain('hubspot-eu');

    await input.fill('hubspot-eu');
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await eu.waitFor({ state: 'detached' });
    expect(await page.locator('#status').textContent()).toBe('HubSpot EU is deleted, with its credentials and change cursors; its records leave the golden records in the background (history is kept).');
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.locator('#connectors .summary').textContent()).toMatch(/^2 connectors, 2 running in this process\. /);
    expect((await connectors()).map((c) => c.id).sort()).toEqual(['hubspot-demo', 'salesforce-demo']);
    // Focus on the next card's heading.
    expect(await isFocused(page.locator('article[data-connector="salesforce-demo"] h3'))).toBe(true);
    await page.close();
  });

  it.skipIf(!hasChromium)('the running Salesforce demo connector offers no Delete…; a connector deleted meanwhile shows NOT_FOUND', async () => {
    const store = new ConnectorStore(t.app.database.db, t.app.cipher);
    await store.upsert({ id: 'hubspot-old', crm: 'hubspot', name: 'HubSpot old', baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: 'old' } } });
    const page = await open();
    const old = page.locator('article[data-connector="hubspot-old"]');
    await old.getByRole('button', { name: 'Delete HubSpot old…' }).click();
    await old.getByLabel(/^Type the connector id/).fill('hubspot-old');
    await store.remove('hubspot-old');
    await old.getByRole('button', { name: 'Confirm deleting HubSpot old' }).click();
    await expect.poll(() => page.locator('#errors').textContent()).toContain('NOT_FOUND');
    expect(await page.locator('#errors').textContent()).toContain("No connector has the id 'hubspot-old'.");

    const sf = page.locator('article[data-connector="salesforce-demo"]');
    expect(await sf.getByRole('button', { name: 'Disable Salesforce (sandbox)', exact: true }).count()).toBe(1);
    expect(await sf.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    expect(await sf.locator('button.lifecycle-delete').isHidden()).toBe(true);
    await page.close();
  });
});
