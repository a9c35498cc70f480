/**
 * Which CRM accounts the gateway talks to. Real accounts come from the environment (stored encrypted on start);
 * with none configured, the embedded demo starts the CRM sandboxes in a child process and registers them — so
 * `npm start` on a fresh machine shows merged customers at once.
 */
import { createHash } from 'node:crypto';
import type { ConnectorInput, ConnectorStore } from '../db/connector-store.ts';
import type { Logger } from '../lib/logger.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import type { SandboxProcess } from './sandbox-process.ts';

export interface ConnectorSetupOptions {
  env: NodeJS.ProcessEnv;
  /** A folder of CRM exports in the sandbox seed format (`customer-graph start --seed DIR`). */
  seedDir?: string;
  logger: Logger;
}

export interface ConnectorSetup {
  demo: boolean;
  sandboxes?: SandboxProcess;
  stop(): Promise<void>;
}

export const DEMO_SALESFORCE_ID = 'salesforce-demo';
export const DEMO_HUBSPOT_ID = 'hubspot-demo';
export const DEMO_PIPEDRIVE_ID = 'pipedrive-demo';
/** The demo Pipedrive connector's webhook credentials: the sandbox sends them with every delivery. */
export const DEMO_PIPEDRIVE_WEBHOOK_AUTH = Object.freeze({ user: 'customer-graph', password: 'sandbox-webhook-password' });
export const DEMO_DYNAMICS_ID = 'dynamics-demo';
/**
 * The Dynamics sandbox's default Entra ID app registration (sandboxes/dynamics DEFAULTS), copied: product code never
 * imports sandboxes/. The connector asks the sandbox itself for tokens (its URL is no dynamics.com org).
 */
export const DEMO_DYNAMICS_AUTH = Object.freeze({ kind: 'client-credentials', tenantId: 'sandbox-tenant', clientId: 'customer-graph', clientSecret: 'sandbox-dynamics-secret' });

export async function setUpConnectors(store: ConnectorStore, opts: ConnectorSetupOptions): Promise<ConnectorSetup> {
  const { env, logger } = opts;
  await registerFromEnvironment(store, env);
  const rows = await store.list();
  const realOnes = rows.filter((r) => !r.settings.demo);
  const demoWanted = (env.CUSTOMER_GRAPH_DEMO ?? 'auto') !== 'off' && (realOnes.length === 0 || opts.seedDir !== undefined);
  if (!demoWanted) return { demo: false, stop: async () => {} };

  const args = [
    '--salesforce-port', env.CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT ?? '4101',
    '--hubspot-port', env.CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT ?? '4102',
    '--pipedrive-port', env.CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT ?? '4103',
    '--dynamics-port', env.CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT ?? '4104',
    ...(opts.seedDir ? ['--seed', opts.seedDir] : []),
  ];
  const sandboxes = await startSandboxProcess(args);
  logger.info({ salesforce: sandboxes.salesforceUrl, hubspot: sandboxes.hubspotUrl, pipedrive: sandboxes.pipedriveUrl ?? 'off', dynamics: sandboxes.dynamicsUrl ?? 'off', seed: opts.seedDir ?? 'demo' }, 'demo CRM sandboxes started');
  // The demo connectors, with the sandboxes' default credentials; a sandbox left out (Pipedrive or Dynamics `off`) takes its
  // connector of an earlier start with it.
  const demoConnectors: [string, string, string, string | undefined, Record<string, unknown>][] = [
    [DEMO_SALESFORCE_ID, 'salesforce', 'Salesforce (sandbox)', sandboxes.salesforceUrl, { auth: { kind: 'client-credentials', clientId: 'customer-graph', clientSecret: 'sandbox' } }],
    [DEMO_HUBSPOT_ID, 'hubspot', 'HubSpot (sandbox)', sandboxes.hubspotUrl, { auth: { kind: 'static', accessToken: 'sandbox-token' }, webhookSecret: 'sandbox' }],
    [DEMO_PIPEDRIVE_ID, 'pipedrive', 'Pipedrive (sandbox)', sandboxes.pipedriveUrl, { auth: { kind: 'api-token', apiToken: 'sandbox-pipedrive-token' }, webhookAuth: DEMO_PIPEDRIVE_WEBHOOK_AUTH }],
    [DEMO_DYNAMICS_ID, 'dynamics', 'Dynamics 365 (sandbox)', sandboxes.dynamicsUrl, { auth: { ...DEMO_DYNAMICS_AUTH } }],
  ];
  for (const [id, crm, name, baseUrl, credentials] of demoConnectors) {
    if (baseUrl) await store.upsert({ id, crm, name, baseUrl, settings: { demo: true }, credentials });
    else await store.remove(id);
  }
  return { demo: true, sandboxes, stop: () => sandboxes.stop() };
}

