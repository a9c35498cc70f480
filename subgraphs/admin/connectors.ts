/**
 * `connectors` and `testConnector`: the admin subgraph's view of each stored CRM connection, for the admin UI's
 * Connectors page. Per stored connector: what it is (CRM, name, address), its stored status (e.g. refused credentials),
 * whether this process runs it, which CRM objects the mapping configuration reads from it, and the live rate budget of
 * its account (`Connector.rateLimitState()`). `testConnector` makes one cheap metadata call (describe of one mapped
 * object, interactive lane, 10 s timeout) and answers how it went with the connector error's code.
 *
 * Credentials never leave the database here: the rows come without them (ConnectorStore.list, or the non-secret
 * columns only), a base URL loses any user info and query string, and connector errors are redacted on construction.
 * Both are root fields of the admin subgraph, hence token-guarded by gateway/admin-access.ts.
 */
import { GraphQLError } from 'graphql';
import type { Connector, RateLimitState } from '../../connectors/contract/index.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, probeConnector } from '../../connectors/runtime/index.ts';
import type { ConnectorRow } from '../../db/connector-store.ts';
import type { Database } from '../../db/open-database.ts';
import { connectors as connectorsTable } from '../../db/schema.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';

export interface ConnectorsDeps {
  db: Database;
  getConfig(): MappingConfig;
  /** The live connectors of this process by CRM id, and the stored connector id each one runs as. */
  connectors: ReadonlyMap<string, Connector>;
  connectorIds: ReadonlyMap<string, string>;
  /** The stored connectors without credentials (ConnectorStore.list); absent: read from the table's non-secret columns. */
  connectorRows?: () => Promise<ConnectorRow[]>;
  /** Marks a connector active again (a test the CRM answered proves its credentials work). */
  markConnectorActive?: (id: string) => Promise<void>;
  /** How long `testConnector` waits for the CRM (default 10 s). */
  testTimeoutMs?: number;
}

export const CONNECTORS_TYPE_DEFS = `
"The daily API allowance of a CRM account."
type ConnectorDailyBudget { used: Int! limit: Int! remaining: Int! }

"A short rate window (e.g. HubSpot 190 calls per 10 s)."
type ConnectorWindowBudget { max: Int! remaining: Int! intervalMs: Int! }

type ConnectorConcurrency { limit: Int! inFlight: Int! }

"Calls waiting for budget, per lane (interactive reads first, then write-back, then background sync)."
type ConnectorWaiting { interactive: Int! writeback: Int! sync: Int! }

"Counters since this process started."
type ConnectorCallTotals {
  sent: Int!
  "Calls the CRM refused for rate limiting (429 or its equivalent)."
  rateLimited: Int!
  "Calls not sent because they would have exceeded the daily allowance."
  refusedBudget: Int!
}

"The shared rate budget of a connector's CRM account, as this process sees it now."
type ConnectorRateBudget {
  accountId: String!
  "Nothing is sent before this time (ISO), after the CRM asked us to slow down; null when not paused."
  blockedUntil: String
  "Null until known (configured, or learnt from the CRM's answers)."
  daily: ConnectorDailyBudget
  window: ConnectorWindowBudget
  concurrency: ConnectorConcurrency!
  waiting: ConnectorWaiting!
  totals: ConnectorCallTotals!
}

"A CRM object the mapping configuration reads from a connector."
type ConnectorObjectUse {
  objectType: String!
  "The golden types built from it (Customer, Company, Deal)."
  goldenTypes: [String!]!
}

"One stored CRM connection. Never carries credentials or tokens."
type ConnectorHealth {
  id: ID!
  "salesforce, hubspot…"
  crm: String!
  name: String!
  "The CRM's address (login URL or API base), without any user info or query string."
  baseUrl: String
  "active | needs_reauthorisation | disabled | unavailable (its CRM could not be read when it was to start: left out of the graph and retried in the background until it answers)"
  status: String!
  "Why the status is not active (e.g. what the CRM said when it refused the credentials)."
  statusReason: String
  "One of the local demo sandboxes."
  demo: Boolean!
  "Whether this process has a live connector for it (false: disabled, or a demo connector while real ones are configured, or another connector of the same CRM runs)."
  running: Boolean!
  objects: [ConnectorObjectUse!]!
  "Whether the running connector takes the CRM's webhooks (changes arrive as they happen; polling catches what they miss); false: by polling alone. Null when not running."
  receivesWebhooks: Boolean
  "Null when not running."
  rateBudget: ConnectorRateBudget
}

type ConnectorTestError {
  "The connector error code: CRM_AUTH_FAILED, CRM_UNAVAILABLE, CRM_TIMEOUT, CRM_RATE_LIMITED, CRM_BUDGET_EXHAUSTED…"
  code: String!
  message: String!
}

type ConnectorTestResult {
  ok: Boolean!
  "Milliseconds the test took."
  ms: Int!
  "The CRM objects whose metadata was read."
  objectsChecked: [String!]!
  "Null when ok."
  error: ConnectorTestError
  "The connector as it stands after the test (its status may have changed, e.g. to needs_reauthorisation)."
  connector: ConnectorHealth!
}
`;

export const CONNECTORS_QUERY_FIELDS = `
  "Every stored CRM connector: status, what the mapping reads from it and its live rate budget. No credentials."
  connectors: [ConnectorHealth!]!`;

