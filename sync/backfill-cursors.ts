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

/** How far behind ours a CRM clock may be for a quiet object (one not changed in that long) to hand over safely. */
export const MAX_CLOCK_SKEW_MS = 60 * 60_000;

/** Per `crm|objectType`, the CRM clock at the object's newest change before the read (null: no records). */
export type CrmClocks = ReadonlyMap<string, Date | null>;

export const clockKey = (crm: string, objectType: string) => `${crm}|${objectType}`;

/**
 * Each polled object's newest change by the CRM's clock, asked before the full read's first page. An object the
 * CRM does not answer for is left out (its cursor then starts at our moment less MAX_CLOCK_SKEW_MS).
 */
export async function readCrmClocks(opts: { config: MappingConfig; connectors: ReadonlyMap<string, Connector>; timeoutMs?: number }): Promise<Map<string, Date | null>> {
  const clocks = new Map<string, Date | null>();
  // A CRM that does not answer must not hold up the read for long: the read itself reports it.
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 15_000);
  await Promise.all(pollTargets({ config: opts.config, connectors: opts.connectors }).map(async (target) => {
    try {
      clocks.set(clockKey(target.crm, target.objectType), await opts.connectors.get(target.crm)!.latestChangeAt(target.objectType, { signal }));
    } catch {
      // Left out: the full read reports the CRM's trouble itself, and the cursor falls back to the wider window.
    }
  }));
  return clocks;
}

/** Where change polling of one object resumes after a full read that began at `startedAt` (see the header). */
export function resumeFrom(startedAt: Date, newestChange: Date | null | undefined): Date {
  const floor = startedAt.getTime() - MAX_CLOCK_SKEW_MS;
  const newest = newestChange?.getTime();
  const from = newest !== undefined && newest >= floor ? Math.min(newest, startedAt.getTime()) : floor;
  return new Date(from);
}

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
  /** `readCrmClocks`, asked before the first page too; absent: every cursor starts MAX_CLOCK_SKEW_MS before startedAt. */
  crmClocks?: CrmClocks;
  /** Objects not read completely: the linker's `failed` and `notConnected`. */
  incomplete: readonly { crm: string; objectType: string }[];
}

export interface BackfillCursorsReport {
  /** When the full read began (our clock). */
  from: Date;
  /** Objects that got a cursor, and where their polling resumes (before the connector's overlap). */
  stored: { crm: string; objectType: string; connectorId: string; resumeAt: Date }[];
  /** Objects whose cursor the poller already kept: left as they were. */
  kept: { crm: string; objectType: string; connectorId: string }[];
  /** Objects without a cursor from this read: their first poll reads every record. */
  skipped: { crm: string; objectType: string; reason: string }[];
}

export async function storeBackfillCursors(opts: BackfillCursorsOptions): Promise<BackfillCursorsReport> {
  const report: BackfillCursorsReport = { from: opts.startedAt, stored: [], kept: [], skipped: [] };
  const incomplete = new Set(opts.incomplete.map((o) => `${o.crm}|${o.objectType}`));
  const planned: { crm: string; objectType: string; connectorId: string; resumeAt: Date; cursor: unknown }[] = [];
  for (const target of pollTargets({ config: opts.config, connectors: opts.connectors })) {
    if (incomplete.has(`${target.crm}|${target.objectType}`)) {
      report.skipped.push({ crm: target.crm, objectType: target.objectType, reason: NOT_READ });
      continue;
    }
    try {
      const resumeAt = resumeFrom(opts.startedAt, opts.crmClocks?.get(clockKey(target.crm, target.objectType)));
      const cursor = opts.connectors.get(target.crm)!.changeCursorAt(target.objectType, resumeAt);
      planned.push({ crm: target.crm, objectType: target.objectType, connectorId: cursorConnectorId(opts, target.crm), resumeAt, cursor });
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
      else report.kept.push({ crm: object.crm, objectType: object.objectType, connectorId: object.connectorId });
    }
  });
  return report;
}
