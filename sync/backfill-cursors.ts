/**
 * The change cursors a full read leaves behind (`customer-graph sync --backfill`, the start-time link run). The full
 * read takes every record as it is, so the polling fallback only needs what changed since the read began: each
 * object read completely gets the cursor its connector makes for that moment (`Connector.changeCursorAt`), stored
 * under the same keys the poller reads (`pollTargets`, `cursorConnectorId`). Without it, the first poll found no
 * cursor and read every record of every object a second time (hours of API budget for a large org).
 *
 * The moment is taken before the first page is requested: a record changed while the read ran is read again by the
 * first poll (harmless, the change applier is idempotent), and nothing changed after the read began is skipped.
 * An object that failed (or had no connector) gets no cursor, so its first poll still reads everything.
 */
import type { Connector } from '../connectors/contract/index.ts';
import type { Database } from '../db/open-database.ts';
import { writeCursorIfAbsent } from '../db/sync-store.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { cursorConnectorId, pollTargets } from './poller.ts';

/** The reason given for an object the full read did not finish (failed, or no connector). */
export const NOT_READ = 'not read completely';

export interface BackfillCursorsOptions {
  db: Database;
  /** The configuration the full read used. */
  config: MappingConfig;
  connectors: ReadonlyMap<string, Connector>;
  /** Our connector id per CRM (default the CRM id), as the poller is given it. */
  connectorIds?: ReadonlyMap<string, string>;
  /** Taken before the full read requested its first page. */
  startedAt: Date;
  /** Objects not read completely: the linker's `failed` and `notConnected`. */
  incomplete: readonly { crm: string; objectType: string }[];
}

export interface BackfillCursorsReport {
  /** Where change polling of the `stored` objects resumes (before the connector's overlap). */
  from: Date;
  /** Objects that got a cursor. */
  stored: { crm: string; objectType: string; connectorId: string }[];
  /** Objects whose cursor the poller already kept: left as they were. */
  kept: { crm: string; objectType: string; connectorId: string }[];
  /** Objects without a cursor from this read: their first poll reads every record. */
  skipped: { crm: string; objectType: string; reason: string }[];
}

export async function storeBackfillCursors(opts: BackfillCursorsOptions): Promise<BackfillCursorsReport> {
  const report: BackfillCursorsReport = { from: opts.startedAt, stored: [], kept: [], skipped: [] };
  const incomplete = new Set(opts.incomplete.map((o) => `${o.crm}|${o.objectType}`));
  const planned: { crm: string; objectType: string; connectorId: string; cursor: unknown }[] = [];
  for (const target of pollTargets({ config: opts.config, connectors: opts.connectors })) {
    if (incomplete.has(`${target.crm}|${target.objectType}`)) {
      report.skipped.push({ crm: target.crm, objectType: target.objectType, reason: NOT_READ });
      continue;
    }
    try {
      const cursor = opts.connectors.get(target.crm)!.changeCursorAt(target.objectType, opts.startedAt);
      planned.push({ crm: target.crm, objectType: target.objectType, connectorId: cursorConnectorId(opts, target.crm), cursor });
    } catch (err) {
      // Without a cursor the first poll reads everything: slow, never wrong.
      report.skipped.push({ crm: target.crm, objectType: target.objectType, reason: (err as Error).message });
    }
  }
  await opts.db.transaction(async (tx) => {
    for (const { cursor, ...object } of planned) {
      // Only where no cursor exists. A cursor the poller keeps (a `customer-graph start` polling beside this run,
      // or a previous run's) stays: replacing it with this read's would skip whatever it has not polled yet that
      // is older than this read, and the full read does not stand in for polling (it sees no deletions, announces
      // no change to subscribers, queues no convergence). The poller keeps its own cursor moving, so leaving it
      // costs nothing.
      if (await writeCursorIfAbsent(tx, object.connectorId, object.objectType, cursor)) report.stored.push(object);
      else report.kept.push(object);
    }
  });
  return report;
}
