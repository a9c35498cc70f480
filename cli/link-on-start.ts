/**
 * The start-time link run (and `sync --backfill`): every native record linked to a golden record before the first
 * query is served. Customers are linked by identity resolution (sync/identity-linker.ts): the matcher's links merge,
 * its review pairs are queued, recorded decisions are respected; re-running changes nothing.
 *
 * Each golden type read completely (no object failed) records the mapping version the run
 * started with as the basis of its stored snapshots (db/snapshot-basis-store.ts; cli/stored-records.ts says what is stale).
 */
import type { Connector } from '../connectors/contract/index.ts';
import type { Database } from '../db/open-database.ts';
import { recordSnapshotBasis } from '../db/snapshot-basis-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { NOT_READ, readCrmClocks, storeBackfillCursors } from '../sync/backfill-cursors.ts';
import type { BackfillCursorsReport } from '../sync/backfill-cursors.ts';
import { runEmailLinker } from '../sync/email-linker.ts';
import { linkOrder } from '../sync/relation-snapshot.ts';
import type { LinkerProgress, LinkerReport } from '../sync/email-linker.ts';
import { planStartLink } from './start-link-plan.ts';
import type { LinkOnStartMode, StartLinkPlan } from './start-link-plan.ts';

export interface LinkAllOptions {
  db: Database;
  connectors: Map<string, Connector>;
  /** Our connector id per CRM, recorded on each link. */
  connectorIds: Map<string, string>;
  getConfig(): MappingConfig;
  /** The version of `getConfig()`'s configuration: recorded as the basis of the types read completely. Absent: none recorded. */
  mappingVersion?: () => number;
  logger: Logger;
  onProgress?: (progress: LinkerProgress) => void;
  /** Golden types to link (default every type of the configuration): a resumed resync reads the ones it did not finish. */
  goldenTypes?: readonly string[];
  /** Stops the reading (a process shutting down during a resync). */
  signal?: AbortSignal;
  /**
   * CRMs whose stored connector is down now (cli/crm-retry.ts): left out of `connectors`, so nothing of theirs was read,
   * and the golden types they feed do not follow this run's mapping version.
   */
  unavailableCrms?: () => readonly string[];
}

export interface LinkAllReport extends LinkerReport {
  /** The change cursors this run left for the polling fallback (sync/backfill-cursors.ts). */
  changeCursors: BackfillCursorsReport;
}

export async function linkAll(opts: LinkAllOptions): Promise<LinkAllReport> {
  // Before the first page is requested: the first poll after this run reads what changed since this moment.
  const startedAt = new Date();
  const started = startedAt.getTime();
  const config = opts.getConfig();
  // The version the read starts with: a save while it runs leaves the types read stale (their basis is older).
  const mappingVersion = opts.mappingVersion?.();
  // Each object's newest change by the CRM's own clock, also before the first page: the cursors below start no later,
  // so a CRM clock behind ours loses no change made while the read ran (sync/backfill-cursors.ts).
  const crmClocks = await readCrmClocks({ config, connectors: opts.connectors });
  const linked = await runEmailLinker({ db: opts.db, connectors: opts.connectors, connectorIds: opts.connectorIds, config, matchCustomers: 'identity', ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.goldenTypes ? { goldenTypes: opts.goldenTypes } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  for (const f of linked.failed) opts.logger.error(f, 'could not read a CRM object while linking; its golden records keep their previous snapshot');
  const changeCursors = await storeBackfillCursors({
    db: opts.db, config, connectors: opts.connectors, connectorIds: opts.connectorIds, startedAt, crmClocks, incomplete: [...linked.failed, ...linked.notConnected],
  });
  // Objects that failed are logged above; a connector that could not make a cursor is worth a warning of its own.
  for (const s of changeCursors.skipped) opts.logger[s.reason === NOT_READ ? 'info' : 'warn'](s, 'no change cursor stored for a CRM object: its first poll reads every record');
  const report: LinkAllReport = { ...linked, changeCursors };
  if (mappingVersion !== undefined) {
    const complete = completeTypes(config, opts.goldenTypes ?? Object.keys(config.types), linked, opts.unavailableCrms?.() ?? []);
    await recordSnapshotBasis(opts.db, complete, mappingVersion);
  }
  opts.logger.info(
    { ms: Date.now() - started, recordsRead: report.recordsRead, goldenCreated: report.goldenCreated, linksCreated: report.linksCreated, customersMerged: report.customersMerged ?? 0, reviewsQueued: report.reviewsQueued ?? 0, snapshotsChanged: report.snapshotsChanged,
      changeCursorsStored: changeCursors.stored.length, changeCursorsKept: changeCursors.kept.length },
    'linked native records to golden records',
  );
  return report;
}

/**
 * A link run as planned (cli/start-link-plan.ts): the golden types with an object never read completely, or
 * everything (`always`), or nothing. Says what it skips and how to read everything anyway. `occasion` says when, for
 * the log: 'at start', 'for a joined CRM'.
 */
export async function linkAsPlanned(opts: Omit<LinkAllOptions, 'goldenTypes' | 'onProgress' | 'signal'> & { mode: LinkOnStartMode; polling: boolean; occasion: string }): Promise<{ plan: StartLinkPlan; report: LinkAllReport | null }> {
  const { mode, polling, occasion, logger, ...link } = opts;
  const plan = await planStartLink({ db: link.db, config: link.getConfig(), connectors: link.connectors, connectorIds: link.connectorIds, mode, polling });
  if (plan.resumed.length > 0) {
    logger.info({ objects: plan.resumed.map((o) => `${o.crm} ${o.objectType}`) },
      `not read again ${occasion}: these CRM objects were read completely before, and polling resumes them from their stored change cursors. ` +
      'To read every record again, run `customer-graph sync --backfill` or the admin mutation startResync; CUSTOMER_GRAPH_LINK_ON_START=always reads everything at every start');
  }
  if (plan.goldenTypes.length === 0) return { plan, report: null };
  if (plan.unread.length > 0) {
    logger.info({ goldenTypes: plan.goldenTypes, unread: plan.unread.map((o) => `${o.crm} ${o.objectType}`) },
      `reading ${occasion} the golden types with CRM objects never read completely (a first start, or a connector or object mapped since)`);
  }
  return { plan, report: await linkAll({ ...link, logger, goldenTypes: plan.goldenTypes }) };
}

/**
 * The golden types of a link run none of whose objects failed: their stored snapshots were all recomputed with the
 * run's configuration. An object without a connector (its CRM is not connected here) has nothing to read, and does not
 * count; one of a CRM that is connected but down (`unavailableCrms`) was not read, and does: its records keep snapshots
 * made with an older mapping.
 */
export function completeTypes(config: MappingConfig, goldenTypes: readonly string[], report: Pick<LinkerReport, 'failed'>, unavailableCrms: readonly string[] = []): string[] {
  const incomplete = new Set(report.failed.map((o) => `${o.crm}\u0000${o.objectType}`));
  const down = new Set(unavailableCrms);
  return linkOrder(config, goldenTypes).filter((t) => (config.types[t]?.objects ?? []).every((o) => !down.has(o.crm) && !incomplete.has(`${o.crm}\u0000${o.objectType}`)));
}
