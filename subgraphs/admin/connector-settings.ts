/**
 * `connectorKinds` and `saveConnector`: the admin API an integration admin uses to connect a CRM or give a connector
 * new credentials without a restart. Which CRMs exist, what their forms ask, and how settings are checked, tested,
 * stored and applied is the composition root's business (cli/connector-settings.ts); this file only speaks GraphQL,
 * and answers a saved connector as the same `ConnectorHealth` the Connectors page lists — never its credentials.
 */
import type { ConnectionForm } from '../../connectors/contract/index.ts';
import type { ConnectorsDeps } from './connectors.ts';
import { connectorHealthReader } from './connectors.ts';

export interface ConnectorSettingsApi {
  kinds(): ConnectionForm[];
  save(input: {
    id: string; crm: string; name: string; baseUrl?: string | null; authKind?: string | null;
    credentials?: readonly { name: string; value: string }[] | null;
  }): Promise<{ id: string; test: { ms: number; objectsChecked: string[] }; applied: boolean; restartReason: string | null }>;
  setEnabled(id: string, enabled: boolean): Promise<{ id: string; restartReason: string | null }>;
  remove(id: string): Promise<boolean>;
}

export const CONNECTOR_SETTINGS_TYPE_DEFS = `
"One field of a connector's connection form."
type ConnectorFormField {
  "The credential key to send back in SaveConnectorInput.credentials (clientId, accessToken…)."
  name: String!
  label: String!
  "Write-only: never returned by the API, never prefilled."
  secret: Boolean!
  required: Boolean!
  "An optional field valid only together with this other field of the same auth kind (a user and its password)."
  requires: String
  help: String
}

"A way to authenticate to a CRM (client credentials, refresh token, private-app token…)."
type ConnectorAuthKind {
  kind: String!
  label: String!
  fields: [ConnectorFormField!]!
}

"A CRM this build can connect to, and what its connection form asks."
type ConnectorKind {
  crm: String!
  label: String!
  "What the base URL is called for this CRM (Login URL, API base URL)."
  baseUrlLabel: String!
  defaultBaseUrl: String
  authKinds: [ConnectorAuthKind!]!
}

input ConnectorCredentialInput {
  name: String!
  value: String!
}

input SaveConnectorInput {
  "2–40 lower-case letters, digits and dashes, starting with a letter (salesforce-emea). An existing id updates that connector."
  id: ID!
  crm: String!
  name: String!
  "Default: the stored one, else the CRM's defaultBaseUrl."
  baseUrl: String
  "One of the CRM's authKinds; required with credentials."
  authKind: String
  "The auth kind's field values. Omitted or null: the stored credentials are kept (only name or address change)."
  credentials: [ConnectorCredentialInput!]
}

"The call made with the new settings before they were stored."
type ConnectorSaveTest {
  ms: Int!
  objectsChecked: [String!]!
}

type SetConnectorEnabledResult {
  "The connector as stored now (status active or disabled)."
  connector: ConnectorHealth!
  "When the change waits for a restart: why, in words. Null when nothing more is needed."
  restartReason: String
}

type SaveConnectorResult {
  "The connector as stored now."
  connector: ConnectorHealth!
  test: ConnectorSaveTest!
  "True when this connector runs with the new settings now (here; other processes on the database follow)."
  applied: Boolean!
  "When not applied: why the settings wait for a restart. Null when applied."
  restartReason: String
}
`;

export const CONNECTOR_SETTINGS_QUERY_FIELDS = `
  "The CRMs this build can connect to and what each connection form asks."
  connectorKinds: [ConnectorKind!]!`;

export const CONNECTOR_SETTINGS_MUTATION_FIELDS = `
  "Creates or updates a connector: checks the settings, tests them with one call to the CRM, then stores them encrypted and applies them. BAD_USER_INPUT (extensions.field names the input), CONFLICT (the id is another CRM's), or the CRM's code (CRM_AUTH_FAILED, CRM_UNAVAILABLE, CRM_TIMEOUT): nothing stored."
  saveConnector(input: SaveConnectorInput!): SaveConnectorResult!
  "Disables or enables a connector, at once and in every process on the database: a disabled connector is not polled or written to (its write-back waits), its webhooks are not taken, reads of its records answer CRM_UNAVAILABLE, and it is not started at the next start. NOT_FOUND for an unknown id."
  setConnectorEnabled(id: ID!, enabled: Boolean!): SetConnectorEnabledResult!
  "Deletes a connector with its credentials and change cursors, and answers at once; its links are then retired in the background (marked deleted, rows kept; golden records left without a live source are deleted, the others recomputed from their remaining sources). CONFLICT while it runs: disable it first. Where the CRM's webhooks are made through its API (Pipedrive), its subscriptions there (URL path /webhooks/<id>) are removed first; if the CRM refuses, the connector is deleted all the same and the log's warning names what to remove by hand (Pipedrive: Settings → Tools and apps → Webhooks)."
  deleteConnector(id: ID!): Boolean!`;

export function connectorSettingsResolvers(deps: ConnectorsDeps & { connectorSettings: ConnectorSettingsApi }) {
  const reader = connectorHealthReader(deps);
  return {
    Query: {
      connectorKinds: () => deps.connectorSettings.kinds().map((k) => ({
        crm: k.crm, label: k.label, baseUrlLabel: k.baseUrlLabel, defaultBaseUrl: k.defaultBaseUrl ?? null,
        authKinds: k.authKinds.map((a) => ({ kind: a.kind, label: a.label, fields: a.fields.map((f) => ({ ...f, help: f.help ?? null })) })),
      })),
    },
    Mutation: {
      saveConnector: async (_: unknown, args: { input: Parameters<ConnectorSettingsApi['save']>[0] }) => {
        const outcome = await deps.connectorSettings.save(args.input);
        const row = await reader.find(outcome.id);
        return { connector: reader.health(row, deps.getConfig()), test: outcome.test, applied: outcome.applied, restartReason: outcome.restartReason };
      },
      setConnectorEnabled: async (_: unknown, args: { id: string; enabled: boolean }) => {
        const outcome = await deps.connectorSettings.setEnabled(args.id, args.enabled);
        return { connector: reader.health(await reader.find(outcome.id), deps.getConfig()), restartReason: outcome.restartReason };
      },
      deleteConnector: (_: unknown, args: { id: string }) => deps.connectorSettings.remove(args.id),
    },
  };
}
