/** The Salesforce connection form: a connected app's client credentials, or a user-authorised refresh token. */
import type { ConnectionForm } from '../contract/index.ts';
import type { SalesforceAuth } from './index.ts';

const clientId = { name: 'clientId', label: 'Consumer key', secret: false, required: true, help: 'The connected app\'s consumer key (Setup → App Manager).' };

export const salesforceConnectionForm: ConnectionForm = {
  crm: 'salesforce',
  label: 'Salesforce',
  baseUrlLabel: 'Login URL',
  defaultBaseUrl: 'https://login.salesforce.com',
  authKinds: [
    {
      kind: 'client-credentials',
      label: 'Connected app (client credentials)',
      fields: [clientId, { name: 'clientSecret', label: 'Consumer secret', secret: true, required: true }],
    },
    {
      kind: 'refresh-token',
      label: 'User-authorised connected app (refresh token)',
      fields: [
        clientId,
        { name: 'clientSecret', label: 'Consumer secret', secret: true, required: false, help: 'Leave empty for a public app.' },
        { name: 'refreshToken', label: 'Refresh token', secret: true, required: true },
      ],
    },
  ],
  toCredentials(kind, v) {
    const auth: SalesforceAuth = kind === 'refresh-token'
      ? { kind, clientId: v.clientId!, refreshToken: v.refreshToken!, ...(v.clientSecret ? { clientSecret: v.clientSecret } : {}) }
      : { kind: 'client-credentials', clientId: v.clientId!, clientSecret: v.clientSecret! };
    return { auth };
  },
};
