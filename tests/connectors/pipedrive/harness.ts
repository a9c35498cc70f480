/** The Pipedrive harness of the shared connector contract suite: the Pipedrive sandbox and createPipedriveConnector. */
import { createPipedriveConnector, toPipedriveBody } from '../../../connectors/pipedrive/index.ts';
import type { PipedriveAuth, PipedriveConnector } from '../../../connectors/pipedrive/index.ts';
import { startPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import type { PipedriveSeed, RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import { runtimeOptionsOf } from '../contract-suite/index.ts';
import type { ConnectorContractHarness, ContractSandbox, HarnessConnectOptions, SeedRecord } from '../contract-suite/index.ts';
import { getLimits, putLimits } from '../contract-suite/sandbox-control.ts';

/** Distinctive credentials, so a leak into an error message cannot hide behind a common word. */
export const CREDENTIALS = {
  apiToken: 'pd-api-7c1e9b04d2f84a6e9b3c5d7f1a2e4c6b',
  clientId: 'customer-graph',
  clientSecret: 'pd-cs-3e8a1f6c9d2b7e4a5f0c',
  refreshToken: 'pd-rt-5a9c2e7f1b4d8e3a6c0f9b2d',
};
const INVALID_TOKEN = 'pd-api-00000000dead0beef000000000000000';
const INVALID_REFRESH_TOKEN = 'pd-rt-revoked-0f1e2d3c4b5a69788796';

/** Contract-suite seed records (native field names) as the sandbox's v2-shaped seed, timestamps kept. */
export function toSeed(records: SeedRecord[]): PipedriveSeed {
  const seed: Record<string, object[]> = {};
  for (const r of records) {
    const time = new Date(r.modifiedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    (seed[r.objectType] ??= []).push({ ...toPipedriveBody(r.fields, null), add_time: time, update_time: time });
  }
  return seed as PipedriveSeed;
}

function authFor(kind: HarnessConnectOptions['auth']): PipedriveAuth {
  const oauth = { kind: 'refresh-token' as const, clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret };
  switch (kind ?? 'static') {
    case 'static': return { kind: 'api-token', apiToken: CREDENTIALS.apiToken };
    case 'invalid-static': return { kind: 'api-token', apiToken: INVALID_TOKEN };
    case 'oauth': return { ...oauth, refreshToken: CREDENTIALS.refreshToken };
    case 'invalid-refresh-token': return { ...oauth, refreshToken: INVALID_REFRESH_TOKEN };
  }
}

export async function startPipedrive(seed: SeedRecord[] = []): Promise<RunningPipedriveSandbox> {
  return startPipedriveSandbox({ port: 0, ...CREDENTIALS, seed: toSeed(seed) });
}

export function connectPipedrive(sandbox: ContractSandbox, options: HarnessConnectOptions & { metadataTtlMs?: number }): PipedriveConnector {
  const baseUrl = options.baseUrl ?? sandbox.url;
  return createPipedriveConnector({
    connectorId: options.connectorId,
    baseUrl,
    // The sandbox serves the token endpoint on its own URL: a dead or garbage base URL takes it down too.
    oauthUrl: baseUrl,
    auth: authFor(options.auth),
    ...runtimeOptionsOf(options),
    ...(options.metadataTtlMs !== undefined ? { metadataTtlMs: options.metadataTtlMs } : {}),
  });
}

/** Creates a custom field through Pipedrive's v1 field API; returns its data (key, id, options). */
export async function createField(sandbox: ContractSandbox, objectType: string, body: Record<string, unknown>): Promise<{ id: number; key: string; options?: { id: number; label: string }[] }> {
  const path = { persons: 'personFields', organizations: 'organizationFields', deals: 'dealFields' }[objectType];
  const response = await fetch(`${sandbox.url}/api/v1/${path}`, {
    method: 'POST',
    headers: { 'x-api-token': CREDENTIALS.apiToken, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`creating field on ${objectType}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: { id: number; key: string; options?: { id: number; label: string }[] } }).data;
}

let customFields = 0;

export const pipedriveHarness: ConnectorContractHarness = {
  crm: 'pipedrive',
  start: ({ seed } = {}) => startPipedrive(seed),
  connect: connectPipedrive,
  primaryObject: 'persons',
  describedObjects: {
    persons: { modifiedField: 'update_time', idField: 'id' },
    organizations: { modifiedField: 'update_time', idField: 'id' },
    deals: { modifiedField: 'update_time', idField: 'id' },
  },
  readFields: ['name', 'email', 'first_name', 'last_name', 'phone'],
  keyField: 'email',
  validRecord: (i) => ({ name: `First${i} Last${i}`, first_name: `First${i}`, last_name: `Last${i}`, email: `person${i}@example.test` }),
  invalidRecord: () => ({ name: 'Broken', email: 'not-an-email' }),
  validUpdate: (i) => ({ phone: `+1 555 01${String(i).padStart(2, '0')}` }),
  // Persons need a non-empty name, on create (the upsert of an unknown email) as on update.
  invalidUpdate: () => ({ name: '' }),
  upsert: { externalIdField: 'email', externalId: (i) => `person${i}@example.test` },
  unknownId: '987654321',
  createCustomField: async (sandbox, objectType) => (await createField(sandbox, objectType, { name: `Loyalty tier ${++customFields}`, field_type: 'varchar' })).key,
  expireTokens: async (sandbox) => {
    const response = await fetch(`${sandbox.url}/_sandbox/pipedrive/expire-tokens`, { method: 'POST' });
    if (!response.ok) throw new Error(`expire-tokens answered ${response.status}`);
  },
  tokenRoute: 'POST /oauth/token',
  setDailyLimit: async (sandbox, limit) => void (await putLimits(sandbox, { daily: limit })),
  dailyUsage: async (sandbox) => {
    // Pipedrive's limits are nested ({daily: {used, limit}}); the shared helper is typed flat.
    const limits = (await getLimits(sandbox)) as unknown as { daily?: { used?: number; limit?: number } };
    return { used: limits.daily?.used ?? 0, limit: limits.daily?.limit ?? 0 };
  },
  secrets: [CREDENTIALS.apiToken, CREDENTIALS.clientSecret, CREDENTIALS.refreshToken, INVALID_TOKEN, INVALID_REFRESH_TOKEN],
};
