/**
 * Which CRMs this build supports, in one table: how to build each one's connector from a stored connector row and
 * its decrypted credentials, and how to build its native subgraph. Adding a CRM = a connector folder, a subgraph
 * folder, and one entry here (plus its objects in the default mapping, resolver-engine/defaults, if it should merge
 * without an admin mapping it first).
 */
import type { ConnectionForm, Connector } from '../connectors/contract/index.ts';
import type { TokenStore } from '../connectors/runtime/index.ts';
import { createDynamicsConnector, dynamicsConnectionForm } from '../connectors/dynamics/index.ts';
import type { DynamicsAuth } from '../connectors/dynamics/index.ts';
import { createHubSpotConnector, hubspotConnectionForm } from '../connectors/hubspot/index.ts';
import { createPipedriveConnector, pipedriveConnectionForm } from '../connectors/pipedrive/index.ts';
import type { PipedriveAuth, PipedriveWebhookAuth } from '../connectors/pipedrive/index.ts';
import { createSalesforceConnector, salesforceConnectionForm } from '../connectors/salesforce/index.ts';
import type { SalesforceAuth } from '../connectors/salesforce/index.ts';
import { accountsUrlFor, createZohoConnector, zohoConnectionForm } from '../connectors/zoho/index.ts';
import type { ZohoAuth } from '../connectors/zoho/index.ts';
import type { ConnectorRow } from '../db/connector-store.ts';
import type { NativeSubgraph } from '../subgraphs/native/build-native-subgraph.ts';
import { createDynamicsSubgraph } from '../subgraphs/dynamics/index.ts';
import { createHubSpotSubgraph } from '../subgraphs/hubspot/index.ts';
import { createPipedriveSubgraph } from '../subgraphs/pipedrive/index.ts';
import { createSalesforceSubgraph } from '../subgraphs/salesforce/index.ts';
import { createZohoSubgraph } from '../subgraphs/zoho/index.ts';
import { ProductError } from '../lib/product-error.ts';
import { DEFAULT_CONNECTOR_TUNING } from './connector-tuning.ts';
import type { ConnectorTuning } from './connector-tuning.ts';

export interface ConnectorDeps {
  tokenStore: TokenStore;
  onNeedsReauthorisation(connectorId: string, reason: string): Promise<void>;
  /** Deployment-wide settings from the environment (cli/connector-tuning.ts); the defaults without. */
  tuning?: ConnectorTuning;
  /** A full Salesforce read found Bulk API 2.0 refused by the org and went on by REST. Default: a console warning. */
  onBulkUnavailable?(connectorId: string, objectType: string, reason: string): void;
}

export interface CrmSupport {
  crm: string;
  /** What the admin UI asks to connect one (connectorKinds, saveConnector). */
  form: ConnectionForm;
  buildConnector(row: ConnectorRow, credentials: Record<string, unknown>, deps: ConnectorDeps): Connector;
  buildSubgraph(connector: Connector, options: { cacheTtlMs: number }): Promise<NativeSubgraph>;
}

function isWebhookAuth(value: unknown): value is PipedriveWebhookAuth {
  const v = value as { user?: unknown; password?: unknown } | null | undefined;
  return typeof v?.user === 'string' && typeof v.password === 'string';
}

