/**
 * The setting of the Salesforce Change Data Capture end-to-end tests: a sandbox seeded with 10 demo customers, a REST
 * connector of its own on it (to make changes as another Salesforce user would), and the app with interval polling
 * off, so a change can only arrive through the stream (or a read the stream asks for).
 */
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.ts';
import type { SalesforceConnector } from '../../../connectors/salesforce/index.ts';
import { goldenRecords } from '../../../db/schema.ts';
import { generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { startTestApp } from '../../support/test-app.ts';
import type { TestApp } from '../../support/test-app.ts';

export interface CdcCustomer { id: string; phone: string | null; email: string | null; sources: { crm: string; objectType: string; recordId: string }[] }

export interface SalesforceCdcSetting {
  sb: SalesforceSandbox;
  rest: SalesforceConnector;
  t: TestApp;
  /** Every customer, with the golden phone and email (resolved from the CRMs) and its sources. */
  customers(): Promise<CdcCustomer[]>;
  /** The customer one of whose sources is `recordId`. */
  customerWith(recordId: string): Promise<CdcCustomer | undefined>;
  /** The golden record's stored phone and email: only sync, applying a change it read, updates the snapshot. */
  stored(goldenId: string): Promise<{ phone: string | null; email: string | null }>;
  /** A control-plane POST that must answer 200; its JSON. */
  sandboxPost(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** Resolves once the app's Salesforce change stream is open. */
  streamOpen(): Promise<void>;
  close(): Promise<void>;
}

/** `cdc: 'off'` for a test that runs the app's change streams itself. */
export async function startSalesforceCdc(cdc: 'on' | 'off' = 'on'): Promise<SalesforceCdcSetting> {
  const sb = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 10 }).salesforce, connectHoldMs: 1000 });
  const rest = createSalesforceConnector({
    connectorId: 'test-rest', loginUrl: sb.url, auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }, registry: new RateBudgetRegistry(),
  });
  const t = await startTestApp({ demo: false, env: {
    SALESFORCE_LOGIN_URL: sb.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    CUSTOMER_GRAPH_SALESFORCE_CDC: cdc, CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0',
  } });
  const customers = async () => (await t.gql<{ customers: { edges: { node: CdcCustomer }[] } }>(
    '{ customers(first: 500) { edges { node { id phone email sources { crm objectType recordId } } } } }')).data!.customers.edges.map((e) => e.node);
  return {
    sb, rest, t, customers,
    customerWith: async (recordId) => (await customers()).find((n) => n.sources.some((s) => s.recordId === recordId)),
    async stored(goldenId) {
      const [row] = await t.app.database.db.select({ s: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, goldenId));
      const s = (row?.s ?? {}) as { phone?: string | null; email?: string | null };
      return { phone: s.phone ?? null, email: s.email ?? null };
    },
    async sandboxPost(path, body) {
      const res = await fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    },
    async streamOpen() {
      const deadline = Date.now() + 10_000;
      while (!t.app.sync.changeStreams.open().includes('salesforce')) {
        if (Date.now() > deadline) throw new Error('the Salesforce change stream did not open');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await t.close();
      await sb.close();
    },
  };
}
