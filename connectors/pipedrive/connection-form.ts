/** The Pipedrive connection form: a personal API token, or an OAuth app installed on the company account. */
import type { ConnectionForm } from '../contract/index.ts';
import { DEFAULT_PIPEDRIVE_BASE_URL } from './client.ts';
import type { PipedriveAuth } from './index.ts';

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
      ],
    },
    {
      kind: 'refresh-token',
      label: 'OAuth app (refresh token)',
      fields: [
        { name: 'clientId', label: 'Client ID', secret: false, required: true },
        { name: 'clientSecret', label: 'Client secret', secret: true, required: true },
        { name: 'refreshToken', label: 'Refresh token', secret: true, required: true, help: 'From the app\'s installation (authorization code exchange).' },
      ],
    },
  ],
  toCredentials(kind, v) {
    const auth: PipedriveAuth = kind === 'refresh-token'
      ? { kind, clientId: v.clientId!, clientSecret: v.clientSecret!, refreshToken: v.refreshToken! }
      : { kind: 'api-token', apiToken: v.apiToken! };
    return { auth };
  },
};
