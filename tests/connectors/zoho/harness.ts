/**
 * The Zoho harness of the shared connector contract suite: the Zoho CRM v8 sandbox (accounts server and API domain on
 * one origin) and createZohoConnector with accountsUrl = apiDomain = the base URL under test.
 */
import { createZohoConnector } from '../../../connectors/zoho/index.ts';
import type { ZohoAuth, ZohoConnector, ZohoConnectorOptions } from '../../../connectors/zoho/index.ts';
import { startZohoSandbox } from '../../../sandboxes/zoho/index.ts';
import type { RunningZohoSandbox, ZohoSandboxOptions, ZohoSeed } from '../../../sandboxes/zoho/index.ts';
import { runtimeOptionsOf } from '../contract-suite/index.ts';
import type { ConnectorContractHarness, ContractSandbox, HarnessConnectOptions, SeedRecord } from '../contract-suite/index.ts';
import { getLimits, putLimits } from '../contract-suite/sandbox-control.ts';

/** Distinctive credentials, so a leak into an error message cannot hide behind a common word. */
export const CREDENTIALS = {
  clientId: '1000.CGTESTCLIENT7Q2W',
  clientSecret: 'zs-cs-5d8e2b7f1a9c3e6d4b0a',
  refreshToken: '1000.zs-rt-9f3c6a1e8b2d7f4a0c5e.3b8d1f6a',
};
const WRONG_SECRET = 'zs-cs-wrong-7a2e9c4f1d8b3e6a';
const UNKNOWN_REFRESH_TOKEN = '1000.zs-rt-unknown-2c7e9a4f1b8d.6e3a';

/** Contract-suite seed records (field API names) as the sandbox's seed, timestamps kept. */
export function toSeed(records: SeedRecord[]): ZohoSeed {
  const seed: Record<string, object[]> = {};
  for (const r of records) (seed[r.objectType] ??= []).push({ ...r.fields, Created_Time: r.modifiedAt, Modified_Time: r.modifiedAt });
  return seed as ZohoSeed;
}

function authFor(kind: HarnessConnectOptions['auth']): ZohoAuth {
  const valid: ZohoAuth = { kind: 'refresh-token', ...CREDENTIALS };
  switch (kind ?? 'static') {
    // Zoho has no static tokens: every kind is a refresh token, valid or not.
    case 'static': case 'oauth': return valid;
    case 'invalid-static': return { ...valid, clientSecret: WRONG_SECRET };
    case 'invalid-refresh-token': return { ...valid, refreshToken: UNKNOWN_REFRESH_TOKEN };
  }
}

export async function startZoho(seed: SeedRecord[] | ZohoSeed = [], options: Partial<ZohoSandboxOptions> = {}): Promise<RunningZohoSandbox> {
  return startZohoSandbox({ port: 0, ...CREDENTIALS, seed: Array.isArray(seed) ? toSeed(seed) : seed, ...options });
}

/**
 * Zoho reports no credit usage in headers, so an admin configures the edition's credits; the harness does the same
 * with what a test left of the sandbox's limit (`setDailyLimit` notes it, per sandbox).
 */
const creditsLeft = new WeakMap<ContractSandbox, number>();

export function connectZoho(sandbox: ContractSandbox, options: HarnessConnectOptions & Partial<Pick<ZohoConnectorOptions, 'metadataTtlMs' | 'tokenStore' | 'onRetry' | 'webhookToken'>>): ZohoConnector {
  const baseUrl = options.baseUrl ?? sandbox.url;
  const left = creditsLeft.get(sandbox);
  const runtime = runtimeOptionsOf(options);
  const daily = runtime.budget?.daily ?? (left !== undefined ? { limit: left } : undefined);
  const budget = runtime.budget || daily ? { ...runtime.budget, ...(daily ? { daily } : {}) } : undefined;
  return createZohoConnector({
    connectorId: options.connectorId,
    // The sandbox serves the accounts server and the API domain on one URL: a dead or garbage base URL takes both down.
    accountsUrl: baseUrl,
    apiDomain: baseUrl,
    auth: authFor(options.auth),
    ...runtime,
    ...(budget ? { budget } : {}),
    ...(options.metadataTtlMs !== undefined ? { metadataTtlMs: options.metadataTtlMs } : {}),
    ...(options.tokenStore ? { tokenStore: options.tokenStore } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.webhookToken !== undefined ? { webhookToken: options.webhookToken } : {}),
  });
}

