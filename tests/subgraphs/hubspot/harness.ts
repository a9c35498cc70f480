/** The HubSpot subgraph's harness: the HubSpot sandbox on the demo set, the real @hubspot/api-client connector. */
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { createHubSpotConnector } from '../../../connectors/hubspot/index.ts';
import { generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import { HUBSPOT_SANDBOX_DEFAULTS, startHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { createHubSpotSubgraph } from '../../../subgraphs/hubspot/index.ts';
import type { NativeSubgraphHarness } from '../native/harness.ts';

let fieldCounter = 0;

export const hubspotHarness: NativeSubgraphHarness = {
  crm: 'hubspot',
  // ~130 contacts, with companies and deals.
  start: () => startHubSpotSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 200 }).hubspot }),
  connect: (crm) =>
    createHubSpotConnector({
      connectorId: `hs-subgraph-${crm.url}`,
      baseUrl: crm.url,
      auth: { kind: 'static', accessToken: HUBSPOT_SANDBOX_DEFAULTS.accessToken },
      registry: new RateBudgetRegistry(),
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
    }),
  createSubgraph: (connector, options = {}) => createHubSpotSubgraph(connector, options),
  keyField: 'id',
  primary: {
    objectType: 'contacts', typeName: 'HubSpotContact', byId: 'hubSpotContact', list: 'hubSpotContacts',
    create: 'createHubSpotContact', update: 'updateHubSpotContact', delete: 'deleteHubSpotContact',
  },
  expectedFields: {
    HubSpotContact: {
      email: 'String', firstname: 'String', lastname: 'String', zip: 'String', lifecyclestage: 'String',
      createdate: 'String', lastmodifieddate: 'String',
    },
    HubSpotCompany: { name: 'String', domain: 'String', industry: 'String', numberofemployees: 'Float', annualrevenue: 'Float' },
    HubSpotDeal: { dealname: 'String', amount: 'Float', dealstage: 'String', closedate: 'String', hs_is_closed_won: 'Boolean' },
  },
  expectedRelations: {},
  selection: 'id email firstname lastname zip lifecyclestage modifiedAt',
  createInput: (i) => ({ email: `grace.subgraph${i}@example.test`, firstname: 'Grace', lastname: `Subgraph${i}` }),
  checkedField: 'lastname',
  updateInput: { lastname: 'Hopper' },
  invalidInput: { email: 'not-an-email', lastname: 'Broken' },
  async createCustomField(crm) {
    const name = `loyalty_tier_${++fieldCounter}`;
    const res = await fetch(`${crm.url}/crm/v3/properties/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HUBSPOT_SANDBOX_DEFAULTS.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, label: `Loyalty tier ${fieldCounter}`, type: 'string', fieldType: 'text', groupName: 'contactinformation' }),
    });
    if (res.status !== 201) throw new Error(`property create answered ${res.status}: ${await res.text()}`);
    return name;
  },
};
