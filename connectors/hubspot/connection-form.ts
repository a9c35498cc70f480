/** The HubSpot connection form: a private app's access token, or an OAuth app installed on the portal. */
import type { ConnectionForm } from '../contract/index.ts';
import { DEFAULT_HUBSPOT_BASE_URL } from './client.ts';
import type { HubSpotAuth } from './index.ts';

export const hubspotConnectionForm: ConnectionForm = {
  crm: 'hubspot',
  label: 'HubSpot',
  baseUrlLabel: 'API base URL',
  defaultBaseUrl: DEFAULT_HUBSPOT_BASE_URL,
  authKinds: [
    {
      kind: 'static',
      label: 'Private app token',
      fields: [
        { name: 'accessToken', label: 'Access token', secret: true, required: true, help: 'Settings → Integrations → Private apps (pat-…).' },
        { name: 'webhookSecret', label: 'Webhook client secret', secret: true, required: false, help: 'The app\'s client secret, which signs its webhooks; without it webhooks are refused and polling alone catches changes.' },
      ],
    },
    {
      kind: 'refresh-token',
      label: 'OAuth app (refresh token)',
      fields: [
        { name: 'clientId', label: 'Client ID', secret: false, required: true },
        { name: 'clientSecret', label: 'Client secret', secret: true, required: true, help: 'Also signs the app\'s webhooks.' },
        { name: 'refreshToken', label: 'Refresh token', secret: true, required: true },
      ],
    },
  ],
  toCredentials(kind, v) {
    const auth: HubSpotAuth = kind === 'refresh-token'
      ? { kind, clientId: v.clientId!, clientSecret: v.clientSecret!, refreshToken: v.refreshToken! }
      : { kind: 'static', accessToken: v.accessToken! };
    return { auth, ...(kind === 'static' && v.webhookSecret ? { webhookSecret: v.webhookSecret } : {}) };
  },
};