export const supportedCrms: Record<string, CrmSupport> = {
  salesforce: {
    crm: 'salesforce',
    form: salesforceConnectionForm,
    buildConnector: (row, credentials, deps) =>
      createSalesforceConnector({
        connectorId: row.id,
        loginUrl: requireBaseUrl(row),
        auth: credentials.auth as SalesforceAuth,
        tokenStore: deps.tokenStore,
        onNeedsReauthorisation: deps.onNeedsReauthorisation,
        bulkThreshold: (deps.tuning ?? DEFAULT_CONNECTOR_TUNING).salesforceBulkThreshold,
        bulkMaxWaitMs: (deps.tuning ?? DEFAULT_CONNECTOR_TUNING).salesforceBulkMaxWaitMs,
        ...(deps.onBulkUnavailable ? { onBulkUnavailable: (objectType: string, reason: string) => deps.onBulkUnavailable!(row.id, objectType, reason) } : {}),
      }),
    buildSubgraph: (connector, options) => createSalesforceSubgraph(connector, options),
  },
  hubspot: {
    crm: 'hubspot',
    form: hubspotConnectionForm,
    buildConnector: (row, credentials, deps) =>
      createHubSpotConnector({
        connectorId: row.id,
        baseUrl: requireBaseUrl(row),
        auth: credentials.auth as Parameters<typeof createHubSpotConnector>[0]['auth'],
        ...(typeof credentials.webhookSecret === 'string' ? { webhookSecret: credentials.webhookSecret } : {}),
        tokenStore: deps.tokenStore,
        onNeedsReauthorisation: deps.onNeedsReauthorisation,
      }),
    buildSubgraph: (connector, options) => createHubSpotSubgraph(connector, options),
  },
  pipedrive: {
    crm: 'pipedrive',
    form: pipedriveConnectionForm,
    buildConnector: (row, credentials, deps) => {
      const baseUrl = requireBaseUrl(row);
      return createPipedriveConnector({
        connectorId: row.id,
        baseUrl,
        auth: credentials.auth as PipedriveAuth,
        // Real companies refresh OAuth tokens at oauth.pipedrive.com; anything else (a sandbox) serves them itself.
        ...(isPipedriveHost(baseUrl) ? {} : { oauthUrl: baseUrl }),
        ...(isWebhookAuth(credentials.webhookAuth) ? { webhookAuth: credentials.webhookAuth } : {}),
        tokenStore: deps.tokenStore,
        onNeedsReauthorisation: deps.onNeedsReauthorisation,
      });
    },
    buildSubgraph: (connector, options) => createPipedriveSubgraph(connector, options),
  },
  dynamics: {
    crm: 'dynamics',
    form: dynamicsConnectionForm,
    buildConnector: (row, credentials, deps) => {
      const baseUrl = requireBaseUrl(row);
      // Orgs in Microsoft's cloud get tokens from Entra ID (the connector's default, or the national cloud the admin
      // named); anything else (a sandbox) serves its token endpoint itself.
      const authorityUrl = typeof credentials.authorityUrl === 'string' ? credentials.authorityUrl : isHostUnder(baseUrl, 'dynamics.com') ? undefined : baseUrl;
      return createDynamicsConnector({
        connectorId: row.id,
        baseUrl,
        auth: credentials.auth as DynamicsAuth,
        ...(authorityUrl ? { authorityUrl } : {}),
        tokenStore: deps.tokenStore,
        onNeedsReauthorisation: deps.onNeedsReauthorisation,
        ...(typeof credentials.webhookKey === 'string' && credentials.webhookKey ? { webhookKey: credentials.webhookKey } : {}),
      });
    },
    buildSubgraph: (connector, options) => createDynamicsSubgraph(connector, options),
  },
  zoho: {
    crm: 'zoho',
    form: zohoConnectionForm,
    buildConnector: (row, credentials, deps) => {
      // The base URL is the API domain of the org's data centre (https://www.zohoapis.eu); tokens come from that data
      // centre's accounts server, unless the admin named another; anything else (a sandbox) serves them itself.
      const apiDomain = requireBaseUrl(row);
      const accountsUrl = typeof credentials.accountsUrl === 'string' && credentials.accountsUrl ? credentials.accountsUrl : accountsUrlFor(apiDomain) ?? apiDomain;
      return createZohoConnector({
        connectorId: row.id,
        apiDomain,
        accountsUrl,
        auth: credentials.auth as ZohoAuth,
        tokenStore: deps.tokenStore,
        onNeedsReauthorisation: deps.onNeedsReauthorisation,
        ...(typeof credentials.webhookToken === 'string' && credentials.webhookToken ? { webhookToken: credentials.webhookToken } : {}),
      });
    },
    buildSubgraph: (connector, options) => createZohoSubgraph(connector, options),
  },
};

const isPipedriveHost = (url: string): boolean => isHostUnder(url, 'pipedrive.com');

function isHostUnder(url: string, domain: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === domain || host.endsWith(`.${domain}`);
  } catch {
    return false;
  }
}

export function crmSupport(crm: string): CrmSupport {
  const support = supportedCrms[crm];
  if (!support) throw new ProductError('CONFIG_INVALID', `CRM "${crm}" is not supported by this build (supported: ${Object.keys(supportedCrms).join(', ')}).`);
  return support;
}

function requireBaseUrl(row: ConnectorRow): string {
  if (!row.baseUrl) throw new ProductError('CONFIG_INVALID', `connector ${row.id} has no base URL`);
  return row.baseUrl;
}
