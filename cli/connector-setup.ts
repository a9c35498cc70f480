/**
 * Which CRM accounts the gateway talks to. Real accounts come from the environment (stored encrypted on start);
 * with none configured, the embedded demo starts the CRM sandboxes in a child process and registers them — so
 * `npm start` on a fresh machine shows merged customers at once.
 */
import { createHash } from 'node:crypto';
import type { ConnectorInput, ConnectorStore } from '../db/connector-store.ts';
import type { Logger } from '../lib/logger.ts';
import { DEMO_SANDBOXES, portFlag, portVariable } from './demo-sandboxes.ts';
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

export { DEMO_DYNAMICS_AUTH, DEMO_DYNAMICS_ID, DEMO_HUBSPOT_ID, DEMO_PIPEDRIVE_ID, DEMO_PIPEDRIVE_WEBHOOK_AUTH, DEMO_SALESFORCE_ID, DEMO_ZOHO_AUTH, DEMO_ZOHO_ID } from './demo-sandboxes.ts';

export async function setUpConnectors(store: ConnectorStore, opts: ConnectorSetupOptions): Promise<ConnectorSetup> {
  const { env, logger } = opts;
  await registerFromEnvironment(store, env);
  const rows = await store.list();
  const realOnes = rows.filter((r) => !r.settings.demo);
  const demoWanted = (env.CUSTOMER_GRAPH_DEMO ?? 'auto') !== 'off' && (realOnes.length === 0 || opts.seedDir !== undefined);
  if (!demoWanted) return { demo: false, stop: async () => {} };

  const args = [
    ...DEMO_SANDBOXES.flatMap((d) => [`--${portFlag(d)}`, env[portVariable(d)] ?? String(d.defaultPort)]),
    ...(opts.seedDir ? ['--seed', opts.seedDir] : []),
  ];
  const sandboxes = await startSandboxProcess(args);
  logger.info({ ...Object.fromEntries(DEMO_SANDBOXES.map((d) => [d.crm, sandboxes.urls[d.crm] ?? 'off'])), seed: opts.seedDir ?? 'demo' }, 'demo CRM sandboxes started');
  // The demo connectors, with the sandboxes' default credentials; a sandbox left out (`off`) takes its connector of an
  // earlier start with it.
  for (const d of DEMO_SANDBOXES) {
    const baseUrl = sandboxes.urls[d.crm];
    if (baseUrl) await store.upsert({ id: d.connectorId, crm: d.crm, name: `${d.name} (sandbox)`, baseUrl, settings: { demo: true }, credentials: structuredClone(d.credentials) });
    else await store.remove(d.connectorId);
  }
  return { demo: true, sandboxes, stop: () => sandboxes.stop() };
}

/**
 * SALESFORCE_*, HUBSPOT_*, PIPEDRIVE_*, DYNAMICS_* and ZOHO_* variables describe real accounts; they are stored (encrypted) under fixed
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
        ...(env.DYNAMICS_WEBHOOK_KEY ? { webhookKey: env.DYNAMICS_WEBHOOK_KEY } : {}),
      },
    });
  }
  if (env.ZOHO_CLIENT_ID && env.ZOHO_CLIENT_SECRET && env.ZOHO_REFRESH_TOKEN) {
    wanted.push({
      id: 'zoho',
      crm: 'zoho',
      name: 'Zoho CRM',
      // The API domain of the org's data centre: https://www.zohoapis.com (US), .eu, .in, .com.au, .jp, .ca…
      baseUrl: env.ZOHO_API_DOMAIN ?? 'https://www.zohoapis.com',
      credentials: {
        auth: { kind: 'refresh-token', clientId: env.ZOHO_CLIENT_ID, clientSecret: env.ZOHO_CLIENT_SECRET, refreshToken: env.ZOHO_REFRESH_TOKEN },
        ...(env.ZOHO_ACCOUNTS_URL ? { accountsUrl: env.ZOHO_ACCOUNTS_URL } : {}),
        ...(env.ZOHO_WEBHOOK_TOKEN ? { webhookToken: env.ZOHO_WEBHOOK_TOKEN } : {}),
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
