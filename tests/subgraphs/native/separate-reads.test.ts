/**
 * Separately read fields in a CRM subgraph (FieldDescription.separateRead: HubSpot's deal associations): the record
 * read leaves them out, a query selecting one reads it for every record of the request in one call, the SDL marks
 * them `@cost`, and the values are cached like records. On the HubSpot sandbox through the real connector.
 */
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeSubgraph } from '../../../subgraphs/native/build-native-subgraph.ts';
import { createHubSpotSubgraph } from '../../../subgraphs/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import type { HubSpotConnector } from '../../../connectors/hubspot/index.ts';
import { countCalls } from '../../connectors/contract-suite/sandbox-control.ts';
import { CREDENTIALS, connectHubSpot, startHubSpot } from '../../connectors/hubspot/harness.ts';

const COMPANIES = 'POST /crm/v4/associations/deals/companies/batch/read';
const CONTACTS = 'POST /crm/v4/associations/deals/contacts/batch/read';
const DEALS = 'POST /crm/v3/objects/deals/batch/read';

let sandbox: RunningHubSpotSandbox;
let connector: HubSpotConnector;
const deals: string[] = [];
let company = '';

async function build(cacheTtlMs: number): Promise<NativeSubgraph> {
  return createHubSpotSubgraph(connector, { cacheTtlMs });
}

/** `_entities` as the gateway sends it, for the deals, selecting `fields`. */
async function entities(subgraph: NativeSubgraph, fields: string) {
  const res = await graphql({
    schema: subgraph.schema(),
    source: `query($r: [_Any!]!) { _entities(representations: $r) { ... on HubSpotDeal { id ${fields} } } }`,
    variableValues: { r: deals.map((id) => ({ __typename: 'HubSpotDeal', id })) },
    contextValue: {},
  });
  expect(res.errors).toBeUndefined();
  return res.data!._entities as Record<string, unknown>[];
}

beforeAll(async () => {
  sandbox = await startHubSpot();
  connector = connectHubSpot(sandbox, { connectorId: `hs-separate-${Date.now()}` });
  const created = await connector.createMany('companies', [{ fields: { name: 'Babbage Ltd' } }]);
  company = created[0]!.ok ? created[0]!.id : '';
  for (const name of ['One', 'Two', 'Three']) {
    const [r] = await connector.createMany('deals', [{ fields: { dealname: name } }]);
    if (!r!.ok) throw new Error(r!.error.message);
    deals.push(r!.id);
  }
  const res = await fetch(`${sandbox.url}/crm/v4/objects/deals/${deals[0]}/associations/companies/${company}`, {
    method: 'PUT', headers: { authorization: `Bearer ${CREDENTIALS.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }]),
  });
  expect(res.status).toBe(201);
}, 60_000);
afterAll(async () => sandbox?.close());

describe('separately read fields in a CRM subgraph', () => {
  it('marks them @cost in the SDL, under federation 2.9', async () => {
    const subgraph = await build(0);
    expect(subgraph.typeDefs()).toContain('federation/v2.9", import: ["@key", "@cost"]');
    expect(subgraph.typeDefs()).toMatch(/associatedcompanyid: String @cost\(weight: \d+\)/);
    expect(subgraph.typeDefs()).toMatch(/\n {2}dealname: String\n/);
  });

  it('reads none for a query that does not select them: one batch read of the deals', async () => {
    const subgraph = await build(0);
    const read = await countCalls(sandbox, () => entities(subgraph, 'dealname amount'));
    expect(read.calls.routes).toEqual({ [DEALS]: 1 });
    expect(read.result.map((d) => d.dealname)).toEqual(['One', 'Two', 'Three']);
  });

  it('reads one selected for every record of the request in one association call, and only that one', async () => {
    const subgraph = await build(0);
    const read = await countCalls(sandbox, () => entities(subgraph, 'dealname associatedcompanyid'));
    expect(read.calls.routes).toEqual({ [DEALS]: 1, [COMPANIES]: 1 });
    expect(read.result.map((d) => d.associatedcompanyid)).toEqual([company, null, null]);
    const both = await countCalls(sandbox, () => entities(subgraph, 'associatedcompanyid associatedcontactid'));
    expect(both.calls.routes).toEqual({ [DEALS]: 1, [COMPANIES]: 1, [CONTACTS]: 1 });
  });

  it('caches the values like records: a second request within the TTL reads nothing', async () => {
    const subgraph = await build(60_000);
    await entities(subgraph, 'dealname associatedcompanyid');
    const again = await countCalls(sandbox, () => entities(subgraph, 'dealname associatedcompanyid'));
    expect(again.calls.routes).toEqual({});
    expect(again.result[0]!.associatedcompanyid).toBe(company);
  });
});
