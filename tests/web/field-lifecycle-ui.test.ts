/**
 * The Field mapping page's field lifecycle in a real browser (Debian's chromium through playwright-core) against a
 * real gateway on the embedded demo: after three requests from crm-portal asking for Customer.department, its row says
 * "3 requests" and crm-portal; "Deprecate…" with a reason and Save deprecates it in the API (introspection) with that
 * reason and the row shows the badge; "Remove field" and Save is refused by the gateway (BREAKING_CHANGE), shown in
 * words with its usage, storing nothing, until "Remove anyway" is ticked and "Save anyway" pressed: then the stored
 * document has no department and asking for it fails. Every control is reached by its label.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'lifecycle-test-token';
const REASON = 'Use title: departments are no longer kept in the CRMs.';
const ASK_DEPARTMENT = '{ customers(first: 2) { edges { node { department } } } }';

interface Doc { types: Record<string, { fields: Record<string, { type: string; deprecated?: string }> }> }
interface Introspected { name: string; isDeprecated: boolean; deprecationReason: string | null }

describe('admin UI: field lifecycle (usage, deprecate, remove)', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const stored = async () => {
    const res = await gql<{ mappingConfiguration: { version: number; document: string } }>('{ mappingConfiguration { version document } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc };
  };
  const department = async () => {
    const res = await gql<{ __type: { fields: Introspected[] } }>('{ __type(name: "Customer") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }', {}, null);
    expect(res.errors).toBeUndefined();
    return res.data!.__type.fields.find((f) => f.name === 'department');
  };
  const askDepartment = async (client?: string) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(client ? { 'apollographql-client-name': client } : {}) },
      body: JSON.stringify({ query: ASK_DEPARTMENT }),
    });
    return await res.json() as { data?: unknown; errors?: { message: string }[] };
  };

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
  } });

  it('the bundled page asks for field usage, which is token-guarded', async () => {
    const js = await (await fetch(`${t.app.server.url}/admin/app.js`)).text();
    expect(js).toContain('fieldUsage');
    expect(js).toContain('allowBreakingChanges');
    expect((await gql('{ fieldUsage(type: "Customer") { coordinate } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.skipIf(!hasChromium)('three requests from crm-portal asking for department show in its row; a field nobody asked for says so', async () => {
    for (let i = 0; i < 3; i++) expect((await askDepartment('crm-portal')).errors).toBeUndefined();
    const page = await openMapping();
    await expect.poll(() => page.locator('th', { hasText: 'Asked for (30 days)' }).count()).toBe(1);
    const usage = page.locator('tr[data-field="department"] td.usage');
    expect(await usage.textContent()).toMatch(/^3 requests · last \d+ (s|min) ago · crm-portal$/);
    expect(await page.locator('tr[data-field="mailingPostalCode"] td.usage').textContent()).toBe('not asked for');
    await page.close();
  });

  it.skipIf(!hasChromium)('Deprecate… with a reason and Save deprecates department in the API with that reason; the row shows the badge', async () => {
    const before = await stored();
    const page = await openMapping();
    const row = page.locator('tr[data-field="department"]');
    expect(await row.locator('.deprecated-badge').count()).toBe(0);
    await page.getByRole('button', { name: 'Deprecate… department', exact: true }).click();
    const reason = page.getByLabel('Why is department deprecated?');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reason-department');
    expect(await reason.getAttribute('placeholder')).toBe('what to use instead');
    // A reason is required: nothing becomes pending without one.
    await page.getByRole('button', { name: 'Deprecate department', exact: true }).click();
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#mapping-changes').textContent()).toBe('No unsaved changes.');
    await reason.fill(REASON);
    await reason.press('Enter');
    expect(await page.locator('#mapping-changes').textContent()).toBe(`1 unsaved change: department: deprecate — '${REASON}'.`);
    expect(await row.getAttribute('class')).toContain('changed');
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toBe(`Saved version ${before.version + 1}: department: deprecate — '${REASON}'.`);
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mapping-result');

    expect(await department()).toEqual({ name: 'department', isDeprecated: true, deprecationReason: REASON });
    expect((await stored()).doc.types.Customer!.fields.department!.deprecated).toBe(REASON);
    await expect.poll(() => row.locator('.deprecated-badge').textContent()).toBe(`Deprecated: ${REASON}`);
    // Un-deprecate is a pending change too, and Undo takes it back (focus stays in the row).
    await page.getByRole('button', { name: 'Un-deprecate department', exact: true }).click();
    expect(await page.locator('#mapping-changes').textContent()).toBe('1 unsaved change: department: un-deprecate.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Undo department: un-deprecate');
    await page.keyboard.press('Enter');
    expect(await page.locator('#mapping-changes').textContent()).toBe('No unsaved changes.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Un-deprecate department');
    await page.close();
  });

  it.skipIf(!hasChromium)('removing a field nobody asked for says so and still asks for the confirmation; changing the edits withdraws it', async () => {
    const before = await stored();
    const page = await openMapping();
    await page.getByLabel('Remove field mailingPostalCode', { exact: true }).check();
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.locator('#mapping-problems li').allTextContents(), { timeout: 30_000 })
      .toEqual(['Customer.mailingPostalCode would be removed — nobody asked for it in the last 30 days']);
    expect(await page.locator('#mapping-problems').textContent()).toContain('Nobody asked for it in the last 30 days');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mapping-remove-anyway');
    expect((await stored()).version).toBe(before.version);
    await page.getByLabel('Remove field mailingPostalCode', { exact: true }).uncheck();
    expect(await page.locator('#mapping-problems').textContent()).toBe('');
    expect(await page.locator('#mapping-changes').textContent()).toBe('No unsaved changes.');
    await page.close();
  });

  it.skipIf(!hasChromium)('Remove field is refused with BREAKING_CHANGE in words, storing nothing, until "Remove anyway" and Save anyway', async () => {
    const before = await stored();
    const page = await openMapping();
    const remove = page.getByLabel('Remove field department', { exact: true });
    await remove.check();
    expect(await page.locator('tr[data-field="department"] .warning').textContent()).toContain('asked for in 3 requests');
    expect(await page.locator('#mapping-changes').textContent()).toBe('1 unsaved change: department: remove field.');
    await page.getByRole('button', { name: 'Save 1 change' }).click();

    const change = page.locator('#mapping-problems li[data-coordinate="Customer.department"]');
    await expect.poll(() => change.textContent(), { timeout: 30_000 })
      .toMatch(/^Customer\.department would be removed — asked for in 3 requests in the last 30 days, last at .+, by crm-portal$/);
    expect(await page.locator('#errors .code').first().textContent()).toBe('BREAKING_CHANGE');
    // In the page's words, not the API's (no "allowBreakingChanges: true" for someone who cannot send it).
    expect(await page.locator('#errors').textContent()).not.toContain('allowBreakingChanges');
    expect(await page.locator('#errors').textContent()).toContain('confirm with "Save anyway"');
    const anyway = page.getByLabel('Remove anyway: clients still asking for these fields will get errors');
    expect(await anyway.isChecked()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mapping-remove-anyway');
    const saveAnyway = page.getByRole('button', { name: 'Save anyway' });
    expect(await saveAnyway.isDisabled()).toBe(true);
    const refused = await stored();
    expect(refused.version).toBe(before.version);
    expect(refused.doc).toEqual(before.doc);
    expect(await remove.isChecked()).toBe(true);

    await anyway.check();
    await saveAnyway.click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toBe(`Saved version ${before.version + 1}: department: remove field.`);
    const after = await stored();
    expect(after.version).toBe(before.version + 1);
    expect(after.doc.types.Customer!.fields.department).toBeUndefined();
    const expected = structuredClone(before.doc);
    delete expected.types.Customer!.fields.department;
    expect(after.doc).toEqual(expected);
    expect(await department()).toBeUndefined();
    expect((await askDepartment('crm-portal')).errors?.[0]?.message).toContain('Cannot query field "department"');
    await expect.poll(() => page.locator('tr[data-field="department"]').count()).toBe(0);
    expect(await page.locator('#mapping-problems').textContent()).toBe('');
    await page.close();
  });

  /** The page with the token, Customer and HubSpot contacts picked, suggestions and usage shown. */
  async function openMapping(): Promise<Page> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/mapping`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#field-mapping .summary').filter({ hasText: /is in force/ }).waitFor();
    await page.getByLabel('Golden type').selectOption('Customer');
    await page.getByLabel('Source (CRM object)').selectOption({ label: 'HubSpot contacts' });
    await page.locator('#field-mapping .summary').filter({ hasText: 'from HubSpot contacts' }).waitFor();
    return page;
  }
});
