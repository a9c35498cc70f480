/**
 * SALESFORCE_* / HUBSPOT_* / PIPEDRIVE_* / DYNAMICS_* variables seed their connectors at start; settings an admin saved later (saveConnector)
 * survive restarts while the variables stay as they were, and a changed variable wins again. Real database, real
 * encryption; the demo is off, so no CRM is started.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialCipher } from '../../db/credential-cipher.ts';
import { ConnectorStore } from '../../db/connector-store.ts';
import { setUpConnectors } from '../../cli/connector-setup.ts';
import { createLogger } from '../../lib/logger.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const logger = createLogger('test', 'silent');

describe('connectors seeded from the environment', () => {
  let t: TestDatabase;
  let store: ConnectorStore;
  const start = (env: NodeJS.ProcessEnv) => setUpConnectors(store, { env: { CUSTOMER_GRAPH_DEMO: 'off', ...env }, logger });
  const env = { HUBSPOT_ACCESS_TOKEN: 'pat-from-env-0001', HUBSPOT_BASE_URL: 'https://api.hubapi.example' };

  beforeAll(async () => {
    t = await openTestDatabase();
    store = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(crypto.randomBytes(32).toString('base64')));
  });
  afterAll(async () => t?.close());

  it('stores the connector the variables describe, with a fingerprint instead of any value in its settings', async () => {
    await start(env);
    expect(await store.readCredentials('hubspot')).toEqual({ auth: { kind: 'static', accessToken: 'pat-from-env-0001' } });
    const row = (await store.get('hubspot'))!;
    expect(row.baseUrl).toBe('https://api.hubapi.example');
    expect(row.settings.environmentFingerprint).toEqual(expect.any(String));
    expect(JSON.stringify(row.settings)).not.toContain('pat-from-env');
  });

  it('keeps settings saved later while the variables are unchanged, and lets changed variables win again', async () => {
    const row = (await store.get('hubspot'))!;
    // What saveConnector stores: new credentials, a new name, the settings (and fingerprint) kept.
    await store.upsert({ id: 'hubspot', crm: 'hubspot', name: 'HubSpot (renamed)', baseUrl: row.baseUrl, settings: row.settings,
      credentials: { auth: { kind: 'static', accessToken: 'pat-saved-by-admin-0002' } } });
    await start(env);
    expect(await store.readCredentials('hubspot')).toEqual({ auth: { kind: 'static', accessToken: 'pat-saved-by-admin-0002' } });
    expect((await store.get('hubspot'))!.name).toBe('HubSpot (renamed)');

    await start({ ...env, HUBSPOT_ACCESS_TOKEN: 'pat-rotated-in-env-0003' });
    expect(await store.readCredentials('hubspot')).toEqual({ auth: { kind: 'static', accessToken: 'pat-rotated-in-env-0003' } });
    expect((await store.get('hubspot'))!.settings.environmentFingerprint).not.toBe(row.settings.environmentFingerprint);
  });

  it('stores a Pipedrive company from PIPEDRIVE_API_TOKEN and PIPEDRIVE_BASE_URL', async () => {
    await start({ PIPEDRIVE_API_TOKEN: 'pd-token-from-env-0004', PIPEDRIVE_BASE_URL: 'https://acme.pipedrive.example' });
    expect(await store.readCredentials('pipedrive')).toEqual({ auth: { kind: 'api-token', apiToken: 'pd-token-from-env-0004' } });
    const row = (await store.get('pipedrive'))!;
    expect(row).toMatchObject({ crm: 'pipedrive', baseUrl: 'https://acme.pipedrive.example' });
    expect(JSON.stringify(row.settings)).not.toContain('pd-token');
  });

  it('stores a Dynamics 365 org from DYNAMICS_*, its webhook key only when DYNAMICS_WEBHOOK_KEY is set', async () => {
    const dynamics = { DYNAMICS_URL: 'https://acme.crm4.dynamics.example', DYNAMICS_TENANT_ID: 'tenant-0005', DYNAMICS_CLIENT_ID: 'client-0005', DYNAMICS_CLIENT_SECRET: 'dv-secret-from-env-0005' };
    const auth = { kind: 'client-credentials', tenantId: 'tenant-0005', clientId: 'client-0005', clientSecret: 'dv-secret-from-env-0005' };
    await start(dynamics);
    expect(await store.readCredentials('dynamics')).toEqual({ auth });
    await start({ ...dynamics, DYNAMICS_WEBHOOK_KEY: 'dv-webhook-key-from-env-0006' });
    expect(await store.readCredentials('dynamics')).toEqual({ auth, webhookKey: 'dv-webhook-key-from-env-0006' });
    expect(JSON.stringify((await store.get('dynamics'))!.settings)).not.toContain('dv-webhook-key');
  });
});
