/**
 * An integration admin connects a Dynamics 365 org on the Connectors page, in a real browser (Debian's chromium
 * through playwright-core) against a real gateway with no CRM yet (the demo off: a demo process runs only its demo
 * connectors) and a Dynamics sandbox speaking Dataverse's Web API. The form is the connector's own (`dynamicsConnectionForm`: the
 * Organization URL, an Entra ID app registration): a wrong client secret is refused with CRM_AUTH_FAILED and what to
 * do, storing nothing; the right one is saved and the org joins the running graph at once, its contacts queryable
 * as `dynamicsContacts`, with no secret left in the page.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { startDynamicsSandbox } from '../../sandboxes/dynamics/index.ts';
import type { RunningDynamicsSandbox } from '../../sandboxes/dynamics/index.ts';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-connector-dynamics-token';
const CONTACT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

interface Kind { crm: string; label: string; baseUrlLabel: string; authKinds: { kind: string; label: string; fields: { name: string; label: string; required: boolean }[] }[] }

describe('admin UI: connecting Dynamics 365', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  let dynamics: RunningDynamicsSandbox;
  let kind: Kind;
  const api = async <T, >(query: string): Promise<T> => {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query }) });
    const body = await res.json() as { data: T; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const credential = (form: Locator, name: string) => form.locator(`input[name="credentials.${name}"]`);
  const label = (name: string) => kind.authKinds[0]!.fields.find((f) => f.name === name)!.label;

  useAdminUiApp({ tokens: TOKEN, start: { demo: false }, ready: async (app, browser) => {
    t = app;
    session = browser;
    dynamics = await startDynamicsSandbox({ port: 0, seed: {
      contacts: [{ contactid: CONTACT_ID, firstname: 'Ines', lastname: 'Dataverse', emailaddress1: 'ines@dataverse.test', createdon: '2030-01-01T09:00:00Z', modifiedon: '2030-01-01T09:00:00Z' }],
    } });
    const kinds = (await api<{ connectorKinds: Kind[] }>('{ connectorKinds { crm label baseUrlLabel authKinds { kind label fields { name label required } } } }')).connectorKinds;
    kind = kinds.find((k) => k.crm === 'dynamics')!;
  } });
  afterAll(async () => {
    await dynamics?.close();
  });

  async function openAddForm(): Promise<{ page: Page; section: Locator; form: Locator }> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/connectors`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    const section = page.getByRole('region', { name: 'Add a connector' });
    await section.getByRole('button', { name: 'Add connector' }).waitFor();
    await section.getByRole('button', { name: 'Add connector' }).click();
    return { page, section, form: section.locator('form.connector-form') };
  }

  it.skipIf(!hasChromium)('a wrong client secret is refused with what to do; the right one connects the org, which joins the graph at once', async () => {
    expect(kind).toMatchObject({ label: 'Dynamics 365', baseUrlLabel: 'Organization URL' });
    expect(kind.authKinds.map((a) => a.kind)).toEqual(['client-credentials']);
    const { page, section, form } = await openAddForm();
    await form.getByLabel('CRM').selectOption({ label: 'Dynamics 365' });
    await form.getByLabel('Name').fill('Dynamics service');
    expect(await form.getByLabel('Connector id').inputValue()).toBe('dynamics-service');
    await form.getByLabel(kind.baseUrlLabel).fill(dynamics.url);
    // The form is the connector's: every field of its one auth kind, the authority URL optional.
    for (const name of ['tenantId', 'clientId', 'clientSecret']) expect(await form.getByLabel(label(name), { exact: true }).count()).toBe(1);
    expect(await form.getByLabel(`${label('authorityUrl')} (optional)`, { exact: true }).count()).toBe(1);
    expect(await credential(form, 'clientSecret').getAttribute('type')).toBe('password');
    await credential(form, 'tenantId').fill(dynamics.tenantId);
    await credential(form, 'clientId').fill(dynamics.clientId);
    await credential(form, 'clientSecret').fill('not-the-secret');
    // The sandbox serves its own token endpoint: the authority URL is its URL (Entra ID's by default).
    await credential(form, 'authorityUrl').fill(dynamics.url);
    await form.getByRole('button', { name: 'Save' }).click();
    const refusal = form.getByRole('alert');
    await refusal.filter({ hasText: 'CRM_AUTH_FAILED' }).waitFor({ timeout: 20_000 });
    expect(await refusal.textContent()).toContain('Dynamics 365 refused these credentials');
    expect(await refusal.textContent()).not.toContain('not-the-secret');
    expect((await api<{ connectors: { id: string }[] }>('{ connectors { id } }')).connectors.map((c) => c.id)).not.toContain('dynamics-service');

    await credential(form, 'clientSecret').fill(dynamics.clientSecret);
    await form.getByRole('button', { name: 'Save' }).click();
    await section.getByRole('status').filter({ hasText: /^Saved\./ }).waitFor({ timeout: 30_000 });
    const card = page.locator('article[data-connector="dynamics-service"]');
    await card.waitFor();
    expect(await card.locator('h3').textContent()).toBe('Dynamics service');
    await expect.poll(async () => card.locator('.connector-status strong').textContent(), { timeout: 20_000 }).toBe('Connected');
    expect(await page.content()).not.toContain(dynamics.clientSecret);

    // Joined at once: its native type is served, its contact linked to a golden customer.
    const contacts = await api<{ dynamicsContacts: { edges: { node: { id: string; emailaddress1: string } }[] } }>('{ dynamicsContacts(first: 5) { edges { node { id emailaddress1 } } } }');
    expect(contacts.dynamicsContacts.edges.map((e) => e.node)).toEqual([{ id: CONTACT_ID, emailaddress1: 'ines@dataverse.test' }]);
    await expect.poll(async () => {
      const res = await api<{ customers: { edges: { node: { email: string | null; sources: { crm: string; recordId: string }[] } }[] } }>('{ customers(first: 500) { edges { node { email sources { crm recordId } } } } }');
      return res.customers.edges.map((e) => e.node).find((n) => n.sources.some((s) => s.crm === 'dynamics'))?.sources;
    }, { timeout: 60_000, interval: 500 }).toEqual([{ crm: 'dynamics', recordId: CONTACT_ID }]);
    await page.close();
  }, 150_000);
});
