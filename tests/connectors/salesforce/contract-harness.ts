/**
 * The Salesforce harness of the shared connector contract suite: the Salesforce sandbox, the Salesforce connector,
 * Contact as the primary object, and the sandbox's Salesforce-specific control routes.
 */
import { createSalesforceConnector } from '../../../connectors/salesforce/index.ts';
import type { SalesforceAuth } from '../../../connectors/salesforce/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import { DEFAULT_CLIENT_ID, startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { ConnectorContractHarness, ContractSandbox, HarnessAuth } from '../contract-suite/index.ts';

// Distinctive secrets, so a leak cannot hide behind a common word.
const CLIENT_SECRET = 'cs-9f27c4e1b8d3a6f0';
const REFRESH_TOKEN = 'rt-5Aep861yQx7Lw2Kd9Vb3';
const INVALID_STATIC_TOKEN = '00DINVALID0000000!AQ0AQinvalid-static-4c8e1a';
const INVALID_REFRESH_TOKEN = 'rt-revoked-7d1e3b9c5a';
/** Access tokens the sandbox issued for the 'static' credential: secrets too. */
const issuedTokens: string[] = [];

async function control(sandbox: ContractSandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** `2024-05-01T12:00:00.000Z` → Salesforce's `2024-05-01T12:00:00.000+0000`. */
const salesforceStamp = (iso: string) => new Date(iso).toISOString().replace('Z', '+0000');

let fieldSequence = 0;

function authFor(kind: HarnessAuth, sandbox: SalesforceSandbox): SalesforceAuth {
  switch (kind) {
    case 'static': {
      // A session id handed over by a person: issued by the org, used as is.
      const { token } = sandbox.auth.issue();
      issuedTokens.push(token);
      return { kind: 'static', accessToken: token };
    }
    case 'oauth':
      return { kind: 'refresh-token', clientId: DEFAULT_CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN };
    case 'invalid-static':
      return { kind: 'static', accessToken: INVALID_STATIC_TOKEN };
    case 'invalid-refresh-token':
      return { kind: 'refresh-token', clientId: DEFAULT_CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: INVALID_REFRESH_TOKEN };
  }
}

export const salesforceHarness: ConnectorContractHarness = {
  crm: 'salesforce',

  async start(options = {}) {
    const contacts = (options.seed ?? []).filter((r) => r.objectType === 'Contact').map((r) => {
      const stamp = salesforceStamp(r.modifiedAt);
      return { ...r.fields, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp };
    });
    return startSalesforceSandbox({ port: 0, clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN, demoSeed: { Contact: contacts } });
  },

  connect(sandbox, options) {
    const base = options.baseUrl ?? sandbox.url;
    return createSalesforceConnector({
      connectorId: options.connectorId,
      loginUrl: base,
      instanceUrl: base,
      auth: authFor(options.auth ?? 'static', sandbox as SalesforceSandbox),
      accountId: options.connectorId,
      registry: new RateBudgetRegistry(),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
    });
  },

  primaryObject: 'Contact',
  describedObjects: Object.fromEntries(['Contact', 'Account', 'Opportunity', 'Lead'].map((name) => [name, { modifiedField: 'SystemModstamp', idField: 'Id' }])),
  readFields: ['FirstName', 'LastName', 'Email', 'Title', 'External_Id__c'],
  keyField: 'Email',
  validRecord: (i) => ({ FirstName: `Ada${i}`, LastName: `Lovelace${i}`, Email: `ada${i}@example.test`, External_Id__c: `EXT-${i}` }),
  invalidRecord: () => ({ FirstName: 'No last name', Email: 'not-an-email' }),
  validUpdate: (i) => ({ Title: `Title ${i}` }),
  invalidUpdate: () => ({ Email: 'not-an-email' }),
  upsert: { externalIdField: 'External_Id__c', externalId: (i) => `EXT-${i}` },
  // A well-formed Contact id (prefix 003, valid checksum) that no record has.
  unknownId: '003000000000000AAA',

  async createCustomField(sandbox, objectType) {
    const created = (await control(sandbox, 'POST', '/salesforce/fields', {
      object: objectType, name: `Contract_Field_${++fieldSequence}`, type: 'string', length: 80, label: 'Contract field',
    })) as { name: string };
    return created.name;
  },
  async expireTokens(sandbox) {
    await control(sandbox, 'POST', '/salesforce/expire-tokens');
  },
  tokenRoute: 'POST /services/oauth2/token',
  async setDailyLimit(sandbox, limit) {
    await control(sandbox, 'PUT', '/limits', { dailyApiLimit: limit });
  },
  async dailyUsage(sandbox) {
    const limits = (await control(sandbox, 'GET', '/limits')) as { apiUsage: number; dailyApiLimit: number };
    return { used: limits.apiUsage, limit: limits.dailyApiLimit };
  },
  get secrets() {
    return [CLIENT_SECRET, REFRESH_TOKEN, INVALID_STATIC_TOKEN, INVALID_REFRESH_TOKEN, ...issuedTokens];
  },
};
