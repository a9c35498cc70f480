/**
 * An integration admin connects a Zoho CRM org on the Connectors page (tests/web/support/connect-crm-ui.ts): the form
 * is the connector's own (`zohoConnectionForm`: the API domain of the org's data centre, a self client and its refresh
 * token, the accounts URL and the notification token optional); an unknown refresh token is refused with
 * CRM_AUTH_FAILED and what to do, storing nothing; the right one is saved and the org joins the running graph at once,
 * its contacts queryable as `zohoContacts`.
 */
import { startZohoSandbox } from '../../sandboxes/zoho/index.ts';
import { describeConnectCrmUi } from './support/connect-crm-ui.ts';

const CONTACT_ID = '5725767000000990001';
const AT = '2026-11-20T14:30:00+05:30';

describeConnectCrmUi({
  crm: 'zoho',
  label: 'Zoho CRM',
  baseUrlLabel: 'API domain (data centre)',
  authKind: 'refresh-token',
  connectorName: 'Zoho partners',
  start: () => startZohoSandbox({ port: 0, seed: {
    Contacts: [{ id: CONTACT_ID, First_Name: 'Ines', Last_Name: 'Zoho', Email: 'ines@zoho-partner.test', Created_Time: AT, Modified_Time: AT }],
  } }),
  // The sandbox serves its own accounts server: no zohoapis.* domain, so the accounts URL defaults to the base URL.
  credentials: (sb) => ({ clientId: sb.clientId, clientSecret: sb.clientSecret, refreshToken: sb.refreshToken }),
  optional: ['accountsUrl', 'webhookToken'],
  secret: ['clientSecret', 'refreshToken', 'webhookToken'],
  wrong: { field: 'refreshToken', value: '1000.not-the-refresh-token', secretOf: (sb) => sb.refreshToken },
  contacts: { query: '{ contacts: zohoContacts(first: 5) { edges { node { id Email } } } }', expected: { id: CONTACT_ID, Email: 'ines@zoho-partner.test' } },
  contactId: CONTACT_ID,
});
