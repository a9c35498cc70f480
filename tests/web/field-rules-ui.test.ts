/**
 * The admin UI's Field rules page in a real browser (Debian's chromium through playwright-core) against a real
 * gateway on the embedded demo: the page lists every golden field of the stored configuration with its sources and
 * its rule in words; switching a last-write-wins field to "most trusted source wins" with HubSpot moved first and
 * saving stores exactly that change as a new version (read back through GraphQL) and the served golden value and its
 * provenance follow the new rule, with the name the user gave as the version's actor; a wrong token is shown as
 * UNAUTHENTICATED, an invalid rule as MAPPING_INVALID with its problem, and a save on a version someone else replaced
 * meanwhile as CONFLICT, all storing nothing and keeping the user's edits on screen. The rules offered are the ones the
 * gateway lists (survivorshipStrategies, customFunctions). Relations (Customer.company → Company) are rows after their
 * type's fields, read-only, and their rule is changed and stored like a field's, at types.<T>.relations.<name>.rule.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'rules-test-token';
const CRM_NAMES: Record<string, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot', pipedrive: 'Pipedrive', dynamics: 'Dynamics 365', zoho: 'Zoho CRM' };

interface Mapping { crm: string; objectType: string; from: string | string[] }
interface Field { type: string; rule?: { strategy: string; function?: string; sourcePriority?: string[] }; mappings: Mapping[] }
interface Relation { target: string; rule?: Field['rule']; mappings: (Mapping & { targetObjectType: string })[] }
interface Doc { types: Record<string, { fields: Record<string, Field>; relations?: Record<string, Relation> }> }
interface Prov { field: string; rule: string; value: string | null; source: { crm: string } | null; candidates: { value: string | null; status: string; source: { crm: string } }[] }

describe('admin UI: field rules', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const stored = async () => {
    const res = await gql<{ mappingConfiguration: { version: number; document: string }; mappingVersions: { version: number; comment: string | null; actor: string | null }[] }>(
      '{ mappingConfiguration { version document } mappingVersions { version comment actor } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as Doc, versions: res.data!.mappingVersions };
  };

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
  } });

  it('the bundled admin UI has the Field rules page, and the configuration it reads is token-guarded', async () => {
    const js = await (await fetch(`${t.app.server.url}/admin/app.js`)).text();
    expect(js).toContain('#/rules');
    expect(js).toContain('saveMappingConfiguration');
    expect((await gql('{ mappingConfiguration { version } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // What a rule may name is an admin read too.
    expect((await gql('{ survivorshipStrategies { name } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql('{ customFunctions }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it.skipIf(!hasChromium)('without a token it says UNAUTHENTICATED; with one it lists every golden field with its sources, rule and version history', async () => {
    const { doc, versions } = await stored();
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/rules`);
    await expect.poll(() => page.locator('#errors').textContent()).toContain('UNAUTHENTICATED');
    expect(await page.getByRole('link', { name: 'Field rules' }).getAttribute('aria-current')).toBe('page');
    await useToken(page);

    for (const [typeName, type] of Object.entries(doc.types)) {
      const table = page.locator(`table[data-type="${typeName}"]`);
      const relations = Object.keys(type.relations ?? {}).sort((a, b) => a.localeCompare(b));
      expect(await table.locator('tbody tr').count()).toBe(Object.keys(type.fields).length + relations.length);
      // The relations come after the type's fields, by name.
      if (relations.length) {
        const keys = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
        expect(keys.slice(-relations.length)).toEqual(relations.map((n) => `${typeName}.${n}`));
      }
      expect(await table.locator('th[scope="col"]').allTextContents()).toEqual(['Field', 'Sources (CRM and field)', 'Rule: which value wins', 'Write-back of the winner']);
      for (const [name, field] of Object.entries(type.fields)) {
        const row = table.locator(`tr[data-field="${typeName}.${name}"]`);
        const text = (await row.textContent())!;
        for (const m of field.mappings) expect(text).toContain(`${CRM_NAMES[m.crm] ?? m.crm} ${m.objectType}.${[m.from].flat().join(' + ')}`);
        const expected = field.rule ? (field.rule.strategy === 'custom' ? `custom:${field.rule.function}` : field.rule.strategy) : '';
        expect(await page.getByLabel(`Rule for ${typeName} ${name}`, { exact: true }).inputValue()).toBe(expected);
      }
      for (const [name, relation] of Object.entries(type.relations ?? {})) {
        const row = table.locator(`tr[data-field="${typeName}.${name}"]`);
        const text = (await row.textContent())!;
        for (const m of relation.mappings) expect(text).toContain(`${CRM_NAMES[m.crm] ?? m.crm} ${m.objectType}.${m.from as string}, pointing to ${m.targetObjectType}`);
        expect(await row.locator('th .fr-visually-hidden').textContent()).toBe(`relation to the golden ${relation.target}`);
        expect(await row.locator('td.convergence').textContent()).toBe('Read only: relations point to golden records and are not written back.');
        expect(await page.getByLabel(`Rule for ${typeName} ${name}`, { exact: true }).inputValue()).toBe(relation.rule?.strategy ?? '');
      }
    }
    // The rules in words, as the demo configuration sets them.
    const words = (key: string) => page.locator(`tr[data-field="${key}"] .rule-words`).textContent();
    // The default mapping reads Pipedrive too; no Pipedrive connector runs in this demo, and the page says so.
    const pipedriveEmail = page.locator('tr[data-field="Customer.email"] li[data-crm="pipedrive"]');
    expect(await pipedriveEmail.getAttribute('class')).toBe('not-connected');
    expect(await pipedriveEmail.textContent()).toContain('no Pipedrive connector runs: read once one does');
    expect(await page.locator('tr[data-field="Customer.email"] li[data-crm="salesforce"]').getAttribute('class')).toBeNull();
    expect(await words('Customer.title')).toContain('Salesforce first, then Dynamics 365, then Zoho CRM, then HubSpot');
    expect(await words('Customer.email')).toContain('Newest value wins');
    expect(await words('Customer.lifecycleStage')).toContain('HubSpot (the only source)');
    expect(await words('Customer.emailOptOut')).toContain('Yes if any source says yes');
    expect(await page.locator('tr[data-field="Customer.title"] ol li').allTextContents()).toEqual([
      expect.stringContaining('Salesforce Contact.Title'), expect.stringContaining('Dynamics 365 contacts.jobtitle'), expect.stringContaining('Zoho CRM Contacts.Title'),
      expect.stringContaining('HubSpot contacts.jobtitle')]);
    expect(await page.locator('tr[data-field="Deal.stage"] td.convergence').textContent()).toContain('Plan only (the default)');
    const history = page.locator('.rules-history tbody tr');
    expect(await history.count()).toBe(versions.length);
    expect(await history.first().textContent()).toContain(versions[0]!.comment ?? '—');
    expect(await history.last().locator('td.actor').textContent()).toBe('system');

    // The choices are the gateway's strategies (but 'custom' itself) and one per registered custom function, in
    // plain words; the gateway's own description is the label of a strategy the page has no words for.
    const catalogue = await gql<{ survivorshipStrategies: { name: string; description: string }[]; customFunctions: string[] }>(
      '{ survivorshipStrategies { name description } customFunctions }');
    const offered = [...catalogue.data!.survivorshipStrategies.map((st) => st.name).filter((n) => n !== 'custom'), ...catalogue.data!.customFunctions.map((f) => `custom:${f}`)];
    expect(offered).toContain('custom:anyTrue');
    const email = page.getByLabel('Rule for Customer email', { exact: true });
    expect(await email.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['', ...offered]);
    expect(await email.locator('option[value="source-priority"]').textContent()).toBe('Most trusted source wins');
    expect(await email.locator('option[value="custom:anyTrue"]').textContent()).toBe('Custom function anyTrue');
    await page.close();
  });

  it.skipIf(!hasChromium)('switching a field to source priority with HubSpot first stores only that change as a new version, and the golden value follows it', async () => {
    const before = await stored();
    // A last-write-wins Customer field where Salesforce's value won over a different HubSpot value for some customer.
    const res = await gql<{ customers: { edges: { node: { id: string; provenance: Prov[] } }[] } }>(
      '{ customers(first: 100) { edges { node { id provenance { field rule value source { crm } candidates { value status source { crm } } } } } } }');
    expect(res.errors).toBeUndefined();
    const pick = res.data!.customers.edges.flatMap(({ node }) => node.provenance.map((p) => ({ id: node.id, p })))
      .map(({ id, p }) => ({ id, p, hubspot: p.candidates.filter((c) => c.source.crm === 'hubspot' && c.status === 'OK' && c.value !== null) }))
      .find(({ p, hubspot }) => p.rule === 'last-write-wins' && p.source?.crm === 'salesforce' && hubspot.length === 1 && hubspot[0]!.value !== p.value
        && !before.doc.types.Customer!.fields[p.field]!.rule);
    expect(pick, 'the demo has a last-write-wins field Salesforce won over another HubSpot value').toBeDefined();
    const { id, p: { field } } = pick!;
    const hubspotValue = pick!.hubspot[0]!.value;

    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/rules`);
    await useToken(page);
    await page.getByLabel(`Rule for Customer ${field}`, { exact: true }).selectOption('source-priority');
    const row = page.locator(`tr[data-field="Customer.${field}"]`);
    expect(await row.locator('.rule-words').textContent()).toContain('Salesforce first, then HubSpot');
    await page.getByRole('button', { name: `Move HubSpot up for Customer ${field}` }).click();
    expect(await row.locator('.rule-words').textContent()).toContain('HubSpot first, then Salesforce');
    // Keyboard focus stays with HubSpot: on its remaining button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Move HubSpot down for Customer ${field}`);
    expect(await row.locator('li').first().textContent()).toContain('HubSpot contacts');
    expect(await page.locator('#rules-changes').textContent()).toBe(`1 unsaved change: Customer ${field}.`);
    await page.getByLabel('Comment (optional)').fill(`${field}: trust HubSpot`);
    await page.getByLabel('Your name (optional)').fill('  Grace Hopper ');
    await saveAs(page, before.version + 1);
    expect(await page.locator('#errors').textContent()).toBe('');

    const after = await stored();
    expect(after.version).toBe(before.version + 1);
    const expected = structuredClone(before.doc);
    // The order lists every CRM the field reads (Pipedrive too where the default mapping reads it), HubSpot moved first.
    const crms = [...new Set(before.doc.types.Customer!.fields[field]!.mappings.map((m) => m.crm))];
    expected.types.Customer!.fields[field]!.rule = { strategy: 'source-priority', sourcePriority: ['hubspot', 'salesforce', ...crms.filter((c) => c !== 'hubspot' && c !== 'salesforce')] };
    expect(after.doc).toEqual(expected);
    expect(after.versions[0]).toEqual({ version: before.version + 1, comment: `${field}: trust HubSpot`, actor: 'Grace Hopper' });

    const served = await gql<{ customer: Record<string, unknown> & { provenance: Prov[] } }>(
      `query ($id: ID!) { customer(id: $id) { ${field} provenance(fields: ["${field}"]) { field rule value source { crm } candidates { value status source { crm } } } } }`, { id });
    expect(served.errors).toBeUndefined();
    expect(served.data!.customer[field]).toBe(hubspotValue);
    expect(served.data!.customer.provenance[0]).toMatchObject({ rule: 'source-priority', value: hubspotValue, source: { crm: 'hubspot' } });

    // The page shows the saved state: no pending change, the new version on top of the history.
    await page.locator('.rules-history tbody tr').first().filter({ hasText: `${field}: trust HubSpot` }).waitFor();
    expect(await page.locator('.rules-history tbody tr').first().locator('td.actor').textContent()).toBe('Grace Hopper');
    expect(await page.locator('tr.changed').count()).toBe(0);
    expect(await page.getByLabel(`Rule for Customer ${field}`, { exact: true }).inputValue()).toBe('source-priority');
    await page.close();
  });

  it.skipIf(!hasChromium)('a wrong token shows UNAUTHENTICATED and an invalid rule MAPPING_INVALID with its problem; nothing is stored and the edits stay', async () => {
    const before = await stored();
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/rules`);
    await useToken(page);
    const lastName = page.getByLabel('Rule for Customer lastName', { exact: true });
    await lastName.selectOption('most-complete');

    // A wrong token: the reload is refused, the edit stays on screen, and so is the save.
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.locator('#errors').textContent()).toContain('UNAUTHENTICATED');
    expect(await lastName.inputValue()).toBe('most-complete');
    await page.locator('#errors').evaluate((el) => el.replaceChildren());
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent()).toBe('UNAUTHENTICATED');
    expect(await lastName.inputValue()).toBe('most-complete');
    expect((await stored()).version).toBe(before.version);

    // The right token again: the same version is in force, so the edit is kept.
    await useToken(page);
    expect(await lastName.inputValue()).toBe('most-complete');

    // A strategy this gateway does not know (as a page built for another release might offer): the validator refuses it.
    const email = page.getByLabel('Rule for Customer email', { exact: true });
    await email.evaluate((select: HTMLSelectElement) => select.add(new Option('Newest wins (old name)', 'newest-wins')));
    await email.selectOption('newest-wins');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent(), { timeout: 30_000 }).toBe('MAPPING_INVALID');
    const problem = page.locator('#rules-problems li[data-path="types.Customer.fields.email.rule.strategy"]');
    expect(await problem.textContent()).toContain("unknown strategy 'newest-wins'");
    expect(await page.locator('tr[data-field="Customer.email"]').getAttribute('class')).toContain('invalid');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await lastName.inputValue()).toBe('most-complete');
    expect(await email.inputValue()).toBe('newest-wins');
    const unchanged = await stored();
    expect(unchanged.version).toBe(before.version);
    expect(unchanged.doc).toEqual(before.doc);

    // Back to the default for email: the remaining change saves.
    await email.selectOption('');
    await saveAs(page, before.version + 1);
    const after = await stored();
    const expected = structuredClone(before.doc);
    expected.types.Customer!.fields.lastName!.rule = { strategy: 'most-complete' };
    expect(after.doc).toEqual(expected);
    expect(await page.locator('#rules-problems').textContent()).toBe('');
    await page.close();
  });

  it.skipIf(!hasChromium)('a save on a version someone else replaced meanwhile is refused with CONFLICT naming that version; nothing is stored and the edit stays', async () => {
    const before = await stored();
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/rules`);
    await useToken(page);
    const phone = page.getByLabel('Rule for Customer phone', { exact: true });
    await phone.selectOption('most-frequent');
    const sent: { query: string; variables: Record<string, unknown> }[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/graphql') && req.method() === 'POST') sent.push(req.postDataJSON() as (typeof sent)[number]);
    });

    // Another admin saves first (through the API, as another tab would).
    const other = structuredClone(before.doc);
    other.types.Customer!.fields.firstName!.rule = { strategy: 'most-complete' };
    const saved = await gql<{ saveMappingConfiguration: { version: number } }>(
      'mutation($d: String!) { saveMappingConfiguration(document: $d, comment: "the other admin", actor: "Other admin") { version } }', { d: JSON.stringify(other) });
    expect(saved.errors).toBeUndefined();

    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent(), { timeout: 30_000 }).toBe('CONFLICT');
    expect(await page.locator('#errors').textContent()).toContain(`Version ${before.version + 1} was saved after this page loaded version ${before.version}; nothing was saved`);
    expect(await phone.inputValue()).toBe('most-frequent');
    // One request: the save, carrying the version the page loaded (no actor: no name was given in this tab).
    expect(sent).toHaveLength(1);
    expect(sent[0]!.query).toContain('saveMappingConfiguration');
    expect(sent[0]!.variables.expectedVersion).toBe(before.version);
    expect(sent[0]!.variables).not.toHaveProperty('actor');
    const after = await stored();
    expect(after.version).toBe(before.version + 1);
    expect(after.doc).toEqual(other);
    expect(after.versions[0]).toEqual({ version: before.version + 1, comment: 'the other admin', actor: 'Other admin' });
    await page.close();
  });

  it.skipIf(!hasChromium)('the Customer company relation is shown with its five sources and rule; changing its order stores only that relation\'s rule', async () => {
    const before = await stored();
    expect(before.doc.types.Customer!.relations!.company!.rule).toEqual({ strategy: 'source-priority', sourcePriority: ['salesforce', 'dynamics', 'pipedrive', 'zoho', 'hubspot'] });
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/rules`);
    await useToken(page);
    expect(await page.locator('#field-rules .summary').textContent()).toMatch(/golden fields and \d+ relations in 3 types/);
    const row = page.locator('table[data-type="Customer"] tr[data-field="Customer.company"]');
    // Heard as a relation, not as a field of some type "→ Company".
    expect(await row.locator('th').textContent()).toBe('company→ Companyrelation to the golden Company');
    expect(await row.locator('th [aria-hidden="true"]').textContent()).toBe('→ Company');
    expect(await row.locator('td.convergence').textContent()).toBe('Read only: relations point to golden records and are not written back.');
    const rule = page.getByLabel('Rule for Customer company', { exact: true });
    expect(await rule.inputValue()).toBe('source-priority');
    expect(await rule.locator('option:checked').textContent()).toBe('Most trusted source wins');
    expect(await row.locator('ol li').allTextContents()).toEqual([
      expect.stringContaining('Salesforce Contact.AccountId, pointing to Account'),
      expect.stringContaining('Dynamics 365 contacts.parentcustomerid, pointing to accounts'),
      expect.stringContaining('Pipedrive persons.org_id, pointing to organizations'),
      expect.stringContaining('Zoho CRM Contacts.Account_Name, pointing to Accounts'),
      expect.stringContaining('HubSpot contacts.associatedcompanyid, pointing to companies')]);
    expect(await row.locator('.rule-words').textContent()).toContain('Salesforce first, then Dynamics 365, then Pipedrive, then Zoho CRM, then HubSpot');

    // A refused rule names the relation's row, like a field's.
    await rule.evaluate((select: HTMLSelectElement) => select.add(new Option('Newest wins (old name)', 'newest-wins')));
    await rule.selectOption('newest-wins');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#errors .code').first().textContent(), { timeout: 30_000 }).toBe('MAPPING_INVALID');
    expect(await page.locator('#rules-problems li[data-path="types.Customer.relations.company.rule.strategy"]').textContent()).toContain('Customer company: ');
    expect(await rule.getAttribute('aria-invalid')).toBe('true');
    expect((await stored()).version).toBe(before.version);

    await rule.selectOption('source-priority');
    await page.getByRole('button', { name: 'Move HubSpot up for Customer company' }).click();
    expect(await row.locator('.rule-words').textContent()).toContain('Salesforce first, then Dynamics 365, then Pipedrive, then HubSpot, then Zoho CRM');
    expect(await page.locator('#rules-changes').textContent()).toBe('1 unsaved change: Customer company.');
    await saveAs(page, before.version + 1);
    expect(await page.locator('#errors').textContent()).toBe('');

    const after = await stored();
    expect(after.version).toBe(before.version + 1);
    const expected = structuredClone(before.doc);
    expected.types.Customer!.relations!.company!.rule = { strategy: 'source-priority', sourcePriority: ['salesforce', 'dynamics', 'pipedrive', 'hubspot', 'zoho'] };
    expect(after.doc).toEqual(expected);
    for (const [typeName, type] of Object.entries(after.doc.types)) expect(type.fields, typeName).toEqual(before.doc.types[typeName]!.fields);

    // Back to the default: the relation's own rule is removed, nothing else changes.
    await page.locator('tr[data-field="Customer.company"].changed').waitFor({ state: 'detached' });
    expect(await rule.locator('option[value=""]').textContent()).toMatch(/^Default for Customer relations \(/);
    await rule.selectOption('');
    await saveAs(page, before.version + 2);
    const reset = structuredClone(expected);
    delete reset.types.Customer!.relations!.company!.rule;
    expect((await stored()).doc).toEqual(reset);
    await page.close();
  });

  /** Clicks Save and waits until the page says it stored version `version`. */
  async function saveAs(page: Page, version: number): Promise<void> {
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 30_000 }).toContain(`Saved as version ${version}`);
  }

  async function newPage(): Promise<Page> {
    return session!.newPage();
  }

  async function useToken(page: Page): Promise<void> {
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#field-rules .summary').filter({ hasText: /is in force/ }).waitFor();
  }
});
