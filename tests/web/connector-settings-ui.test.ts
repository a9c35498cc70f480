/**
 * The Connectors page's connection form in a real browser (Debian's chromium through playwright-core) against a real
 * gateway on the embedded demo (Salesforce and HubSpot sandboxes), through the admin API's `connectorKinds` and
 * `saveConnector`. A refused private-app token shows CRM_AUTH_FAILED with what to do and stores nothing (the connector
 * still works); a rename keeps the stored credentials; the right token is saved and runs now, and no secret stays in
 * the page; a new HubSpot connector is stored and listed as not running, with the restart reason; a required field left
 * empty is named and nothing is sent.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-connector-settings-token';

interface Kind { crm: string; label: string; baseUrlLabel: string; defaultBaseUrl: string | null; authKinds: { kind: string; label: string; fields: { name: string; label: string; secret: boolean; required: boolean }[] }[] }
interface Connector { id: string; name: string; baseUrl: string | null; running: boolean }

describe('admin UI: connector settings', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  let kinds: Kind[] = [];
  const api = async <T, >(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await res.json() as { data: T; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const connectors = async () => (await api<{ connectors: Connector[] }>('{ connectors { id name baseUrl running } }')).connectors;
  /** The label the catalogue gives a CRM's credential field (the form must show the catalogue's words). */
  const fieldLabel = (crm: string, kind: string, name: string) =>
    kinds.find((k) => k.crm === crm)!.authKinds.find((a) => a.kind === kind)!.fields.find((f) => f.name === name)!.label;
  const credential = (form: Locator, name: string) => form.locator(`input[name="credentials.${name}"]`);
  const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
    kinds = (await api<{ connectorKinds: Kind[] }>('{ connectorKinds { crm label baseUrlLabel defaultBaseUrl authKinds { kind label fields { name label secret required } } } }')).connectorKinds;
  } });

  async function open(): Promise<Page> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/connectors`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#connectors article.connector').first().waitFor();
    return page;
  }

  it.skipIf(!hasChromium)('a refused private-app token shows CRM_AUTH_FAILED with what to do, keeps what was typed and stores nothing', async () => {
    const page = await open();
    const hs = page.locator('article[data-connector="hubspot-demo"]');
    const edit = hs.getByRole('button', { name: 'Edit connection of HubSpot (sandbox)' });
    await edit.click();
    const form = hs.locator('form.connector-form');
    const hubspot = kinds.find((k) => k.crm === 'hubspot')!;
    const stored = (await connectors()).find((c) => c.id === 'hubspot-demo')!;
    expect(await form.getByLabel('Name').inputValue()).toBe('HubSpot (sandbox)');
    expect(await form.getByLabel(hubspot.baseUrlLabel).inputValue()).toBe(stored.baseUrl);
    expect(await form.getByLabel('How to authenticate').locator('option').allTextContents()).toEqual(hubspot.authKinds.map((a) => a.label));
    const token = credential(form, 'accessToken');
    expect(await token.getAttribute('type')).toBe('password');
    expect(await token.getAttribute('placeholder')).toBe('unchanged — leave empty to keep');
    expect(await token.inputValue()).toBe('');
    expect(await form.getByLabel(fieldLabel('hubspot', 'static', 'accessToken'), { exact: true }).count()).toBe(1);

    await token.fill('wrong-token');
    await form.getByRole('button', { name: 'Save' }).click();
    const alert = form.getByRole('alert');
    await alert.filter({ hasText: 'CRM_AUTH_FAILED' }).waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('What to do: HubSpot refused these credentials: check them');
    expect(await alert.textContent()).toContain('Nothing was stored; the connector keeps its previous settings.');
    expect(await token.inputValue()).toBe('wrong-token');
    expect(await isFocused(token)).toBe(true);
    expect(await form.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);

    // Nothing was stored: the connector still works with the sandbox token.
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(await isFocused(edit)).toBe(true);
    expect(await hs.locator('form').count()).toBe(0);
    await hs.getByRole('button', { name: 'Test connection to HubSpot (sandbox)' }).click();
    await hs.locator('.test-result.ok').waitFor({ timeout: 15_000 });
    expect(await hs.locator('.test-result').textContent()).toMatch(/^Connection works/);
    await page.close();
  });

  it.skipIf(!hasChromium)('a rename keeps the credentials; the right token runs now and leaves no secret in the page', async () => {
    const page = await open();
    const hs = page.locator('article[data-connector="hubspot-demo"]');
    const status = hs.getByRole('status');
    await hs.getByRole('button', { name: 'Edit connection of HubSpot (sandbox)' }).click();
    let form = hs.locator('form.connector-form');
    expect(await form.textContent()).toContain('The stored credentials are kept');
    await form.getByLabel('Name').fill('HubSpot sandbox EU');
    await form.getByRole('button', { name: 'Save' }).click();
    await status.filter({ hasText: /^Saved\./ }).waitFor({ timeout: 20_000 });
    expect(await hs.locator('h3').textContent()).toBe('HubSpot sandbox EU');
    const edit = hs.getByRole('button', { name: 'Edit connection of HubSpot sandbox EU' });
    expect(await isFocused(edit)).toBe(true);
    expect((await connectors()).find((c) => c.id === 'hubspot-demo')!.name).toBe('HubSpot sandbox EU');

    await edit.click();
    form = hs.locator('form.connector-form');
    expect(await form.getByLabel('Name').inputValue()).toBe('HubSpot sandbox EU');
    await form.getByLabel('Name').fill('HubSpot (sandbox)');
    await credential(form, 'accessToken').fill('sandbox-token');
    await credential(form, 'webhookSecret').fill('sandbox');
    expect(await form.textContent()).toContain('will replace the stored ones');
    const save = form.getByRole('button', { name: 'Save' });
    await save.click();
    await status.filter({ hasText: 'now runs' }).waitFor({ timeout: 20_000 });
    expect(await status.textContent()).toMatch(/^Saved\. HubSpot \(sandbox\) now runs with the new settings \(tested in [\d,]+ ms: .+\)\.$/);
    expect(await hs.locator('.connector-status strong').textContent()).toBe('Connected');
    expect(await isFocused(hs.getByRole('button', { name: 'Edit connection of HubSpot (sandbox)' }))).toBe(true);
    expect(await page.locator('#errors').textContent()).toBe('');
    // The form is gone with what was typed; opened again, every secret field is empty.
    expect(await hs.locator('input[type="password"]').count()).toBe(0);
    expect(await page.content()).not.toContain('sandbox-token');
    await hs.getByRole('button', { name: /^Edit connection/ }).click();
    expect(await hs.locator('input[type="password"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['', '']);
    await hs.getByRole('button', { name: 'Cancel' }).click();
    await hs.getByRole('button', { name: /^Test connection/ }).click();
    await hs.locator('.test-result.ok').waitFor({ timeout: 15_000 });
    await page.close();
  });

  it.skipIf(!hasChromium)('Add connector stores a new HubSpot connector, says why it waits for a restart and lists it as not running', async () => {
    const page = await open();
    const section = page.getByRole('region', { name: 'Add a connector' });
    const add = section.getByRole('button', { name: 'Add connector' });
    await add.click();
    const form = section.locator('form.connector-form');
    expect(await form.getByLabel('CRM').locator('option').allTextContents()).toEqual(kinds.map((k) => k.label));
    await form.getByLabel('CRM').selectOption({ label: 'HubSpot' });
    const hubspot = kinds.find((k) => k.crm === 'hubspot')!;
    expect(await form.getByLabel(hubspot.baseUrlLabel).inputValue()).toBe(hubspot.defaultBaseUrl);
    await form.getByLabel('Name').fill('HubSpot EU');
    expect(await form.getByLabel('Connector id').inputValue()).toBe('hubspot-eu');
    await form.getByLabel(hubspot.baseUrlLabel).fill(t.hubspotUrl);
    await form.getByLabel('How to authenticate').selectOption('static');
    // Refused first: a new connector has no previous settings to keep, and the advice does not pretend it has.
    await credential(form, 'accessToken').fill('wrong-token');
    await form.getByRole('button', { name: 'Save' }).click();
    const refusal = form.getByRole('alert');
    await refusal.filter({ hasText: 'CRM_AUTH_FAILED' }).waitFor({ timeout: 20_000 });
    expect(await refusal.textContent()).toContain('HubSpot refused these credentials');
    expect(await refusal.textContent()).not.toContain('previous settings');
    await credential(form, 'accessToken').fill('sandbox-token');
    await form.getByRole('button', { name: 'Save' }).click();
    const status = section.getByRole('status');
    await status.filter({ hasText: /^Saved\./ }).waitFor({ timeout: 20_000 });
    expect(await status.textContent()).not.toContain('now runs');
    expect((await status.textContent())!.length).toBeGreaterThan('Saved. '.length + 10);
    expect(await isFocused(add)).toBe(true);
    expect(await section.locator('form').count()).toBe(0);

    const eu = page.locator('article[data-connector="hubspot-eu"]');
    await eu.waitFor();
    expect(await eu.locator('h3').textContent()).toBe('HubSpot EU');
    expect(await eu.locator('.connector-status strong').textContent()).toBe('Not running in this process');
    expect(await page.locator('#connectors .summary').textContent()).toMatch(/^3 connectors, 2 running in this process\./);
    expect((await connectors()).find((c) => c.id === 'hubspot-eu')).toMatchObject({ name: 'HubSpot EU', running: false });
    expect(await page.content()).not.toContain('sandbox-token');
    await page.close();
  });

  /** The page with the Add connector form open, and the saveConnector requests it sends (none, when refused in the page). */
  async function openAddForm() {
    const page = await open();
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && (r.postData() ?? '').includes('saveConnector')) sent.push(r.postData()!);
    });
    const section = page.getByRole('region', { name: 'Add a connector' });
    await section.getByRole('button', { name: 'Add connector' }).click();
    return { page, form: section.locator('form.connector-form'), sent };
  }

  it.skipIf(!hasChromium)('a required field left empty is named, focused, and nothing is sent', async () => {
    const { page, form, sent } = await openAddForm();
    await form.getByLabel('CRM').selectOption('salesforce');
    await form.getByLabel('Name').fill('Salesforce EU');
    expect(await form.getByLabel('Connector id').inputValue()).toBe('salesforce-eu');
    await form.getByLabel(kinds.find((k) => k.crm === 'salesforce')!.baseUrlLabel).fill(t.salesforceUrl);
    await form.getByLabel('How to authenticate').selectOption('client-credentials');
    await credential(form, 'clientId').fill('customer-graph');
    await form.getByRole('button', { name: 'Save' }).click();
    const secretLabel = fieldLabel('salesforce', 'client-credentials', 'clientSecret');
    const alert = form.getByRole('alert');
    await alert.filter({ hasText: 'Not saved' }).waitFor();
    expect(await alert.textContent()).toBe(`Not saved — check this field: ${secretLabel}. Nothing was sent.`);
    const secret = credential(form, 'clientSecret');
    expect(await secret.getAttribute('aria-invalid')).toBe('true');
    expect(await isFocused(secret)).toBe(true);
    expect(await form.locator('[data-field="credentials.clientSecret"] .cf-error').textContent()).toContain(`Fill in ${secretLabel}`);
    expect(await credential(form, 'clientId').inputValue()).toBe('customer-graph');
    expect(sent).toEqual([]);
    expect((await connectors()).map((c) => c.id)).not.toContain('salesforce-eu');
    await page.close();
  });

  it.skipIf(!hasChromium)('a webhook user without its password is named, and nothing is sent', async () => {
    const { page, form, sent } = await openAddForm();
    await form.getByLabel('CRM').selectOption('pipedrive');
    await form.getByLabel('Name').fill('Pipedrive EMEA');
    await form.getByLabel('How to authenticate').selectOption('api-token');
    await credential(form, 'apiToken').fill('pd-token');
    await credential(form, 'webhookUser').fill('hooks');
    await form.getByRole('button', { name: 'Save' }).click();
    const passwordLabel = fieldLabel('pipedrive', 'api-token', 'webhookPassword');
    await form.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    const password = credential(form, 'webhookPassword');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('[data-field="credentials.webhookPassword"] .cf-error').textContent()).toContain(`Fill in ${passwordLabel} too`);
    expect(sent).toEqual([]);
    await page.close();
  });
});
