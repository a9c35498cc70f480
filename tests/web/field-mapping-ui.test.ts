/**
 * The admin UI's Field mapping page in a real browser (Debian's chromium through playwright-core) against a real
 * gateway on the embedded demo (Salesforce and HubSpot sandboxes, live metadata): without a token it says
 * UNAUTHENTICATED; with the HubSpot mapping of Customer.title removed through the API, picking Customer and "HubSpot
 * contacts" shows title as not mapped from HubSpot with the gateway's proposal, HubSpot's jobtitle ("Job Title"),
 * unticked; ticking Use and saving stores a new version whose title reads HubSpot jobtitle, and the golden title's
 * provenance has a HubSpot candidate again. "Stop reading from this source" on mailingPostalCode removes its HubSpot
 * (zip) mapping and nothing else. Every control is reached by its label.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'mapping-test-token';

interface Mapping { crm: string; objectType: string; from: string | string[]; converter?: { name: string; options?: unknown }; writable?: boolean }
interface Doc { types: Record<string, { fields: Record<string, { type: string; mappings: Mapping[] }> }> }

describe('admin UI: field mapping', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const stored = async () => {
    const res = await gql<{ mappingConfiguration: { version: number; document: string }; mappingVersions: { version: number; comment: string | null; actor: string | null }[] }>(
      '{ mappingConfiguration { version document } mappingVersions { version comment actor } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc, versions: res.data!.mappingVersions };
  };
  const hubspotOf = (doc: Doc, field: string) => doc.types.Customer!.fields[field]!.mappings.filter((m) => m.crm === 'hubspot');

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
  } });

  it('the bundled admin UI has the Field mapping page, and the suggestions it reads are token-guarded', async () => {
    const js = await (await fetch(`${t.app.server.url}/admin/app.js`)).text();
    expect(js).toContain('#/mapping');
    expect(js).toContain('mappingSuggestions');
    expect((await gql('{ mappingSuggestions(type: "Customer", crm: "hubspot") { type } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.skipIf(!hasChromium)('without a token it says UNAUTHENTICATED and shows no mapping', async () => {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/mapping`);
    await expect.poll(() => page.locator('#errors .code').first().textContent()).toBe('UNAUTHENTICATED');
    expect(await page.getByRole('link', { name: 'Field mapping' }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('#field-mapping .summary').textContent()).toContain('could not be loaded');
    expect(await page.locator('.mapping-table').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Save/ }).isDisabled()).toBe(true);
    await page.close();
  });

  it.skipIf(!hasChromium)('an unmapped title shows the proposal HubSpot jobtitle, unticked; Use + Save stores it and the golden title reads HubSpot again', async () => {
    // Set up through the API: Customer.title no longer reads HubSpot.
    const setup = await stored();
    const doc = structuredClone(setup.doc);
    doc.types.Customer!.fields.title!.mappings = doc.types.Customer!.fields.title!.mappings.filter((m) => m.crm !== 'hubspot');
    const saved = await gql<{ saveMappingConfiguration: { version: number } }>(
      'mutation($d: String!, $v: Int) { saveMappingConfiguration(document: $d, expectedVersion: $v, comment: "title from Salesforce only") { version } }',
      { d: JSON.stringify(doc), v: setup.version });
    expect(saved.errors).toBeUndefined();
    const before = await stored();
    expect(hubspotOf(before.doc, 'title')).toEqual([]);

    const page = await openMapping();
    const row = page.locator('tr[data-field="title"]');
    expect(await row.locator('td.reads').textContent()).toContain('— not mapped from this source');
    expect(await row.locator('td.reads').textContent()).toContain('Also: Salesforce Contact.Title');
    const suggestion = (await row.locator('td.suggestion').textContent())!;
    expect(suggestion).toContain('Job Title (jobtitle)');
    expect(suggestion).toMatch(/\d+%/);
    // The identity converter in words (not its configuration name), in the proposal and in the choice of candidates.
    expect(await row.locator('p.candidate').textContent()).toMatch(/^Job Title \(jobtitle\) \d+% · copied as is( · |$)/);
    for (const option of await row.locator('select option').allTextContents()) expect(option).not.toContain('identity');
    expect(await row.locator('details li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/synonym/)]));
    const use = page.getByLabel('Use the suggestion for title', { exact: true });
    expect(await use.isChecked()).toBe(false);
    // Mapped fields show what they read and offer to keep it.
    expect(await page.locator('tr[data-field="email"] td.reads').textContent()).toContain('email');
    expect(await page.getByLabel('Stop reading from this source for email', { exact: true }).isChecked()).toBe(false);
    const changeTo = page.locator('tr:has(td.reads:not(:has-text("not mapped"))) select');
    expect(await changeTo.count()).toBeGreaterThan(0);
    expect(new Set(await changeTo.evaluateAll((els) => els.map((el) => (el as HTMLSelectElement).value)))).toEqual(new Set(['']));
    const save = page.getByRole('button', { name: /^Save/ });
    expect(await save.textContent()).toBe('Save 0 changes');
    expect(await save.isDisabled()).toBe(true);

    // By keyboard: Space ticks the box, focus stays on it after the row is redrawn.
    await use.focus();
    await page.keyboard.press('Space');
    expect(await use.isChecked()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('box-title');
    expect(await row.getAttribute('class')).toContain('changed');
    expect(await page.locator('#mapping-changes').textContent()).toBe('1 unsaved change: title now also reads HubSpot jobtitle.');
    expect(await save.textContent()).toBe('Save 1 change');
    await page.getByLabel('Comment (optional)').fill('title: HubSpot job title too');
    await page.getByLabel('Your name (optional)').fill('Ada Lovelace');
    await save.click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toBe(`Saved version ${before.version + 1}: title now also reads HubSpot jobtitle.`);
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mapping-result');

    const after = await stored();
    expect(after.version).toBe(before.version + 1);
    expect(hubspotOf(after.doc, 'title')).toEqual([{ crm: 'hubspot', objectType: 'contacts', from: ['jobtitle'], converter: { name: 'identity', options: {} }, writable: true }]);
    const expected = structuredClone(before.doc);
    expected.types.Customer!.fields.title!.mappings.push(hubspotOf(after.doc, 'title')[0]!);
    expect(after.doc).toEqual(expected);
    expect(after.versions[0]).toEqual({ version: before.version + 1, comment: 'title: HubSpot job title too', actor: 'Ada Lovelace' });

    // The golden title has a HubSpot candidate again (a plain query: no token needed).
    const golden = await gql<{ customers: { edges: { node: { provenance: { candidates: { source: { crm: string } }[] }[] } }[] } }>(
      '{ customers(first: 20) { edges { node { provenance(fields: ["title"]) { candidates { source { crm } } } } } } }', {}, null);
    expect(golden.errors).toBeUndefined();
    const crms = new Set(golden.data!.customers.edges.flatMap((e) => e.node.provenance.flatMap((p) => p.candidates.map((c) => c.source.crm))));
    expect(crms.has('hubspot')).toBe(true);

    // The page reloaded the suggestions: title now reads jobtitle and nothing is pending.
    await expect.poll(() => row.locator('td.reads').textContent()).toContain('jobtitle');
    expect(await row.locator('td.reads').textContent()).not.toContain('not mapped');
    expect(await page.locator('#mapping-changes').textContent()).toBe('No unsaved changes.');
    expect(await save.isDisabled()).toBe(true);
    await page.close();
  });

  it.skipIf(!hasChromium)('an object of a CRM no connector runs for (the default mapping reads Pipedrive, Dynamics 365 and Zoho CRM) is listed but cannot be picked', async () => {
    const page = await openMapping();
    const options = page.getByLabel('Source (CRM object)').locator('option');
    expect(await options.allTextContents()).toEqual([
      'Salesforce Contact', 'HubSpot contacts', 'Pipedrive persons (no connector runs)', 'Dynamics 365 contacts (no connector runs)', 'Zoho CRM Contacts (no connector runs)']);
    expect(await options.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).disabled))).toEqual([false, false, true, true, true]);
    expect(await page.locator('#errors').textContent()).toBe('');
    await page.close();
  });

  it.skipIf(!hasChromium)('"Stop reading from this source" on mailingPostalCode removes its HubSpot zip mapping and nothing else', async () => {
    const before = await stored();
    expect(hubspotOf(before.doc, 'mailingPostalCode').map((m) => [m.from].flat())).toEqual([['zip']]);
    const page = await openMapping();
    const row = page.locator('tr[data-field="mailingPostalCode"]');
    expect(await row.locator('td.reads').textContent()).toContain('zip');
    // "Change to…" replaces the mapping (said before saving); "Keep" undoes it.
    const changeTo = page.getByLabel('Change mailingPostalCode to…');
    const other = (await changeTo.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)))[1]!;
    await changeTo.selectOption(other);
    expect(await page.locator('#mapping-changes').textContent()).toBe(`1 unsaved change: mailingPostalCode now reads HubSpot ${other} instead of zip.`);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('pick-mailingPostalCode');
    await changeTo.selectOption('');
    expect(await page.locator('#mapping-changes').textContent()).toBe('No unsaved changes.');
    const stop = page.getByLabel('Stop reading from this source for mailingPostalCode', { exact: true });
    expect(await stop.isChecked()).toBe(false);
    await stop.check();
    expect(await row.locator('.warning').textContent()).toContain('mailingPostalCode then gets no value from HubSpot: only from Salesforce Contact.MailingPostalCode');
    expect(await page.locator('#mapping-changes').textContent()).toBe('1 unsaved change: mailingPostalCode no longer reads HubSpot zip.');
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toBe(`Saved version ${before.version + 1}: mailingPostalCode no longer reads HubSpot zip.`);

    const after = await stored();
    expect(after.version).toBe(before.version + 1);
    expect(hubspotOf(after.doc, 'mailingPostalCode')).toEqual([]);
    const expected = structuredClone(before.doc);
    const field = expected.types.Customer!.fields.mailingPostalCode!;
    field.mappings = field.mappings.filter((m) => m.crm !== 'hubspot');
    expect(after.doc).toEqual(expected);
    await expect.poll(() => row.locator('td.reads').textContent()).toContain('— not mapped from this source');
    await page.close();
  });

  it.skipIf(!hasChromium)('a new HubSpot custom property is listed as unused and added as a golden field; a bad name and a CONFLICT store nothing', async () => {
    const created = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' },
      body: JSON.stringify({ name: 'loyalty_tier', label: 'Loyalty tier', type: 'string', fieldType: 'text', groupName: 'contactinformation' }),
    });
    expect(created.status).toBeLessThan(300);
    await expect.poll(async () => (await gql<{ mappingSuggestions: { unusedNativeFields: { name: string }[] } }>(
      '{ mappingSuggestions(type: "Customer", crm: "hubspot") { unusedNativeFields { name } } }')).data?.mappingSuggestions.unusedNativeFields.map((u) => u.name),
    { timeout: 10_000, interval: 500 }).toContain('loyalty_tier');
    const before = await stored();

    const page = await openMapping();
    const unused = page.locator('tr[data-native="loyalty_tier"]');
    expect(await unused.textContent()).toMatch(/Loyalty tier.*custom.*loyalty_tier.*string/);
    const name = page.getByLabel('Name of the new golden field for Loyalty tier');
    expect(await name.inputValue()).toBe('loyaltyTier');
    const add = page.getByLabel('Add Loyalty tier as a golden field', { exact: true });
    expect(await add.isChecked()).toBe(false);

    // Not a GraphQL name: said next to the input, and Save sends nothing and focuses it.
    await add.check();
    await name.fill('2tier');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent()).toBe('BAD_USER_INPUT');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('add-name-loyalty_tier');
    await name.fill('loyaltyTier');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#mapping-changes').textContent()).toBe('1 unsaved change: new golden field loyaltyTier reads HubSpot loyalty_tier.');

    // Another admin saves a change first: CONFLICT names that version, nothing is stored, the edit stays. (A real
    // change: a save identical to the version in force stores no version.)
    const theirs = structuredClone(before.doc) as Doc & { types: { Customer: { fields: { email: { description?: string } } } } };
    theirs.types.Customer.fields.email.description = 'The address customers read their mail at';
    const other = await gql<{ saveMappingConfiguration: { version: number } }>(
      'mutation($d: String!) { saveMappingConfiguration(document: $d, comment: "the other admin") { version } }', { d: JSON.stringify(theirs) });
    expect(other.errors).toBeUndefined();
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent(), { timeout: 30_000 }).toBe('CONFLICT');
    expect(await page.locator('#errors').textContent()).toContain(`Version ${before.version + 1} was saved after this page loaded version ${before.version}; nothing was saved`);
    expect(await add.isChecked()).toBe(true);
    expect((await stored()).version).toBe(before.version + 1);

    // Refresh loads that version (the edit is discarded, and the page says so); the add then saves.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(`1 unsaved change discarded: version ${before.version + 1} is now in force.`);
    await expect.poll(() => add.isChecked()).toBe(false);
    await page.locator('#field-mapping[aria-busy]').waitFor({ state: 'detached' });
    await add.check();
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 })
      .toBe(`Saved version ${before.version + 2}: new golden field loyaltyTier reads HubSpot loyalty_tier.`);
    const after = await stored();
    expect(after.doc.types.Customer!.fields.loyaltyTier).toEqual({
      type: 'String', mappings: [{ crm: 'hubspot', objectType: 'contacts', from: ['loyalty_tier'], converter: { name: 'identity', options: {} }, writable: true }],
    });
    await expect.poll(() => page.locator('tr[data-field="loyaltyTier"] td.reads').textContent()).toContain('loyalty_tier');
    expect(await page.locator('tr[data-native="loyalty_tier"]').count()).toBe(0);
    const golden = await gql<{ customers: { edges: { node: { loyaltyTier: string | null } }[] } }>('{ customers(first: 1) { edges { node { loyaltyTier } } } }', {}, null);
    expect(golden.errors).toBeUndefined();
    await page.close();
  });

  it.skipIf(!hasChromium)('a mapping the validator refuses shows MAPPING_INVALID with the problem in words; nothing is stored and the edit stays', async () => {
    // A new custom property added as a golden field under a name every golden type already has.
    const created = await fetch(`${t.hubspotUrl}/crm/v3/properties/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-token' },
      body: JSON.stringify({ name: 'vip_segment', label: 'VIP segment', type: 'string', fieldType: 'text', groupName: 'contactinformation' }),
    });
    expect(created.status).toBeLessThan(300);
    await expect.poll(async () => (await gql<{ mappingSuggestions: { unusedNativeFields: { name: string }[] } }>(
      '{ mappingSuggestions(type: "Customer", crm: "hubspot") { unusedNativeFields { name } } }')).data?.mappingSuggestions.unusedNativeFields.map((u) => u.name),
    { timeout: 10_000, interval: 500 }).toContain('vip_segment');
    const before = await stored();
    const page = await openMapping();
    await page.getByLabel('Add VIP segment as a golden field', { exact: true }).check();
    await page.getByLabel('Name of the new golden field for VIP segment').fill('provenance');
    await page.getByRole('button', { name: 'Save 1 change' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent(), { timeout: 30_000 }).toBe('MAPPING_INVALID');
    const problem = page.locator('#mapping-problems li[data-path="types.Customer.fields.provenance"]');
    expect(await problem.textContent()).toContain("'provenance' is taken");
    expect(await page.getByLabel('Add VIP segment as a golden field', { exact: true }).isChecked()).toBe(true);
    const after = await stored();
    expect(after.version).toBe(before.version);
    expect(after.doc).toEqual(before.doc);
    await page.close();
  });

  /** The page with the token, Customer and HubSpot contacts picked, suggestions shown. */
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
