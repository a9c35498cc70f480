/**
 * What a CRM plugs into the native subgraph suite: its sandbox, its real connector, the subgraph factory, and
 * the names the suite expects to find. The suite itself knows no CRM.
 */
import type { ExecutionResult } from 'graphql';
import type { Connector } from '../../../connectors/contract/index.ts';
import type { NativeSubgraph } from '../../../subgraphs/native/build-native-subgraph.ts';
import { graphqlCjs } from './graphql-cjs.ts';

export interface RunningCrm {
  /** Sandbox base URL (control routes under `${url}/_sandbox`). */
  url: string;
  close(): Promise<void>;
}

export interface NativeSubgraphHarness {
  crm: string;
  /** Starts the CRM's sandbox loaded with at least 120 records of the primary object. */
  start(): Promise<RunningCrm>;
  /** The real connector against the sandbox, with quick retries so failure tests stay fast. */
  connect(crm: RunningCrm): Connector;
  createSubgraph(connector: Connector, options?: { cacheTtlMs?: number }): Promise<NativeSubgraph>;

  keyField: string;
  /** Native object of the record tests and the GraphQL names derived from it. */
  primary: { objectType: string; typeName: string; byId: string; list: string; create: string; update: string; delete: string };
  /** Every entity type the subgraph must expose, with native fields and their scalar (`String`, `Int`…). */
  expectedFields: Record<string, Record<string, string>>;
  /** Object fields the primary type must have, and the type they return (`Account` → `SalesforceAccount`). */
  expectedRelations: Record<string, string>;
  /** A selection on the primary type for entity tests (must include the key). */
  selection: string;
  /** Valid create input for sample `i`, a field it sets, and an update changing that field. */
  createInput(i: number): Record<string, unknown>;
  checkedField: string;
  updateInput: Record<string, unknown>;
  /** An input the CRM rejects (bad email…). */
  invalidInput: Record<string, unknown>;
  /** Creates a String custom field on the primary object through the CRM's own API; returns its native name. */
  createCustomField(crm: RunningCrm): Promise<string>;
}

export async function control(crm: { url: string }, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${crm.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox control ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Upstream calls the sandbox received while `fn` ran (read from `/_sandbox/stats` after a reset). */
export async function upstreamCalls<T>(crm: RunningCrm, fn: () => Promise<T>): Promise<{ result: T; calls: number; routes: Record<string, number> }> {
  await control(crm, 'POST', '/stats/reset');
  const result = await fn();
  const stats = (await control(crm, 'GET', '/stats')) as { total: number; routes: Record<string, number> };
  return { result, calls: stats.total, routes: stats.routes };
}

/** Runs an operation the way the gateway's LocalGraphQLDataSource does: the schema of now, a context object per request. */
export function execute(sg: NativeSubgraph, source: string, variableValues?: Record<string, unknown>): Promise<ExecutionResult> {
  return Promise.resolve(graphqlCjs.graphql({ schema: sg.schema(), source, contextValue: {}, ...(variableValues ? { variableValues } : {}) }));
}

/** The data of a result that must have no errors. */
export function ok<T = Record<string, unknown>>(result: ExecutionResult): T {
  if (result.errors?.length) throw new Error(`unexpected GraphQL errors: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.data as T;
}
