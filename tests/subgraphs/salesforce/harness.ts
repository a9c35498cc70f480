/** The Salesforce subgraph's harness: the Salesforce sandbox on the demo set, the real jsforce-based connector. */
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { createSalesforceConnector } from '../../../connectors/salesforce/index.ts';
import { generateDemoSeed } from '../../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { createSalesforceSubgraph } from '../../../subgraphs/salesforce/index.ts';
import type { NativeSubgraphHarness } from '../native/harness.ts';
import { control } from '../native/harness.ts';

let fieldCounter = 0;

export const salesforceHarness: NativeSubgraphHarness = {
  crm: 'salesforce',
  // ~135 contacts, with accounts, opportunities and leads.
  start: () => startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 200 }).salesforce }),
  connect: (crm) =>
    createSalesforceConnector({
      connectorId: `sf-subgraph-${crm.url}`,
      loginUrl: crm.url,
      auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET },
      registry: new RateBudgetRegistry(),
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
    }),
  createSubgraph: (connector, options = {}) => createSalesforceSubgraph(connector, options),
  keyField: 'Id',
  primary: {
    objectType: 'Contact', typeName: 'SalesforceContact', byId: 'salesforceContact', list: 'salesforceContacts',
    create: 'createSalesforceContact', update: 'updateSalesforceContact', delete: 'deleteSalesforceContact',
  },
  expectedFields: {
    SalesforceContact: {
      FirstName: 'String', LastName: 'String', Email: 'String', MailingPostalCode: 'String', AccountId: 'String',
      HasOptedOutOfEmail: 'Boolean', Birthdate: 'String', LastModifiedDate: 'String', External_Id__c: 'String',
    },
    SalesforceAccount: { Name: 'String', Industry: 'String', AnnualRevenue: 'Float', NumberOfEmployees: 'Int', Website: 'String' },
    SalesforceOpportunity: { Name: 'String', StageName: 'String', Amount: 'Float', CloseDate: 'String', Probability: 'Float', IsWon: 'Boolean' },
    SalesforceLead: { Company: 'String', Email: 'String', LastName: 'String' },
  },
  expectedRelations: { Account: 'SalesforceAccount' },
  selection: 'Id FirstName LastName Email MailingPostalCode HasOptedOutOfEmail modifiedAt Account { Id Name }',
  createInput: (i) => ({ FirstName: 'Grace', LastName: `Subgraph${i}`, Email: `grace.subgraph${i}@example.test` }),
  checkedField: 'LastName',
  updateInput: { LastName: 'Hopper' },
  invalidInput: { LastName: 'Broken', Email: 'not-an-email' },
  async createCustomField(crm) {
    const name = `Loyalty_Tier_${++fieldCounter}__c`;
    await control(crm, 'POST', '/salesforce/fields', { object: 'Contact', name, type: 'string', label: `Loyalty tier ${fieldCounter}` });
    return name;
  },
};