export const CONNECTORS_MUTATION_FIELDS = `
  "Tests a connector with one cheap metadata call to its CRM (describe of one mapped object, 10 s timeout). Unknown id: NOT_FOUND; not running in this process: CONFLICT."
  testConnector(id: ID!): ConnectorTestResult!`;

/** Drops user info and the query string, where a careless configuration might have put a secret. */
function safeUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return null;
  }
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n) : 0);

function rateBudget(s: RateLimitState) {
  return {
    accountId: s.accountId,
    blockedUntil: s.blockedUntil !== null && s.blockedUntil > Date.now() ? new Date(s.blockedUntil).toISOString() : null,
    daily: s.daily && Number.isFinite(s.daily.limit) ? { used: int(s.daily.used), limit: int(s.daily.limit), remaining: int(s.daily.remaining) } : null,
    window: s.window ? { max: int(s.window.max), remaining: int(s.window.remaining), intervalMs: int(s.window.intervalMs) } : null,
    concurrency: { limit: int(s.concurrency.limit), inFlight: int(s.concurrency.inFlight) },
    waiting: { interactive: s.waiting.interactive, writeback: s.waiting.writeback, sync: s.waiting.sync },
    totals: { sent: s.totals.sent, rateLimited: s.totals.rateLimited, refusedBudget: s.totals.refusedBudget },
  };
}

/** The objects of a CRM the mapping reads (as sync/poller.ts `pollTargets` does, whether or not the CRM runs here). */
export function objectsOf(config: MappingConfig, crm: string): { objectType: string; goldenTypes: string[] }[] {
  const byObject = new Map<string, string[]>();
  for (const [goldenType, type] of Object.entries(config.types)) {
    for (const object of type.objects) {
      if (object.crm !== crm) continue;
      const types = byObject.get(object.objectType) ?? [];
      if (!types.includes(goldenType)) types.push(goldenType);
      byObject.set(object.objectType, types);
    }
  }
  return [...byObject].map(([objectType, goldenTypes]) => ({ objectType, goldenTypes }));
}

/** Reads stored connectors and renders them as `ConnectorHealth`; shared by the connector settings resolvers. */
export function connectorHealthReader(deps: ConnectorsDeps) {
  const rows = async (): Promise<ConnectorRow[]> => {
    if (deps.connectorRows) return deps.connectorRows();
    // Named columns only: the credentials ciphertext is never selected.
    const t = connectorsTable;
    return deps.db.select({ id: t.id, crm: t.crm, name: t.name, baseUrl: t.baseUrl, settings: t.settings, status: t.status, statusReason: t.statusReason })
      .from(t).orderBy(t.id);
  };
  const live = (row: ConnectorRow): Connector | undefined =>
    (deps.connectorIds.get(row.crm) === row.id ? deps.connectors.get(row.crm) : undefined);
  const health = (row: ConnectorRow, config: MappingConfig) => {
    const connector = live(row);
    return {
      id: row.id,
      crm: row.crm,
      name: row.name,
      baseUrl: safeUrl(row.baseUrl),
      status: row.status,
      statusReason: row.statusReason,
      demo: Boolean(row.settings.demo),
      running: connector !== undefined,
      objects: objectsOf(config, row.crm),
      receivesWebhooks: connector ? connector.webhooks !== undefined : null,
      rateBudget: connector ? rateBudget(connector.rateLimitState()) : null,
    };
  };
  const find = async (id: string) => {
    const row = (await rows()).find((r) => r.id === id);
    if (!row) throw new GraphQLError(`No connector has the id '${id}'.`, { extensions: { code: 'NOT_FOUND', argumentName: 'id' } });
    return row;
  };
  return { rows, live, health, find };
}

export function connectorsResolvers(deps: ConnectorsDeps) {
  const { rows, live, health, find } = connectorHealthReader(deps);

  return {
    Query: {
      connectors: async () => {
        const config = deps.getConfig();
        return (await rows()).map((r) => health(r, config));
      },
    },
    Mutation: {
      testConnector: async (_: unknown, args: { id: string }) => {
        const row = await find(args.id);
        const connector = live(row);
        if (!connector) {
          const why = row.status === 'disabled' ? 'it is disabled'
            : row.status === 'unavailable' || row.status === 'needs_reauthorisation' ? `its CRM could not be read, and it is retried in the background: ${row.statusReason ?? row.status}`
              : 'another connector of this CRM runs, or it is a demo sandbox while real CRMs are configured';
          throw new GraphQLError(`Connector '${row.id}' is not running in this process (${why}): there is nothing to test.`,
            { extensions: { code: 'CONFLICT', argumentName: 'id' } });
        }
        const config = deps.getConfig();
        const { ms, ...outcome } = await probeConnector(connector, objectsOf(config, row.crm)[0]?.objectType, deps.testTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
        // The CRM answered: credentials a refusal once flagged work now (renewed at the CRM, or a passing outage).
        if (outcome.ok && row.status === 'needs_reauthorisation') await deps.markConnectorActive?.(row.id);
        // Re-read: a refused credential marks the connector needs_reauthorisation while the call fails.
        const after = (await rows()).find((r) => r.id === row.id) ?? row;
        return { ...outcome, ms, connector: health(after, config) };
      },
    },
  };
}
