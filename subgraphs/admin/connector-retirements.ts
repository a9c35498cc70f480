/**
 * `connectorRetirements`: where the retirement of each deleted connector's links stands (sync/connector-retirement.ts,
 * sync/retirement-resumer.ts), for the admin UI's Connectors page — an admin who deleted a connector with 200,000
 * links sees it running, how far it is, that it waits (its run stopped or failed, or the process holding it died) or
 * that it finished, without reading the server log.
 *
 * Cheap by construction: one read of `connector_retirements`, then per unfinished retirement one count of the
 * connector's active links (a range scan of record_links_native_uq); a finished one answers its stored totals only.
 * The lease is read against the database's clock, as the resumer takes it. A root field of the admin subgraph, hence
 * token-guarded by gateway/admin-access.ts.
 */
import type { Database } from '../../db/open-database.ts';
import { activeLinkCount, listRetirements } from '../../db/retirement-store.ts';
import type { StoredRetirement } from '../../db/retirement-store.ts';

export const CONNECTOR_RETIREMENTS_TYPE_DEFS = `
"Where the retirement of a deleted connector's links stands."
enum ConnectorRetirementState {
  "A process holds its lease and retires links, pass after pass."
  RUNNING
  "Links are left and nobody works on them now (the run stopped or failed, or its process died): the next check of any process (every CUSTOMER_GRAPH_RETIREMENT_CHECK_MS, a minute by default) takes it up."
  WAITING
  "No active link of the connector is left."
  FINISHED
}

"The last thing that went wrong in a retirement."
type ConnectorRetirementError {
  message: String!
  "When (ISO time)."
  at: String!
}

"The retirement of one deleted connector's links (admin deleteConnector)."
type ConnectorRetirement {
  connectorId: ID!
  "The CRM it read (salesforce, hubspot…)."
  crm: String!
  "The connector's name when it was deleted; null for deletions recorded before names were kept."
  connectorName: String
  "When the connector was deleted (ISO time)."
  deletedAt: String!
  state: ConnectorRetirementState!
  "Links marked deleted so far."
  linksRetired: Int!
  "Active links of the connector left to retire, counted now; 0 once finished."
  linksRemaining: Int!
  "Golden records left without any source, and deleted."
  goldenDeleted: Int!
  "Golden records that keep other sources, recomputed without this connector."
  snapshotsRecomputed: Int!
  "When a pass last committed (ISO time); null before the first."
  lastProgressAt: String
  "When it finished (ISO time)."
  finishedAt: String
  "The process holding its lease (host-pid-suffix), while one does."
  leaseOwner: String
  "Until when that lease holds (ISO time); another process takes the retirement over after it."
  leaseUntil: String
  "A lease is held but has expired: its process died or stalled, and the next check of another process takes over."
  leaseExpired: Boolean!
  "The last error (a run failed, or a CRM could not be read to recompute golden records); kept after it finished."
  lastError: ConnectorRetirementError
}
`;

export const CONNECTOR_RETIREMENTS_QUERY_FIELDS = `
  "The link retirement of every deleted connector (running, waiting or finished), newest deletion first; a connector added back under its id is not listed."
  connectorRetirements: [ConnectorRetirement!]!`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function render(r: StoredRetirement, linksRemaining: number) {
  const finished = r.finishedAt !== null;
  const leaseLive = r.leaseOwner !== null && r.leaseUntil !== null && r.leaseUntil.getTime() > r.now.getTime();
  return {
    connectorId: r.connectorId,
    crm: r.crm,
    connectorName: r.connectorName,
    deletedAt: r.requestedAt.toISOString(),
    state: finished ? 'FINISHED' : leaseLive ? 'RUNNING' : 'WAITING',
    linksRetired: r.linksRetired,
    linksRemaining,
    goldenDeleted: r.goldenDeleted,
    snapshotsRecomputed: r.snapshotsChanged,
    lastProgressAt: iso(r.progressAt),
    finishedAt: iso(r.finishedAt),
    leaseOwner: r.leaseOwner,
    leaseUntil: iso(r.leaseUntil),
    leaseExpired: !finished && r.leaseOwner !== null && !leaseLive,
    lastError: r.lastError && r.lastErrorAt ? { message: r.lastError, at: r.lastErrorAt.toISOString() } : null,
  };
}

export function connectorRetirementsResolvers(deps: { db: Database }) {
  return {
    Query: {
      connectorRetirements: async () => {
        const rows = await listRetirements(deps.db);
        return Promise.all(rows.map(async (r) => render(r, r.finishedAt ? 0 : await activeLinkCount(deps.db, r.connectorId))));
      },
    },
  };
}
