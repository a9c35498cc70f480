/**
 * What the "a CRM joins a running deployment" tests (pipedrive-join, dynamics-join, zoho-join) share: the admin API
 * calls that add the connector, the customers listed with their sources, one customer with the provenance of its
 * phone, and the checks every join makes the same way (a refused credential stores nothing; the saved connector runs
 * at once; every record of the CRM joins the customer holding the Salesforce contact of its email; the change made in
 * the CRM reaches the snapshot, which only polling can bring). Each test keeps what is its CRM's own.
 */
import { expect } from 'vitest';
import type { TestApp } from '../../support/test-app.ts';

const SAVE = `mutation($input: SaveConnectorInput!) { saveConnector(input: $input) { applied restartReason connector { id running } } }`;
const BY_SOURCE = `{ customers(first: 200) { edges { node { id email phone sources { crm recordId } } } } }`;
const CUSTOMER = `query($id: ID!) { customer(id: $id) { id email phone firstName company { name } sources { crm recordId } provenance(fields: ["phone"]) { field value rule source { crm recordId } } } }`;

export type JoinNode = { id: string; email: string | null; phone: string | null; sources: { crm: string; recordId: string }[] };
export type JoinCustomer = JoinNode & {
  firstName: string | null;
  company: { name: string | null } | null;
  provenance: { field: string; value: unknown; rule: string; source: { crm: string; recordId: string } | null }[];
};
export interface ConnectorInput {
  id: string;
  crm: string;
  name: string;
  baseUrl: string;
  authKind: string;
  credentials: { name: string; value: string }[];
}

export function crmJoin(app: () => TestApp, crm: string) {
  const t = () => app();
  const customers = async (): Promise<JoinNode[]> => {
    const res = await t().gql<{ customers: { edges: { node: JoinNode }[] } }>(BY_SOURCE);
    expect(res.errors).toBeUndefined();
    return res.data!.customers.edges.map((e) => e.node);
  };
  /** The customer a record of this CRM is linked to. */
  const withRecord = async (recordId: string): Promise<JoinNode | undefined> =>
    (await customers()).find((c) => c.sources.some((s) => s.crm === crm && s.recordId === recordId));
  const customer = async (id: string): Promise<JoinCustomer> => {
    const res = await t().gql<{ customer: JoinCustomer }>(CUSTOMER, { id });
    expect(res.errors).toBeUndefined();
    return res.data!.customer;
  };
  /** Customers whose full name the snapshot holds: what only a recomputed snapshot (polling, webhooks) changes. */
  const byName = async (name: string): Promise<string[] | undefined> =>
    (await t().gql<{ customers: { edges: { node: { id: string } }[] } }>(`{ customers(first: 5, filter: { name: ${JSON.stringify(name)} }) { edges { node { id } } } }`)).data?.customers.edges.map((e) => e.node.id);

  return {
    customers,
    withRecord,
    customer,
    byName,
    /** The CRM is offered with these auth kinds; a wrong credential is refused with CRM_AUTH_FAILED, not echoed, nothing stored. */
    async expectRefused(input: ConnectorInput, authKinds: string[], wrongValue: string): Promise<void> {
      const kinds = await t().gql<{ connectorKinds: { crm: string; authKinds: { kind: string }[] }[] }>('{ connectorKinds { crm authKinds { kind } } }');
      expect(kinds.data!.connectorKinds.find((k) => k.crm === crm)?.authKinds.map((a) => a.kind)).toEqual(authKinds);
      const res = await t().gql(SAVE, { input });
      expect(res.errors?.[0]?.extensions?.code).toBe('CRM_AUTH_FAILED');
      expect(JSON.stringify(res.errors)).not.toContain(wrongValue);
      const list = await t().gql<{ connectors: { id: string }[] }>('{ connectors { id } }');
      expect(list.data!.connectors.map((c) => c.id)).not.toContain(input.id);
    },
    /** Saved and running at once, without a restart. */
    async expectJoined(input: ConnectorInput): Promise<void> {
      const res = await t().gql<{ saveConnector: unknown }>(SAVE, { input });
      expect(res.errors).toBeUndefined();
      expect(res.data!.saveConnector).toEqual({ applied: true, restartReason: null, connector: { id: input.id, running: true } });
    },
    /** Linking runs in the background: each record joins the customer holding the Salesforce contact of its email. */
    async expectMergedWithSalesforce(pairs: { salesforceId: string; recordId: string }[], total = pairs.length): Promise<void> {
      await expect.poll(async () => (await customers()).filter((c) => c.sources.some((s) => s.crm === crm)).length, { timeout: 60_000, interval: 500 }).toBe(total);
      for (const { salesforceId, recordId } of pairs) {
        expect((await withRecord(recordId))!.sources).toEqual(expect.arrayContaining([{ crm: 'salesforce', recordId: salesforceId }, { crm, recordId }]));
      }
    },
    /**
     * `change` makes a change in the CRM that sets the record's phone and first name: the live query reads the phone at
     * once, the snapshot (the list filter by name) only once polling or a webhook brought the change.
     */
    async expectChangeArrives(recordId: string, change: () => Promise<void>, phone: string, firstName: string): Promise<void> {
      const node = (await withRecord(recordId))!;
      expect(await byName(firstName)).toEqual([]);
      await change();
      await expect.poll(async () => (await customer(node.id)).phone, { timeout: 30_000, interval: 500 }).toBe(phone);
      await expect.poll(() => byName(firstName), { timeout: 30_000, interval: 500 }).toEqual([node.id]);
    },
    /** A golden update enqueued for every source, and `read` sees it in the CRM. */
    async expectWrittenBack(recordId: string, read: () => unknown): Promise<void> {
      const node = (await withRecord(recordId))!;
      const res = await t().gql<{ updateCustomer: { enqueued: number } }>('mutation($id: ID!) { updateCustomer(id: $id, input: { firstName: "Augusta" }) { enqueued } }', { id: node.id });
      expect(res.errors).toBeUndefined();
      expect(res.data!.updateCustomer.enqueued).toBeGreaterThanOrEqual(2);
      await expect.poll(read, { timeout: 30_000, interval: 250 }).toBe('Augusta');
    },
  };
}
