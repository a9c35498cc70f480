/**
 * The Zoho CRM connection form: the API domain of the account's data centre (the admin UI's base URL) and a
 * self client (or server-based client) from Zoho's API console with a refresh token. The accounts server follows
 * from the API domain (`accountsUrlFor`); it is asked for only for a data centre the table does not know or a test
 * double serving both on one URL.
 */
import type { ConnectionForm } from '../contract/index.ts';
import type { ZohoAuth } from './auth.ts';
import { ZOHO } from './errors.ts';

export const DEFAULT_ZOHO_API_DOMAIN = 'https://www.zohoapis.com';

export const zohoConnectionForm: ConnectionForm = {
  crm: ZOHO,
  label: 'Zoho CRM',
  baseUrlLabel: 'API domain (data centre)',
  defaultBaseUrl: DEFAULT_ZOHO_API_DOMAIN,
  authKinds: [
    {
      kind: 'refresh-token',
      label: 'API console client (refresh token)',
      fields: [
        { name: 'clientId', label: 'Client ID', secret: false, required: true, help: 'api-console.zoho.com → your Self Client (or server-based client) → Client Secret tab → Client ID (1000.…).' },
        { name: 'clientSecret', label: 'Client secret', secret: true, required: true, help: 'api-console.zoho.com → the same client → Client Secret tab → Client Secret.' },
        { name: 'refreshToken', label: 'Refresh token', secret: true, required: true, help: 'api-console.zoho.com → Self Client → Generate Code (scope ZohoCRM.modules.ALL,ZohoCRM.settings.ALL), then exchange the code at {accounts URL}/oauth/v2/token with grant_type=authorization_code: the answer\'s refresh_token (1000.…). Generated in the same data centre as the API domain.' },
        { name: 'accountsUrl', label: 'Accounts URL', secret: false, required: false, help: 'The accounts server of your data centre, e.g. https://accounts.zoho.eu. Default: the one that goes with the API domain (www.zohoapis.eu → accounts.zoho.eu); the "accounts-server" the console names after sign-in.' },
        { name: 'webhookToken', label: 'Webhook token', secret: true, required: false, help: 'Any long random string (up to 50 characters, e.g. from a password generator): customer-graph sends it to Zoho with its notification channel, and Zoho\'s notifications carry it back to prove they come from this org. Leave empty to catch changes by polling only.' },
      ],
    },
  ],
  toCredentials(_kind, v) {
    const auth: ZohoAuth = { kind: 'refresh-token', clientId: v.clientId!, clientSecret: v.clientSecret!, refreshToken: v.refreshToken! };
    return { auth, ...(v.accountsUrl ? { accountsUrl: v.accountsUrl } : {}), ...(v.webhookToken ? { webhookToken: v.webhookToken } : {}) };
  },
};
