/**
 * The scenario every CRM's "connect it on the Connectors page" admin-UI test shares, in a real browser against a real
 * gateway with no CRM yet (the demo off) and that CRM's sandbox: the form is the connector's own (its base URL label,
 * its one auth kind's fields, optional ones marked, secrets as password inputs); a wrong credential is refused with
 * CRM_AUTH_FAILED and what to do, storing nothing and never echoing it; the right one is saved, the connector shows
 * Connected at once with no secret left in the page, its contacts are served under their native type and linked to a
 * golden customer. Each CRM's test file names its sandbox, credentials and native query (the idea of the shared
 * connector contract suite, for the admin's path).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { TestApp } from '../../support/test-app.ts';
import { useAdminUiApp } from './admin-ui-app.ts';
import { hasChromium } from './browser.ts';
import type { BrowserSession } from './browser.ts';

interface Kind { crm: string; label: string; baseUrlLabel: string; authKinds: { kind: string; label: string; fields: { name: string; label: string; required: boolean }[] }[] }

export interface ConnectCrmUiScenario<S extends { url: string; close(): Promise<void> }> {
  crm: string;
  /** As the form lists it: 'Dynamics 365'. */
  label: string;
  baseUrlLabel: string;
  authKind: string;
  /** The connector's display name; its id is derived from it ('Zoho partners' → 'zoho-partners'). */
  connectorName: string;
  /** Starts the CRM's sandbox seeded with one contact. */
  start(): Promise<S>;
  /** Every credential field to fill, by field name, with the right values; optional fields too where needed. */
  credentials(sandbox: S): Record<string, string>;
  /** Fields the form must mark optional. */
  optional: string[];
  /** Fields that must be password inputs. */
  secret: string[];
  /** The credential replaced by a wrong value first, and that value. */
  wrong: { field: string; value: string; secretOf(sandbox: S): string };
  /** A query of the CRM's native contacts, answering `{ contacts: { edges: [{ node }] } }`, and the node it must list. */
  contacts: { query: string; expected: Record<string, unknown> };
  contactId: string;
}

export function describeConnectCrmUi<S extends { url: string; close(): Promise<void> }>(s: ConnectCrmUiScenario<S>): void {
  const token = `web-connector-${s.crm}-token`;
  describe(`admin UI: connecting ${s.label}`, () => {
    let t: TestApp;
    let session: BrowserSession | undefined;
    let sandbox: S;
    let kind: Kind;
    const api = async <T, >(query: string): Promise<T> => {
      const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
      const body = await res.json() as { data: T; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const credential = (form: Locator, name: string) => form.locator(`input[name="credentials.${name}"]`);
    const label = (name: string) => kind.authKinds[0]!.fields.find((f) => f.name === name)!.label;
    const connectorId = s.connectorName.toLowerCase().replace(/[^a-z0-9]+/g, '-');

    useAdminUiApp({ tokens: token, start: { demo: false }, ready: async (app, browser) => {
      t = app;
      session = browser;
      sandbox = await s.start();
      const kinds = (await api<{ connectorKinds: Kind[] }>('{ connectorKinds { crm label baseUrlLabel authKinds { kind label fields { name label required } } } }')).connectorKinds;
      kind = kinds.find((k) => k.crm === s.crm)!;
    } });
    afterAll(async () => {
      await sandbox?.close();
    });

    async function openAddForm(): Promise<{ page: Page; section: Locator; form: Locator }> {
      const page = await session!.newPage();
      await page.goto(`${t.app.server.url}/admin/#/connectors`);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Use token' }).click();
      const section = page.getByRole('region', { name: 'Add a connector' });
      await section.getByRole('button', { name: 'Add connector' }).waitFor();
      await section.getByRole('button', { name: 'Add connector' }).click();
      return { page, section, form: section.locator('form.connector-form') };
    }

    it.skipIf(!hasChromium)(`a wrong ${s.wrong.field} is refused with what to do; the right one connects, and the CRM joins the graph at once`, async () => {
      expect(kind).toMatchObject({ label: s.label, baseUrlLabel: s.baseUrlLabel });
      expect(kind.authKinds.map((a) => a.kind)).toEqual([s.authKind]);
      const { page, section, form } = await openAddForm();
      await form.getByLabel('CRM').selectOption({ label: s.label });
      await form.getByLabel('Name').fill(s.connectorName);
      expect(await form.getByLabel('Connector id').inputValue()).toBe(connectorId);
      await form.getByLabel(kind.baseUrlLabel).fill(sandbox.url);
      // The form is the connector's: every field of its one auth kind, the optional ones marked.
      for (const f of kind.authKinds[0]!.fields) {
        const shown = s.optional.includes(f.name) ? `${label(f.name)} (optional)` : label(f.name);
        expect(await form.getByLabel(shown, { exact: true }).count(), f.name).toBe(1);
      }
      for (const name of s.secret) expect(await credential(form, name).getAttribute('type'), name).toBe('password');
      for (const [name, value] of Object.entries(s.credentials(sandbox))) await credential(form, name).fill(name === s.wrong.field ? s.wrong.value : value);
      await form.getByRole('button', { name: 'Save' }).click();
      const refusal = form.getByRole('alert');
      await refusal.filter({ hasText: 'CRM_AUTH_FAILED' }).waitFor({ timeout: 20_000 });
      expect(await refusal.textContent()).toContain(`${s.label} refused these credentials`);
      expect(await refusal.textContent()).not.toContain(s.wrong.value);
      expect((await api<{ connectors: { id: string }[] }>('{ connectors { id } }')).connectors.map((c) => c.id)).not.toContain(connectorId);

      await credential(form, s.wrong.field).fill(s.credentials(sandbox)[s.wrong.field]!);
      await form.getByRole('button', { name: 'Save' }).click();
      await section.getByRole('status').filter({ hasText: /^Saved\./ }).waitFor({ timeout: 30_000 });
      const card = page.locator(`article[data-connector="${connectorId}"]`);
      await card.waitFor();
      expect(await card.locator('h3').textContent()).toBe(s.connectorName);
      await expect.poll(async () => card.locator('.connector-status strong').textContent(), { timeout: 20_000 }).toBe('Connected');
      expect(await page.content()).not.toContain(s.wrong.secretOf(sandbox));

      // Joined at once: its native type is served, its contact linked to a golden customer.
      const contacts = await api<{ contacts: { edges: { node: Record<string, unknown> }[] } }>(s.contacts.query);
      expect(contacts.contacts.edges.map((e) => e.node)).toEqual([s.contacts.expected]);
      await expect.poll(async () => {
        const res = await api<{ customers: { edges: { node: { sources: { crm: string; recordId: string }[] } }[] } }>('{ customers(first: 500) { edges { node { sources { crm recordId } } } } }');
        return res.customers.edges.map((e) => e.node).find((n) => n.sources.some((x) => x.crm === s.crm))?.sources;
      }, { timeout: 60_000, interval: 500 }).toEqual([{ crm: s.crm, recordId: s.contactId }]);
      await page.close();
    }, 150_000);
  });
}
