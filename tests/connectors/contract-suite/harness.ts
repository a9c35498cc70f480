/**
 * What a CRM plugs into the shared connector contract suite. The suite knows no CRM: the harness starts that
 * CRM's sandbox, builds its connector, and knows its object names, sample field values and control quirks.
 * Like drizzle-orm's one test suite for every driver, every connector must pass the same tests.
 */
import type { Connector } from '../../../connectors/contract/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import type { RetryPolicy } from '../../../connectors/runtime/index.ts';

/** A running sandbox the suite can drive through the shared `/_sandbox/*` control plane. */
export interface ContractSandbox {
  /** Base URL, e.g. http://127.0.0.1:4101 (control routes live under `${url}/_sandbox`). */
  url: string;
  close(): Promise<void>;
}

/** A record to load into a fresh sandbox as if imported: no API call, no webhook, its timestamp preserved. */
export interface SeedRecord {
  objectType: string;
  fields: Record<string, unknown>;
  /** ISO-8601 modification timestamp the CRM must report for this record. */
  modifiedAt: string;
}

export type HarnessAuth =
  /** The CRM's static/private-app token (or whatever the harness considers the simplest valid credential). */
  | 'static'
  /** OAuth refresh-token flow against the sandbox's token endpoint. */
  | 'oauth'
  /** A static token the CRM does not know. */
  | 'invalid-static'
  /** A refresh token the CRM's token endpoint refuses. */
  | 'invalid-refresh-token';

export interface HarnessConnectOptions {
  /** Unique per test: the connector id, also used as the rate-budget account so tests never share a budget. */
  connectorId: string;
  /** Where API calls go; defaults to the sandbox URL. Tests point it at a proxy, a garbage server or a dead port. */
  baseUrl?: string;
  auth?: HarnessAuth;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Rate budget limits for this connector's account. */
  budget?: { concurrency?: number; daily?: { limit: number } };
  onNeedsReauthorisation?: (connectorId: string, reason: string) => void;
}

/**
 * The options of a test's connection every connector takes as they are, for a harness's `connect` to spread into its
 * connector's options; with a budget registry of the connector's own, so tests never queue behind each other.
 */
export function runtimeOptionsOf(options: HarnessConnectOptions) {
  return {
    registry: new RateBudgetRegistry(),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.onNeedsReauthorisation ? { onNeedsReauthorisation: options.onNeedsReauthorisation } : {}),
  };
}

export interface SandboxDailyUsage {
  used: number;
  limit: number;
}

export interface ConnectorContractHarness {
  /** The CRM id the connector reports (`connector.crm`, `error.crm`). */
  crm: string;

  /** Starts a fresh sandbox with no records except `seed`. Each test gets its own. */
  start(options?: { seed?: SeedRecord[] }): Promise<ContractSandbox>;
  /** Builds the connector under test against `sandbox` (or `options.baseUrl`). */
  connect(sandbox: ContractSandbox, options: HarnessConnectOptions): Connector;

  /** The object the record tests run on (a person: 'contacts', 'Contact'). */
  primaryObject: string;
  /** Objects `describeObjects()` must list, with the field each orders its change feed on. */
  describedObjects: Record<string, { modifiedField: string; idField: string }>;
  /** Fields to read back in record tests; must include `keyField`. */
  readFields: string[];
  /** A field whose value is unique per sample record (compared after reads and writes). */
  keyField: string;
  /**
   * Valid fields for sample record `i` of the primary object: `keyField` distinct per `i`, and the upsert
   * external-id field set to `upsert.externalId(i)`.
   */
  validRecord(i: number): Record<string, unknown>;
  /** Fields the CRM rejects per item (bad email…), for the partial-failure tests. */
  invalidRecord(): Record<string, unknown>;
  /** A valid change for sample record `i` (must change a field in `readFields`). */
  validUpdate(i: number): Record<string, unknown>;
  /** A change the CRM rejects per item. */
  invalidUpdate(): Record<string, unknown>;
  /** Upsert on the primary object: the external-id field and its value for sample record `i`. */
  upsert: { externalIdField: string; externalId(i: number): string };
  /** An id of the primary object's shape that no record has. */
  unknownId: string;

  /** Creates a custom field on `objectType` through the CRM's own API or the sandbox; returns its native name. */
  createCustomField(sandbox: ContractSandbox, objectType: string): Promise<string>;
  /** Expires every OAuth access token in the sandbox now (refresh tokens stay valid). */
  expireTokens(sandbox: ContractSandbox): Promise<void>;
  /** Route key of the OAuth token endpoint in `/_sandbox/stats` (e.g. `POST /oauth/v1/token`). */
  tokenRoute: string;
  /** Sets the CRM's daily API limit (through `/_sandbox/limits`, whose keys differ per CRM). */
  setDailyLimit(sandbox: ContractSandbox, limit: number): Promise<void>;
  /** The CRM's own count of API calls against its daily limit. */
  dailyUsage(sandbox: ContractSandbox): Promise<SandboxDailyUsage>;
  /** Every secret the harness hands the connector: none may appear in an error. */
  secrets: string[];
}
