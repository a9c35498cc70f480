/** The HubSpot harness of the shared connector contract suite: the HubSpot sandbox and createHubSpotConnector. */
import { createHubSpotConnector, modifiedPropertyOf } from '../../../connectors/hubspot/index.ts';
import type { HubSpotAuth, HubSpotConnector } from '../../../connectors/hubspot/index.ts';
import { startHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import type { HubSpotSeed, RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { runtimeOptionsOf } from '../contract-suite/index.ts';
import type { ConnectorContractHarness, ContractSandbox, HarnessConnectOptions, SeedRecord } from '../contract-suite/index.ts';
import { getLimits, putLimits } from '../contract-suite/sandbox-control.ts';

/** Distinctive credentials, so a leak into an error message cannot hide behind a common word. */
export const CREDENTIALS = {
  accessToken: 'pat-na1-5b1e0c4a-7d2f-4e8b-9a61-3c0d2e9f8a7b',
  clientId: 'customer-graph',
  clientSecret: 'cs-8f2d1a9e7c6b5a4f3e2d',
  refreshToken: 'rt-na1-1f2e3d4c-5b6a-7988-a0b1-c2d3e4f5a6b7',
};
const INVALID_TOKEN = 'pat-na1-00000000-dead-beef-0000-000000000000';
const INVALID_REFRESH_TOKEN = 'rt-na1-revoked-0f1e2d3c4b5a69788796a5b4';

let customFields = 0;

function toSeed(records: SeedRecord[]): HubSpotSeed {
  const seed: Record<string, object[]> = {};
  for (const r of records) {
    const properties = { ...r.fields, [modifiedPropertyOf(r.objectType)]: r.modifiedAt };
    (seed[r.objectType] ??= []).push({ properties, createdAt: r.modifiedAt, updatedAt: r.modifiedAt });
  }
  return seed as HubSpotSeed;
}

function authFor(kind: HarnessConnectOptions['auth']): HubSpotAuth {
  const oauth = { kind: 'refresh-token' as const, clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret };
  switch (kind ?? 'static') {
    case 'static': return { kind: 'static', accessToken: CREDENTIALS.accessToken };
    case 'invalid-static': return { kind: 'static', accessToken: INVALID_TOKEN };
    case 'oauth': return { ...oauth, refreshToken: CREDENTIALS.refreshToken };
    case 'invalid-refresh-token': return { ...oauth, refreshToken: INVALID_REFRESH_TOKEN };
  }
}

export async function startHubSpot(seed: SeedRecord[] = []): Promise<RunningHubSpotSandbox> {
  return startHubSpotSandbox({ port: 0, ...CREDENTIALS, demoSeed: toSeed(seed) });
}

export function connectHubSpot(sandbox: ContractSandbox, options: HarnessConnectOptions): HubSpotConnector {
  return createHubSpotConnector({
    connectorId: options.connectorId,
    baseUrl: options.baseUrl ?? sandbox.url,
    auth: authFor(options.auth),
    ...runtimeOptionsOf(options),
  });
}

export const hubspotHarness: ConnectorContractHarness = {
  crm: 'hubspot',
  start: ({ seed } = {}) => startHubSpot(seed),
  connect: connectHubSpot,
  primaryObject: 'contacts',
  describedObjects: {
    contacts: { modifiedField: 'lastmodifieddate', idField: 'hs_object_id' },
    companies: { modifiedField: 'hs_lastmodifieddate', idField: 'hs_object_id' },
    deals: { modifiedField: 'hs_lastmodifieddate', idField: 'hs_object_id' },
  },
  readFields: ['email', 'firstname', 'lastname', 'jobtitle'],
  keyField: 'email',
  validRecord: (i) => ({ email: `person${i}@example.test`, firstname: `First${i}`, lastname: `Last${i}` }),
  invalidRecord: () => ({ email: 'not-an-email', lastname: 'Broken' }),
  validUpdate: (i) => ({ jobtitle: `Title ${i}` }),
  invalidUpdate: () => ({ lifecyclestage: 'not-a-stage' }),
  upsert: { externalIdField: 'email', externalId: (i) => `person${i}@example.test` },
  unknownId: '987654321',
  createCustomField: async (sandbox, objectType) => {
    const name = `cg_loyalty_tier_${++customFields}`;
    const response = await fetch(`${sandbox.url}/crm/v3/properties/${objectType}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CREDENTIALS.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, label: 'Loyalty tier', type: 'string', fieldType: 'text', groupName: 'contactinformation' }),
    });
    if (response.status !== 201) throw new Error(`creating property ${name}: ${response.status} ${await response.text()}`);
    return name;
  },
  expireTokens: async (sandbox) => {
    const response = await fetch(`${sandbox.url}/_sandbox/hubspot/expire-tokens`, { method: 'POST' });
    if (!response.ok) throw new Error(`expire-tokens answered ${response.status}`);
  },
  tokenRoute: 'POST /oauth/v1/token',
  setDailyLimit: async (sandbox, limit) => void (await putLimits(sandbox, { dailyLimit: limit })),
  dailyUsage: async (sandbox) => {
    const limits = await getLimits(sandbox);
    return { used: limits.dailyUsed ?? 0, limit: limits.dailyLimit ?? 0 };
  },
  secrets: [CREDENTIALS.accessToken, CREDENTIALS.clientSecret, CREDENTIALS.refreshToken, INVALID_TOKEN, INVALID_REFRESH_TOKEN],
};