/** An access token straight from the sandbox's token endpoint, for calls the tests make without the connector. */
export async function sandboxToken(sandbox: ContractSandbox): Promise<string> {
  const response = await fetch(`${sandbox.url}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CREDENTIALS.clientId, client_secret: CREDENTIALS.clientSecret, refresh_token: CREDENTIALS.refreshToken }),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`token answered ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A custom field created through Zoho's own API (`POST settings/fields`); returns its API name. */
export async function createField(sandbox: ContractSandbox, module: string, field: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sandbox.url}/crm/v8/settings/fields?module=${module}`, {
    method: 'POST',
    headers: { authorization: `Zoho-oauthtoken ${await sandboxToken(sandbox)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fields: [field] }),
  });
  const body = (await response.json()) as { fields?: Array<{ details?: { api_name?: string } }> };
  const name = body.fields?.[0]?.details?.api_name;
  if (response.status !== 201 || !name) throw new Error(`creating a field on ${module}: ${response.status} ${JSON.stringify(body)}`);
  return name;
}

let customFields = 0;

export const zohoHarness: ConnectorContractHarness = {
  crm: 'zoho',
  start: ({ seed } = {}) => startZoho(seed ?? []),
  connect: connectZoho,
  primaryObject: 'Contacts',
  describedObjects: {
    Contacts: { modifiedField: 'Modified_Time', idField: 'id' },
    Accounts: { modifiedField: 'Modified_Time', idField: 'id' },
    Deals: { modifiedField: 'Modified_Time', idField: 'id' },
  },
  readFields: ['First_Name', 'Last_Name', 'Email', 'Phone', 'External_Id'],
  keyField: 'Email',
  validRecord: (i) => ({ First_Name: `First${i}`, Last_Name: `Last${i}`, Email: `person${i}@example.test`, External_Id: `ext-${i}` }),
  // Last_Name is mandatory (MANDATORY_NOT_FOUND).
  invalidRecord: () => ({ First_Name: 'Broken', Email: 'broken@example.test' }),
  validUpdate: (i) => ({ Phone: `+1 555 01${String(i).padStart(2, '0')}` }),
  // First_Name is text(40): longer is INVALID_DATA on update and on the create an upsert of a new key makes.
  invalidUpdate: () => ({ First_Name: 'x'.repeat(60) }),
  upsert: { externalIdField: 'External_Id', externalId: (i) => `ext-${i}` },
  unknownId: '4150868000999999999',
  createCustomField: (sandbox, objectType) => createField(sandbox, objectType, { field_label: `Loyalty tier ${++customFields}`, data_type: 'text', length: 100 }),
  expireTokens: async (sandbox) => {
    const response = await fetch(`${sandbox.url}/_sandbox/zoho/expire-tokens`, { method: 'POST' });
    if (!response.ok) throw new Error(`expire-tokens answered ${response.status}`);
  },
  tokenRoute: 'POST /oauth/v2/token',
  setDailyLimit: async (sandbox, limit) => {
    await putLimits(sandbox, { creditsPerDay: limit });
    const limits = await getLimits(sandbox);
    creditsLeft.set(sandbox, Math.max(0, limit - (limits.creditsUsed ?? 0)));
  },
  dailyUsage: async (sandbox) => {
    const limits = await getLimits(sandbox);
    return { used: limits.creditsUsed ?? 0, limit: limits.creditsPerDay ?? 0 };
  },
  secrets: [CREDENTIALS.clientSecret, CREDENTIALS.refreshToken, WRONG_SECRET, UNKNOWN_REFRESH_TOKEN],
};
