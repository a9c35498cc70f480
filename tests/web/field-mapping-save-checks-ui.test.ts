/**
 * The admin UI's Field mapping page, in a real browser against the real app (embedded demo; PGlite, or Postgres with
 * DATABASE_URL), where an admin adds CRM fields as new golden fields:
 * - a checkbox (Salesforce Contact "Deleted", IsDeleted) and a date-time ("Created Date") become a Boolean and a
 *   DateTime golden field with the boolean and datetime converters, said before saving, so the golden field answers
 *   false, not the text "false" (every added field used to be a String read as is);
 * - a HubSpot property listed when the page loaded but deleted in HubSpot before the save is refused by the gateway
 *   (MAPPING_INVALID naming the field and HubSpot contacts); the page shows it, nothing is stored, the edit stays.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'mapping-checks-token';
const HUBSPOT = { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' };

interface Mapping { crm: string; objectType: string; from: string[]; converter: { name: string }; writable?: boolean }
interface Doc { types: Record<string, { fields: Record<string, { type: string; mappings: Mapping[] }> }> }

describe('admin UI: field mapping, new golden fields and fields the CRM lacks', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const stored = async () => {
    const res = await gql<{ mappingConfiguration: { version: number; document: string }; mappingVersions: { version: number }[] }>(
      '{ mappingConfiguration { version document } mappingVersions { version } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc, versions: res.data!.mappingVersions.length };
  };

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
  } });

  it.skipIf(!hasChromium)('a checkbox and a date-time added as golden fields become Boolean and DateTime, said before saving; the golden field answers false', async () => {
    const before = await stored();
    const page = await openMapping('Salesforce Contact');
    expect(await page.locator('tr[data-native="IsDeleted"] td.native-type').textContent()).toBe('boolean — added as Boolean');
    await page.getByLabel('Add Deleted as a golden field', { exact: true }).check();
    await page.getByLabel('Add Created Date as a golden field', { exact: true }).check();
    expect(await page.locator('#mapping-changes').textContent())
      .toBe('2 unsaved changes: new golden field deleted (Boolean) reads Salesforce IsDeleted; new golden field createdDate (DateTime) reads Salesforce CreatedDate.');
    await page.getByRole('button', { name: 'Save 2 changes' }).click();
    await page.getByRole('status').filter({ hasText: `Saved version ${before.version + 1}` }).first().waitFor();

    const fields = (await stored()).doc.types.Customer!.fields;
    expect(fields.deleted).toEqual({ type: 'Boolean', mappings: [expect.objectContaining({ crm: 'salesforce', objectType: 'Contact', from: ['IsDeleted'], converter: expect.objectContaining({ name: 'boolean' }) })] });
    expect(fields.createdDate).toEqual({ type: 'DateTime', mappings: [expect.objectContaining({ from: ['CreatedDate'], converter: expect.objectContaining({ name: 'datetime' }) })] });
    const golden = await t.gql<{ customers: { edges: { node: { deleted: unknown } }[] } }>('{ customers(first: 3) { edges { node { deleted } } } }');
    expect(golden.errors).toBeUndefined();
    expect(golden.data!.customers.edges.map((e) => e.node.deleted)).toEqual([false, false, false]);
    await page.close();
  });

  it.skipIf(!hasChromium)('a HubSpot property deleted after the page listed it is refused with MAPPING_INVALID naming it; nothing is stored and the edit stays', async () => {
    const property = { name: 'vip_segment', label: 'VIP segment', type: 'string', fieldType: 'text', groupName: 'contactinformation' };
    const created = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts`, { method: 'POST', headers: HUBSPOT, body: JSON.stringify(property) });
    expect(created.status).toBeLessThan(300);
    const page = await openMapping('HubSpot contacts');
    const add = page.getByLabel('Add VIP segment as a golden field', { exact: true });
    await add.check();
    const deleted = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts/vip_segment`, { method: 'DELETE', headers: { authorization: 'Bearer sandbox-token' } });
    expect(deleted.status).toBeLessThan(300);
    const before = await stored();

    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent(), { timeout: 30_000 }).toBe('MAPPING_INVALID');
    expect(await page.locator('#errors').textContent()).toContain('HubSpot contacts has no field vip_segment (read by Customer.vipSegment)');
    expect(await page.locator('#mapping-problems li').first().textContent()).toContain('Customer vipSegment, mapping 1 (HubSpot contacts)');
    expect(await stored()).toEqual(before);
    expect(await add.isChecked()).toBe(true);
    await page.close();
  });

  async function openMapping(source: string): Promise<Page> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/mapping`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#field-mapping .summary').filter({ hasText: /is in force/ }).waitFor();
    await page.getByLabel('Golden type').selectOption('Customer');
    await page.getByLabel('Source (CRM object)').selectOption({ label: source });
    await page.locator('#field-mapping .summary').filter({ hasText: `from ${source}` }).waitFor();
    return page;
  }
});
