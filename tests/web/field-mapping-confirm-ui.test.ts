/**
 * The admin UI's Field mapping page, in a real browser against the real app (embedded demo; PGlite, or Postgres with
 * DATABASE_URL):
 * - "Stop reading from this source" on a golden field's ONLY source asks before saving (in place, next to Save),
 *   saying clients get null; Cancel saves nothing and gives the focus back to Save; the confirm button saves;
 * - the "Saved version N" status lines clear as soon as a new edit starts;
 * - an error is shown in words first, its code kept after the message, small.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'mapping-confirm-token';
const SAVE = 'mutation($d: String!) { saveMappingConfiguration(document: $d, comment: "test setup") { version } }';

interface Mapping { crm: string; objectType: string; from: string[]; writable?: boolean }
interface Doc { types: Record<string, { fields: Record<string, { type: string; mappings: Mapping[] }> }> }

describe('admin UI: field mapping asks before leaving a golden field fed by nothing', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const stored = async () => {
    const res = await gql<{ mappingConfiguration: { version: number; document: string } }>('{ mappingConfiguration { version document } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc };
  };

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
  } });

  it.skipIf(!hasChromium)('Stop reading on the only source asks first, naming null for clients; Cancel saves nothing; confirming saves', async () => {
    // A golden field HubSpot jobtitle alone feeds (read only: Customer.title writes jobtitle back).
    const setup = await stored();
    setup.doc.types.Customer!.fields.hubspotTitle = { type: 'String', mappings: [{ crm: 'hubspot', objectType: 'contacts', from: ['jobtitle'], writable: false }] };
    const saved = await gql<{ saveMappingConfiguration: { version: number } }>(SAVE, { d: JSON.stringify(setup.doc) });
    expect(saved.errors).toBeUndefined();
    const before = await stored();

    const page = await openMapping('HubSpot contacts');
    await page.getByLabel('Stop reading from this source for hubspotTitle', { exact: true }).check();
    const save = page.getByRole('button', { name: 'Save 1 change' });
    await save.click();
    const question = page.getByRole('group', { name: 'Save fields fed by nothing?' });
    await question.waitFor();
    expect(await question.textContent()).toContain('HubSpot contacts is the only source of Customer.hubspotTitle. After this save nothing feeds it: '
      + 'clients asking for it get null for every Customer until a source is mapped again.');
    const confirm = page.getByRole('button', { name: 'Stop reading and save: clients get null for hubspotTitle' });
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('unfed-confirm');
    expect(await stored()).toEqual(before);

    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await question.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save 1 change');
    expect(await stored()).toEqual(before);

    await save.click();
    await confirm.click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toBe(`Saved version ${before.version + 1}: hubspotTitle no longer reads HubSpot jobtitle.`);
    const after = await stored();
    expect(after.version).toBe(before.version + 1);
    expect(after.doc.types.Customer!.fields.hubspotTitle?.mappings ?? []).toEqual([]);
    const golden = await t.gql<{ customers: { edges: { node: { hubspotTitle: unknown } }[] } }>('{ customers(first: 3) { edges { node { hubspotTitle } } } }');
    expect(golden.errors).toBeUndefined();
    expect(golden.data!.customers.edges.map((e) => e.node.hubspotTitle)).toEqual([null, null, null]);

    // A new edit clears both "Saved version N" lines.
    expect(await page.locator('#mapping-result').textContent()).toContain(`Saved version ${before.version + 1}`);
    await page.getByLabel('Stop reading from this source for email', { exact: true }).check();
    expect(await page.getByRole('status').textContent()).toBe('');
    expect(await page.locator('#mapping-result').textContent()).toBe('');
    await page.close();
  });

  it.skipIf(!hasChromium)('Stop reading where another source still feeds the field saves without a question', async () => {
    const before = await stored();
    const page = await openMapping('HubSpot contacts');
    await page.getByLabel('Stop reading from this source for email', { exact: true }).check();
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toMatch(new RegExp(`^Saved version ${before.version + 1}: email no longer reads HubSpot`));
    expect(await page.locator('.unfed-question').count()).toBe(0);
    await page.close();
  });

  it.skipIf(!hasChromium)('an error is said in words first; its code stays after the message, small', async () => {
    const page = await openMapping('HubSpot contacts');
    const add = page.locator('tr[data-native] input[type="checkbox"]').first();
    await add.check();
    await page.locator('tr[data-native] input.add-name').first().fill('2bad');
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    const error = page.locator('#errors p').first();
    await expect.poll(() => error.locator('.code-words').textContent()).toBe('Not accepted:');
    expect(await error.locator('.code').evaluate((el) => [el.tagName, el.textContent])).toEqual(['SMALL', 'BAD_USER_INPUT']);
    // Words, then the message, then the code.
    expect(await error.textContent()).toMatch(/^Not accepted: The new golden field for \S+: A name is letters.* BAD_USER_INPUT$/);
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
