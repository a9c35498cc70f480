/** The Pipedrive connection form: a personal API token, or an OAuth app installed on the company account. */
import type { ConnectionForm, ConnectionFormField } from '../contract/index.ts';
import { DEFAULT_PIPEDRIVE_BASE_URL } from './client.ts';
import type { PipedriveAuth } from './index.ts';

/** Optional on both kinds: Pipedrive webhooks carry these Basic credentials instead of a signature. */
const WEBHOOK_FIELDS: ConnectionFormField[] = [
  { name: 'webhookUser', label: 'Webhook user', secret: false, required: false, requires: 'webhookPassword', help: 'With a password: Pipedrive sends changes to this gateway as they happen (HTTP Basic credentials of the webhooks it creates). Without them, polling alone catches changes.' },
  { name: 'webhookPassword', label: 'Webhook password', secret: true, required: false, requires: 'webhookUser', help: 'Any long random string; Pipedrive sends it with every delivery and this gateway refuses deliveries without it.' },
];

export const pipedriveConnectionForm: ConnectionForm = {
  crm: 'pipedrive',
  label: 'Pipedrive',
  baseUrlLabel: 'Company domain',
  defaultBaseUrl: DEFAULT_PIPEDRIVE_BASE_URL,
  authKinds: [
    {
      kind: 'api-token',
      label: 'API token',
      fields: [
        { name: 'apiToken', label: 'API token', secret: true, required: true, help: 'Personal preferences → API in Pipedrive; calls are made as that user.' },
        ...WEBHOOK_FIELDS,
      ],
    },
    {
      kind: 'refresh-token',
      label: 'OAuth app (refresh token)',
      fields: [
        { name: 'clientId', label: 'Client ID', secret: false, required: true },
        { name: 'clientSecret', label: 'Client secret', secret: true, required: true },
        { name: 'refreshToken', label: 'Refresh token', secret: true, required: true, help: 'From the app\'s installation (authorization code exchange).' },
        ...WEBHOOK_FIELDS,
      ],
    },
  ],
  toCredentials(kind, v) {
    const auth: PipedriveAuth = kind === 'refresh-token'
      ? { kind, clientId: v.clientId!, clientSecret: v.clientSecret!, refreshToken: v.refreshToken! }
      : { kind: 'api-token', apiToken: v.apiToken! };
    const webhooks = v.webhookUser && v.webhookPassword ? { webhookAuth: { user: v.webhookUser, password: v.webhookPassword } } : {};
    return { auth, ...webhooks };
  },
};
