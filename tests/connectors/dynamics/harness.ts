/** The Dynamics harness of the shared connector contract suite: the Dataverse sandbox and createDynamicsConnector. */
import { createDynamicsConnector } from '../../../connectors/dynamics/index.ts';
import type { DynamicsAuth, DynamicsConnector, DynamicsConnectorOptions } from '../../../connectors/dynamics/index.ts';
import { startDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import type { DynamicsSeed, RunningDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import { runtimeOptionsOf } from '../contract-suite/index.ts';
import type { ConnectorContractHarness, ContractSandbox, HarnessConnectOptions, SeedRecord } from '../contract-suite/index.ts';
import { getLimits, putLimits } from '../contract-suite/sandbox-control.ts';

/** Distinctive credentials, so a leak into an error message cannot hide behind a common word. */
export const CREDENTIALS = {
  tenantId: 'sandbox-tenant',
  clientId: 'customer-graph',
  clientSecret: 'dv-cs-8b3f1e6a9c2d7e4f5a0b',
};
const WRONG_SECRET = 'dv-cs-wrong-4e9a2c7f1b8d3e6a';
const WRONG_TENANT = 'tenant-that-does-not-exist';

/** Logical names of the entity sets the suite touches. */
export const LOGICAL = { contacts: 'contact', accounts: 'account', opportunities: 'opportunity' } as const;

/** Dataverse stamps whole seconds, without milliseconds. */
export const dataverseTime = (iso: string): string => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Contract-suite seed records (attribute logical names) as the sandbox's seed, timestamps kept. */
export function toSeed(records: SeedRecord[]): DynamicsSeed {
  const seed: Record<string, object[]> = {};
  for (const r of records) {
    const time = dataverseTime(r.modifiedAt);
    (seed[r.objectType] ??= []).push({ ...r.fields, createdon: time, modifiedon: time });
  }
  return seed as DynamicsSeed;
}

function authFor(kind: HarnessConnectOptions['auth']): DynamicsAuth {
  const valid: DynamicsAuth = { kind: 'client-credentials', ...CREDENTIALS };
  switch (kind ?? 'static') {
    // Dataverse has no static tokens: every kind is an app registration, valid or not.
    case 'static': case 'oauth': return valid;
    case 'invalid-static': return { ...valid, clientSecret: WRONG_SECRET };
    case 'invalid-refresh-token': return { ...valid, tenantId: WRONG_TENANT };
  }
}

export async function startDynamics(seed: SeedRecord[] | DynamicsSeed = [], options: { deltaRetentionVersions?: number } = {}): Promise<RunningDynamicsSandbox> {
  return startDynamicsSandbox({ port: 0, ...CREDENTIALS, seed: Array.isArray(seed) ? toSeed(seed) : seed, ...options });
}

export function connectDynamics(sandbox: ContractSandbox, options: HarnessConnectOptions & Partial<Pick<DynamicsConnectorOptions, 'metadataTtlMs' | 'onChangeFeedReset' | 'tokenStore'>>): DynamicsConnector {
  const baseUrl = options.baseUrl ?? sandbox.url;
  return createDynamicsConnector({
    connectorId: options.connectorId,
    baseUrl,
    // The sandbox serves the token endpoint on its own URL: a dead or garbage base URL takes it down too.
    authorityUrl: baseUrl,
    auth: authFor(options.auth),
    ...runtimeOptionsOf(options),
    ...(options.metadataTtlMs !== undefined ? { metadataTtlMs: options.metadataTtlMs } : {}),
    ...(options.onChangeFeedReset ? { onChangeFeedReset: options.onChangeFeedReset } : {}),
    ...(options.tokenStore ? { tokenStore: options.tokenStore } : {}),
  });
}

/** A bearer token straight from the sandbox's token endpoint, for calls the tests make without the connector. */
export async function sandboxToken(sandbox: ContractSandbox): Promise<string> {
  const response = await fetch(`${sandbox.url}/${CREDENTIALS.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CREDENTIALS.clientId, client_secret: CREDENTIALS.clientSecret, scope: `${sandbox.url}/.default` }),
  });
  if (!response.ok) throw new Error(`token answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Creates a custom attribute through the Web API's metadata endpoint; returns its logical name. */
export async function createAttribute(sandbox: ContractSandbox, objectType: keyof typeof LOGICAL, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sandbox.url}/api/data/v9.2/EntityDefinitions(LogicalName='${LOGICAL[objectType]}')/Attributes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await sandboxToken(sandbox)}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 204) throw new Error(`creating an attribute on ${objectType}: ${response.status} ${await response.text()}`);
  return String(body.SchemaName).toLowerCase();
}

let customFields = 0;

export const dynamicsHarness: ConnectorContractHarness = {
  crm: 'dynamics',
  start: ({ seed } = {}) => startDynamics(seed ?? []),
  connect: connectDynamics,
  primaryObject: 'contacts',
  describedObjects: {
    contacts: { modifiedField: 'modifiedon', idField: 'contactid' },
    accounts: { modifiedField: 'modifiedon', idField: 'accountid' },
    opportunities: { modifiedField: 'modifiedon', idField: 'opportunityid' },
  },
  readFields: ['firstname', 'lastname', 'emailaddress1', 'telephone1', 'cg_externalid'],
  keyField: 'emailaddress1',
  validRecord: (i) => ({ firstname: `First${i}`, lastname: `Last${i}`, emailaddress1: `person${i}@example.test`, cg_externalid: `ext-${i}` }),
  // A contact needs a last name (required, 0x80040203).
  invalidRecord: () => ({ firstname: 'Broken', emailaddress1: 'broken@example.test' }),
  validUpdate: (i) => ({ telephone1: `+1 555 01${String(i).padStart(2, '0')}` }),
  // firstname is String(50): longer is refused on update and on the create an upsert of a new key makes.
  invalidUpdate: () => ({ firstname: 'x'.repeat(60) }),
  upsert: { externalIdField: 'cg_externalid', externalId: (i) => `ext-${i}` },
  unknownId: '0badc0de-0000-4000-8000-00000000dead',
  createCustomField: (sandbox, objectType) => createAttribute(sandbox, objectType as keyof typeof LOGICAL, {
    '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
    SchemaName: `cg_LoyaltyTier${++customFields}`,
    DisplayName: { LocalizedLabels: [{ Label: `Loyalty tier ${customFields}`, LanguageCode: 1033 }] },
    RequiredLevel: { Value: 'None' },
    MaxLength: 100,
  }),
  expireTokens: async (sandbox) => {
    const response = await fetch(`${sandbox.url}/_sandbox/dynamics/expire-tokens`, { method: 'POST' });
    if (!response.ok) throw new Error(`expire-tokens answered ${response.status}`);
  },
  tokenRoute: `POST /${CREDENTIALS.tenantId}/oauth2/vXX.X/token`,
  // Dataverse has no daily quota: the suite's "daily" limit is its 5-minute request window.
  setDailyLimit: async (sandbox, limit) => void (await putLimits(sandbox, { requestLimit: limit })),
  dailyUsage: async (sandbox) => {
    const limits = (await getLimits(sandbox)) as unknown as { requests?: { used?: number; limit?: number } };
    return { used: limits.requests?.used ?? 0, limit: limits.requests?.limit ?? 0 };
  },
  secrets: [CREDENTIALS.clientSecret, WRONG_SECRET],
};
