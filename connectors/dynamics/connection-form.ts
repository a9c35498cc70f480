/**
 * The Dynamics 365 connection form: the org URL (the admin UI's base URL) and an app registration in Entra ID
 * that is an application user of the org (client credentials; Dataverse has no API keys). The authority URL is
 * asked for only to reach a national cloud or a test double; it defaults to the public cloud. The webhook key is
optional: with it the connector registers Dataverse webhooks, without it changes arrive by polling only.
 */
import type { ConnectionForm } from '../contract/index.ts';
import type { DynamicsAuth } from './auth.ts';
import { DEFAULT_DYNAMICS_AUTHORITY_URL, DYNAMICS } from './client.ts';

export const dynamicsConnectionForm: ConnectionForm = {
  crm: DYNAMICS,
  label: 'Dynamics 365',
  baseUrlLabel: 'Organization URL',
  authKinds: [
    {
      kind: 'client-credentials',
      label: 'App registration (client credentials)',
      fields: [
        { name: 'tenantId', label: 'Tenant ID', secret: false, required: true, help: 'Entra ID → Overview → Tenant ID (a guid) or the tenant\'s domain.' },
        { name: 'clientId', label: 'Client ID', secret: false, required: true, help: 'The app registration\'s Application (client) ID; the app must be an application user of the org with a security role.' },
        { name: 'clientSecret', label: 'Client secret', secret: true, required: true, help: 'Certificates & secrets → a client secret\'s Value (not its ID).' },
        { name: 'authorityUrl', label: 'Authority URL', secret: false, required: false, help: `Where tokens are requested. Default ${DEFAULT_DYNAMICS_AUTHORITY_URL}; another only for a national cloud (e.g. https://login.microsoftonline.us).` },
        { name: 'webhookKey', label: 'Webhook key', secret: true, required: false, help: 'Any long random string (e.g. from a password generator): customer-graph registers a webhook service endpoint and its steps in the org with it as the x-customer-graph-key header, and Dataverse\'s deliveries carry it back to prove they come from this org. Leave empty to catch changes by polling only.' },
      ],
    },
  ],
  toCredentials(_kind, v) {
    const auth: DynamicsAuth = { kind: 'client-credentials', tenantId: v.tenantId!, clientId: v.clientId!, clientSecret: v.clientSecret! };
    return { auth, ...(v.authorityUrl ? { authorityUrl: v.authorityUrl } : {}), ...(v.webhookKey ? { webhookKey: v.webhookKey } : {}) };
  },
};
