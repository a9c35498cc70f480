/**
 * The admin UI's Connectors page in a real browser (Debian's chromium through playwright-core) against a real gateway
 * on the embedded demo (the Salesforce and HubSpot sandboxes). The page must show the missing token with its code,
 * then a card per stored connector — "Connected", the objects the mapping reads, the rate budget in words with bars
 * matching the API — and "Test connection" must say the connection works; with the HubSpot sandbox answering server
 * errors it must show CRM_UNAVAILABLE with what to do, keeping keyboard focus on the button. Refresh shows a stored
 * status (credentials refused) and a stored connector this process does not run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { eq } from 'drizzle-orm';
import { ConnectorStore } from '../../db/connector-store.ts';
import { recordPollFailure, recordPollSuccess } from '../../db/poll-status-store.ts';
import { connectors } from '../../db/schema.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-connectors-token';

interface Budget { daily: { used: number; limit: number; remaining: number } | null; totals: { sent: number } }

describe('admin UI: connectors', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const budgets = async (): Promise<Map<string, Budget>> => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: '{ connectors { id rateBudget { daily { used limit remaining } totals { sent } } } }' }),
    });
    const body = await res.json() as { data: { connectors: { id: string; rateBudget: Budget }[] } };
    return new Map(body.data.connectors.map((c) => [c.id, c.rateBudget]));
  };
  const faults = (rules: unknown[]) => fetch(`${t.hubspotUrl}/_sandbox/faults`, {
    method: rules.length ? 'PUT' : 'DELETE', headers: { 'content-type': 'application/json' }, body: rules.length ? JSON.stringify(rules) : undefined,
  });

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
  } });
  afterEach(async () => {
    if (t?.hubspotUrl) await faults([]);
  });

  it.skipIf(!hasChromium)('#/connectors lists each connector in words and Test connection says it works', async () => {
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/connectors`);
    await expect.poll(() => page.locator('#errors').textContent()).toContain('UNAUTHENTICATED');
    expect(await page.locator('#connectors .summary').textContent()).toContain('could not be loaded');
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#connectors article.connector').first().waitFor();
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.title()).toBe('Connectors · customer-graph');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Connectors');
    expect(await page.locator('#connectors article.connector').evaluateAll((els) => els.map((e) => e.getAttribute('data-connector')))).toEqual(['hubspot-demo', 'salesforce-demo']);
    expect(await page.locator('#connectors .summary').textContent()).toMatch(/^2 connectors, 2 running in this process\. As of /);

    const sf = page.locator('article[data-connector="salesforce-demo"]');
    const hs = page.locator('article[data-connector="hubspot-demo"]');
    expect(await sf.locator('h3').textContent()).toBe('Salesforce (sandbox)');
    expect(await sf.locator('.connector-status').textContent()).toBe('Connected');
    expect(await sf.locator('ul.objects li').allTextContents()).toEqual([
      'Contact — feeds the golden Customer', 'Account — feeds the golden Company', 'Opportunity — feeds the golden Deal']);
    expect(await hs.locator('ul.objects li').allTextContents()).toEqual([
      'contacts — feeds the golden Customer', 'companies — feeds the golden Company', 'deals — feeds the golden Deal']);
    // How changes reach the graph: HubSpot pushes them (the demo connector has its webhook secret), Salesforce is polled.
    const changesArrive = async (card: typeof sf) => card.locator('dt', { hasText: 'Changes arrive' }).locator('xpath=following-sibling::dd[1]').textContent();
    expect(await changesArrive(hs)).toBe('As they happen, by webhook; polling catches what a webhook misses');
    expect(await changesArrive(sf)).toBe('By polling (this connector takes no webhooks)');
    // The daily budget in words and as a bar, as the API reports it (no CRM call happens between the two reads).
    const api = await budgets();
    const daily = api.get('salesforce-demo')!.daily!;
    const n = (x: number) => x.toLocaleString('en-US');
    expect(await sf.locator('li.budget-daily span').textContent()).toBe(`${n(daily.used)} of ${n(daily.limit)} daily API calls used (${n(daily.remaining)} left).`);
    const meter = sf.locator('li.budget-daily meter');
    expect(await meter.getAttribute('value')).toBe(String(daily.used));
    expect(await meter.getAttribute('max')).toBe(String(daily.limit));
    expect(await page.getByRole('meter').count()).toBeGreaterThanOrEqual(2);
    expect(await hs.locator('li.budget-window span').textContent()).toMatch(/^[\d,]+ of [\d,]+ calls used in the current 10-second window\.$/);
    expect(await hs.locator('li.budget-waiting').textContent()).toBe('No call is waiting for budget.');
    expect(await hs.locator('li.budget-totals').textContent()).toContain(`${n(api.get('hubspot-demo')!.totals.sent)} calls sent`);

    await hs.getByRole('button', { name: 'Test connection to HubSpot (sandbox)' }).click();
    await hs.locator('.test-result.ok').waitFor({ timeout: 15_000 });
    expect(await hs.locator('.test-result').textContent()).toMatch(/^Connection works — read the description of contacts in \d+ ms\.$/);
    expect(await page.locator('#status').textContent()).toBe('HubSpot (sandbox): the connection works.');
    expect(await page.locator('#errors').textContent()).toBe('');
    // The card shows the budget after the test: one more call sent.
    expect(await hs.locator('li.budget-totals').textContent()).toContain(`${n(api.get('hubspot-demo')!.totals.sent + 1)} calls sent`);
    await page.close();
  });

  it.skipIf(!hasChromium)('a failing CRM shows its code and what to do, by keyboard, with focus kept on the button', async () => {
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByRole('link', { name: 'Connectors' }).click();
    const hs = page.locator('article[data-connector="hubspot-demo"]');
    await hs.waitFor();
    await faults([{ kind: 'server-error', rate: 1 }]);
    const button = hs.getByRole('button', { name: 'Test connection to HubSpot (sandbox)' });
    await button.focus();
    await page.keyboard.press('Enter');
    await hs.locator('.test-result.error').waitFor({ timeout: 20_000 });
    const result = await hs.locator('.test-result').textContent();
    expect(result).toMatch(/^Connection failed after [\d,]+ ms \(contacts\): CRM_UNAVAILABLE — hubspot: /);
    expect(result).toContain(`What to do: HubSpot could not be reached or answered with an error. Check HubSpot's status page, and that the address ${t.hubspotUrl.replace(/\/$/, '')} is right`);
    expect(await page.locator('#errors').textContent()).toContain('CRM_UNAVAILABLE');
    expect(await page.locator('#errors').textContent()).toContain('Testing HubSpot (sandbox) failed: hubspot: ');
    expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
    // The other connector still works.
    await faults([]);
    const sf = page.locator('article[data-connector="salesforce-demo"]');
    await sf.getByRole('button', { name: /^Test connection/ }).click();
    await sf.locator('.test-result.ok').waitFor({ timeout: 15_000 });
    expect(await page.locator('#errors').textContent()).toBe('');
    await page.close();
  });

  it.skipIf(!hasChromium)('Refresh shows refused credentials with what to do, and a stored connector not running here', async () => {
    const store = new ConnectorStore(t.app.database.db, t.app.cipher);
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/connectors`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#connectors .summary').filter({ hasText: '2 connectors' }).waitFor();
    await store.setStatus('hubspot-demo', 'needs_reauthorisation', 'hubspot: 401 the access token is invalid');
    await store.upsert({ id: 'hubspot-eu', crm: 'hubspot', name: 'HubSpot EU', baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: 'eu-token-never-shown' } } });
    try {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator('#connectors .summary').filter({ hasText: '3 connectors' }).waitFor();
      expect(await page.locator('#connectors .summary').textContent()).toMatch(/^3 connectors, 2 running in this process\. Needs attention: HubSpot \(sandbox\)\. As of /);
      const hs = page.locator('article[data-connector="hubspot-demo"] .connector-status');
      expect(await hs.getAttribute('class')).toBe('connector-status error');
      expect(await hs.textContent()).toBe('Needs new credentials: hubspot: 401 the access token is invalid'
        + 'Re-authorise: choose Edit connection and enter new credentials; the gateway tests them before storing them. '
        + 'Credentials in the environment (HUBSPOT_ACCESS_TOKEN) still work too: they seed the connector at start, and a changed value there wins again at the next start.');
      const eu = page.locator('article[data-connector="hubspot-eu"]');
      expect(await eu.locator('.connector-status strong').textContent()).toBe('Not running in this process');
      expect(await eu.locator('.connector-status .detail').textContent()).toBe('Another HubSpot connector is in use: the gateway runs one per CRM.');
      expect(await eu.getByRole('button', { name: /^Test connection/ }).isDisabled()).toBe(true);
      expect(await eu.locator('section[aria-label="Rate budget: HubSpot EU"]').textContent()).toContain('No live rate budget: the connector is not running in this process.');
      expect(await page.content()).not.toContain('eu-token-never-shown');
    } finally {
      await store.setStatus('hubspot-demo', 'active', null);
    }
    await page.close();
  });

  it.skipIf(!hasChromium)('a connector down at start, and a running one whose polls fail, need attention instead of reading "Connected"', async () => {
    const store = new ConnectorStore(t.app.database.db, t.app.cipher);
    await store.upsert({ id: 'salesforce-eu', crm: 'salesforce', name: 'Salesforce EU', baseUrl: 'https://eu.salesforce.example', credentials: { auth: { kind: 'static', accessToken: 'x' } } });
    await store.setStatus('salesforce-eu', 'unavailable', 'salesforce: could not be reached (ECONNREFUSED); next try in 40 s.');
    // Applying HubSpot's changes needed Salesforce's values, which could not be read (as sync/poller.ts records it).
    await recordPollFailure(t.app.database.db, 'hubspot-demo', 'contacts', { code: 'CRM_UNAVAILABLE', message: 'salesforce: could not be reached', crm: 'salesforce' });
    try {
      const page = await newPage();
      await page.goto(`${t.app.server.url}/admin/#/connectors`);
      await page.getByLabel('API token').fill(TOKEN);
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.locator('article[data-connector="salesforce-eu"]').waitFor();
      expect(await page.locator('#connectors .summary').textContent()).toMatch(/Needs attention: HubSpot \(sandbox\), Salesforce EU\./);
      const eu = page.locator('article[data-connector="salesforce-eu"] .connector-status');
      expect(await eu.getAttribute('class')).toBe('connector-status error');
      expect(await eu.locator('strong').textContent()).toBe('Not connected: Salesforce could not be read when this connector was to start');
      expect(await eu.locator('.detail').textContent()).toMatch(/^salesforce: could not be reached \(ECONNREFUSED\); next try in 40 s\. The gateway tries again by itself/);
      const hs = page.locator('article[data-connector="hubspot-demo"] .connector-status');
      expect(await hs.getAttribute('class')).toBe('connector-status error');
      expect(await hs.locator('strong').textContent()).toBe('Connected, but changes of contacts cannot be brought up to date: Salesforce could not be reached');
      // A test of the connection answers the connector alone: the card keeps what Sync health said.
      await page.locator('article[data-connector="hubspot-demo"]').getByRole('button', { name: /^Test connection/ }).click();
      await page.locator('article[data-connector="hubspot-demo"] .test-result').filter({ hasText: /works|failed/ }).waitFor({ timeout: 15_000 });
      expect(await hs.locator('strong').textContent()).toMatch(/^Connected, but changes of contacts/);
      await recordPollSuccess(t.app.database.db, 'hubspot-demo', 'contacts', { records: 1 });
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(() => hs.locator('strong').textContent()).toBe('Connected');
      await page.close();
    } finally {
      await recordPollSuccess(t.app.database.db, 'hubspot-demo', 'contacts', { records: 0 });
      await t.app.database.db.delete(connectors).where(eq(connectors.id, 'salesforce-eu'));
    }
  });

  async function newPage(): Promise<Page> {
    return session!.newPage();
  }
});
