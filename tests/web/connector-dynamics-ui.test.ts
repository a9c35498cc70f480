/**
 * An integration admin connects a Dynamics 365 org on the Connectors page (tests/web/support/connect-crm-ui.ts): the
 * form is the connector's own (`dynamicsConnectionForm`: the Organization URL, an Entra ID app registration, the
 * authority URL and the webhook key optional); a wrong client secret is refused with CRM_AUTH_FAILED and what to do, storing nothing; the
 * right one is saved and the org joins the running graph at once, its contacts queryable as `dynamicsContacts`.
 */
import { startDynamicsSandbox } from '../../sandboxes/dynamics/index.ts';
import { describeConnectCrmUi } from './support/connect-crm-ui.ts';

const CONTACT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

describeConnectCrmUi({
  crm: 'dynamics',
  label: 'Dynamics 365',
  baseUrlLabel: 'Organization URL',
  authKind: 'client-credentials',
  connectorName: 'Dynamics service',
  start: () => startDynamicsSandbox({ port: 0, seed: {
    contacts: [{ contactid: CONTACT_ID, firstname: 'Ines', lastname: 'Dataverse', emailaddress1: 'ines@dataverse.test', createdon: '2030-01-01T09:00:00Z', modifiedon: '2030-01-01T09:00:00Z' }],
  } }),
  // The sandbox serves its own token endpoint: the authority URL is its URL (Entra ID's by default).
  credentials: (sb) => ({ tenantId: sb.tenantId, clientId: sb.clientId, clientSecret: sb.clientSecret, authorityUrl: sb.url }),
  optional: ['authorityUrl', 'webhookKey'],
  secret: ['clientSecret', 'webhookKey'],
  wrong: { field: 'clientSecret', value: 'not-the-secret', secretOf: (sb) => sb.clientSecret },
  contacts: { query: '{ contacts: dynamicsContacts(first: 5) { edges { node { id emailaddress1 } } } }', expected: { id: CONTACT_ID, emailaddress1: 'ines@dataverse.test' } },
  contactId: CONTACT_ID,
});