/**
 * SALESFORCE_*, HUBSPOT_*, PIPEDRIVE_* and DYNAMICS_* variables describe real accounts; they are stored (encrypted) under fixed
 * ids. They seed the connector: settings an admin saves later through the admin API stay in force across restarts
 * until the variables themselves change (a fingerprint of what they said is kept with the connector), and then they win again.
 */
async function registerFromEnvironment(store: ConnectorStore, env: NodeJS.ProcessEnv): Promise<void> {
  const wanted: ConnectorInput[] = [];
  if (env.SALESFORCE_LOGIN_URL && env.SALESFORCE_CLIENT_ID) {
    const auth = env.SALESFORCE_REFRESH_TOKEN
      ? { kind: 'refresh-token', clientId: env.SALESFORCE_CLIENT_ID, clientSecret: env.SALESFORCE_CLIENT_SECRET, refreshToken: env.SALESFORCE_REFRESH_TOKEN }
      : { kind: 'client-credentials', clientId: env.SALESFORCE_CLIENT_ID, clientSecret: env.SALESFORCE_CLIENT_SECRET };
    wanted.push({ id: 'salesforce', crm: 'salesforce', name: 'Salesforce', baseUrl: env.SALESFORCE_LOGIN_URL, credentials: { auth } });
  }
  if (env.HUBSPOT_ACCESS_TOKEN) {
    wanted.push({
      id: 'hubspot',
      crm: 'hubspot',
      name: 'HubSpot',
      baseUrl: env.HUBSPOT_BASE_URL ?? 'https://api.hubapi.com',
      credentials: { auth: { kind: 'static', accessToken: env.HUBSPOT_ACCESS_TOKEN }, ...(env.HUBSPOT_CLIENT_SECRET ? { webhookSecret: env.HUBSPOT_CLIENT_SECRET } : {}) },
    });
  }
  if (env.PIPEDRIVE_API_TOKEN) {
    wanted.push({
      id: 'pipedrive',
      crm: 'pipedrive',
      name: 'Pipedrive',
      // The company domain (https://acme.pipedrive.com); api.pipedrive.com serves every company too.
      baseUrl: env.PIPEDRIVE_BASE_URL ?? 'https://api.pipedrive.com',
      credentials: {
        auth: { kind: 'api-token', apiToken: env.PIPEDRIVE_API_TOKEN },
        ...(env.PIPEDRIVE_WEBHOOK_USER && env.PIPEDRIVE_WEBHOOK_PASSWORD ? { webhookAuth: { user: env.PIPEDRIVE_WEBHOOK_USER, password: env.PIPEDRIVE_WEBHOOK_PASSWORD } } : {}),
      },
    });
  }
  if (env.DYNAMICS_URL && env.DYNAMICS_TENANT_ID && env.DYNAMICS_CLIENT_ID && env.DYNAMICS_CLIENT_SECRET) {
    wanted.push({
      id: 'dynamics',
      crm: 'dynamics',
      name: 'Dynamics 365',
      // The org URL, https://acme.crm.dynamics.com (crm4, crm11… in other regions).
      baseUrl: env.DYNAMICS_URL,
      credentials: {
        auth: { kind: 'client-credentials', tenantId: env.DYNAMICS_TENANT_ID, clientId: env.DYNAMICS_CLIENT_ID, clientSecret: env.DYNAMICS_CLIENT_SECRET },
        ...(env.DYNAMICS_AUTHORITY_URL ? { authorityUrl: env.DYNAMICS_AUTHORITY_URL } : {}),
      },
    });
  }
  for (const input of wanted) {
    // A hash, not the values: the settings column is not encrypted.
    const fingerprint = createHash('sha256').update(JSON.stringify([input.baseUrl, input.credentials])).digest('base64url');
    const stored = await store.get(input.id);
    if (stored?.settings.environmentFingerprint === fingerprint) continue;
    await store.upsert({ ...input, settings: { ...stored?.settings, environmentFingerprint: fingerprint } });
  }
}
