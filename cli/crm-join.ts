/**
 * A CRM joins the running graph: when an admin saves a connector of a CRM no connector runs for in this process (a
 * real deployment adding HubSpot to Salesforce, say), this process starts it without a restart — the connector, its
 * native subgraph from the CRM's metadata, the golden schema that copies its types, a recomposed supergraph — and
 * links the CRM's records in the background (idempotent, like `sync --backfill`; progress in the log). Polling,
 * webhooks and write-back find it through the connector maps they share. Every other process on the database joins
 * it too (`connector_saved`); only the one running change capture links it, and only the golden types of objects never
 * read (cli/app.ts `linkJoined`), so N processes do not read every CRM N times.
 *
 * Not joined (the answer says why, and it starts at the next restart): a disabled connector, a real connector while
 * this process runs the demo sandboxes (or a demo one while it runs real CRMs), a second connector of a CRM that runs.
 */
import type { ConnectorStore } from '../db/connector-store.ts';
import type { CustomerGraphGateway } from '../gateway/gateway.ts';
import type { SubgraphSource } from '../gateway/subgraph-source.ts';
import type { Logger } from '../lib/logger.ts';
import type { GoldenSubgraph } from '../subgraphs/golden/index.ts';
import type { NativeSubgraph } from '../subgraphs/native/build-native-subgraph.ts';
import type { ConnectorFleet } from './connector-fleet.ts';
import { crmSupport } from './connector-registry.ts';
import type { LinkAllReport } from './link-on-start.ts';

export interface CrmJoinDeps {
  store: ConnectorStore;
  fleet: ConnectorFleet;
  /** The running process's CRM subgraphs and supergraph sources (shared arrays: the join appends to them). */
  natives: NativeSubgraph[];
  sources: SubgraphSource[];
  golden: GoldenSubgraph;
  gateway: CustomerGraphGateway;
  /** Whether this process runs the demo sandboxes. */
  demo: boolean;
  cacheTtlMs: number;
  /** Metadata refresh and change handling, as for the CRMs started with the process. */
  wireNative(native: NativeSubgraph): void;
  /** Links the joined CRM's records; null when another process does (the one running change capture). */
  link(): Promise<LinkAllReport | null>;
  logger: Logger;
}

export const nativeSource = (n: NativeSubgraph): SubgraphSource => ({ name: n.name, kind: 'local', typeDefs: () => n.typeDefs(), schema: () => n.schema() });

export function crmJoiner(deps: CrmJoinDeps): (id: string) => Promise<boolean> {
  const { fleet, logger } = deps;
  // One join at a time: two saves must not both start a CRM or interleave recompositions.
  let queue: Promise<unknown> = Promise.resolve();

  async function join(id: string): Promise<boolean> {
    if (fleet.runs(id)) return true;
    const row = await deps.store.get(id);
    if (!row || row.status === 'disabled' || Boolean(row.settings.demo) !== deps.demo || fleet.runningIdOf(row.crm)) return false;
    if (fleet.hasParked(row.crm)) {
      // The CRM's native subgraph is still in the graph (its connector was disabled, then deleted): it takes this one.
      await fleet.add(row);
      logger.info({ connector: id, crm: row.crm }, 'a connector took over its CRM\'s place in the graph; linking its records in the background');
      void deps.link().catch((err) => logger.error({ err, connector: id }, 'linking the connector failed; run customer-graph sync --backfill'));
      return true;
    }
    const connector = await fleet.add(row);
    let native: NativeSubgraph | undefined;
    try {
      native = await crmSupport(row.crm).buildSubgraph(connector, { cacheTtlMs: deps.cacheTtlMs });
      deps.natives.push(native);
      deps.sources.push(nativeSource(native));
      deps.golden.rebuild();
      await deps.gateway.reload();
    } catch (err) {
      // Back to the graph as it was: nothing half-joined stays.
      if (native) {
        deps.natives.splice(deps.natives.indexOf(native), 1);
        deps.sources.splice(deps.sources.findIndex((s) => s.name === native!.name), 1);
        deps.golden.rebuild();
      }
      fleet.drop(id);
      throw err;
    }
    deps.wireNative(native);
    logger.info({ connector: id, crm: row.crm }, 'a CRM joined the graph; linking its records in the background');
    void deps.link().then(
      (report) => { if (report) logger.info({ connector: id, report }, 'records of the joined CRM linked'); },
      (err) => logger.error({ err, connector: id }, 'linking the joined CRM failed; run customer-graph sync --backfill'),
    );
    return true;
  }

  return (id) => {
    const run = queue.then(() => join(id));
    queue = run.catch(() => {});
    return run;
  };
}
