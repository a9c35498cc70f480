/**
 * Retiring the links of a deleted connector (admin `deleteConnector`): without it, the golden records its records
 * created stay listed for ever, with `sources` naming records nobody can read any more (a HubSpot connector added
 * twice by mistake leaves a duplicate of every customer behind).
 *
 * What a CRM deletion does (change-applier.ts), for every record of the connector at once:
 *   - each of its active links is marked deleted (`deleted_at` now); rows are kept, so no history is lost;
 *   - a golden record left with no live link is marked deleted, and a customer's deletion is published as a
 *     `customer_changed` event naming the id only;
 *   - a golden record that keeps other live links gets its snapshot recomputed from those (read through their
 *     connectors before the transaction: `prepareGoldenSources` and `recomputeGolden`, the admin merge path).
 *
 * Chunked: at most `chunkSize` links per pass (hence at most that many golden records), each pass one transaction
 * under the linking lock, so a connector with a million links never holds one huge transaction or blocks the
 * change applier for long. Links are walked in the order of their unique index (connector, object, record id), so
 * each page is an index range scan however many links were already retired.
 *
 * Resumable (sync/retirement-resumer.ts): the deletion is recorded durably (`connector_retirements`), and a run that
 * holds its lease renews it inside each pass's transaction, so only one process commits passes at a time, and a run
 * cut short (a crash, `signal` aborted between passes) leaves only whole passes behind; the next run walks the
 * links still active from the start.
 *
 * A CRM that cannot be read does not stop the retirement: the links are retired and orphans deleted all the same,
 * and golden records holding one of its records keep their previous snapshot (`kept`) until their next change or a
 * resync (admin `startResync`).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Connector } from '../connectors/contract/index.ts';
import { lockLinking } from '../db/link-store.ts';
import { recordRetirementPass, renewRetirementLease } from '../db/retirement-store.ts';
import type { Tx } from '../db/link-store.ts';
import type { Database } from '../db/open-database.ts';
import { recordLinks } from '../db/schema.ts';
import type { Logger } from '../lib/logger.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { prepareGoldenSources, recomputeGolden, StalePreparationError } from './change-applier.ts';

export interface RetirementDeps {
  db: Database;
  getConfig(): MappingConfig;
  /** Connectors by CRM id, to read the other sources of golden records that keep some. */
  connectors: ReadonlyMap<string, Connector>;
  connectorIds?: ReadonlyMap<string, string>;
  logger: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Links per pass (default 500). */
  chunkSize?: number;
  /** Called after each committed pass, with the totals so far. */
  onProgress?(report: RetirementReport): void;
  /** The lease this run holds (db/retirement-store.ts): renewed in every pass; a pass that finds it lost commits nothing. */
  lease?: { owner: string; ms: number };
  /** Stops the run between passes (the process shuts down). */
  signal?: AbortSignal;
}

export interface RetirementReport {
  connectorId: string;
  /** Committed passes (transactions). */
  chunks: number;
  linksRetired: number;
  goldenDeleted: number;
  snapshotsChanged: number;
  /** Golden records that kept their previous snapshot because one of their other sources could not be read. */
  kept: string[];
  /** CRMs that could not be read, with the last error's message. */
  unreadable: Record<string, string>;
  ms: number;
  /** Why the run stopped before every link was retired; null when it went through. */
  stopped: 'aborted' | 'lease lost' | null;
}

/** The run's lease was taken over (it stalled past it) or the connector was added back: this run stops. */
class LeaseLostError extends Error {}

const DEFAULT_CHUNK = 500;
/** Preparations tried for one pass when links move underneath (a record linked meanwhile to one of its golden records). */
const ATTEMPTS = 3;
const LOG_EVERY_MS = 10_000;

/** The next active links of the connector after `after` (object type, record id), in unique-index order. */
async function nextPage(db: Database, connectorId: string, after: { objectType: string; recordId: string } | null, limit: number) {
  return db.select({ goldenId: recordLinks.goldenId, objectType: recordLinks.objectType, recordId: recordLinks.recordId })
    .from(recordLinks)
    .where(and(
      eq(recordLinks.connectorId, connectorId), eq(recordLinks.status, 'active'),
      after ? sql`(${recordLinks.objectType}, ${recordLinks.recordId}) > (${after.objectType}, ${after.recordId})` : undefined,
    ))
    .orderBy(asc(recordLinks.objectType), asc(recordLinks.recordId))
    .limit(limit);
}

/** Marks every active link of the connector held by these golden records deleted; returns how many. */
async function retireLinks(tx: Tx, connectorId: string, goldenIds: readonly string[], at: Date): Promise<number> {
  const rows = await tx.update(recordLinks).set({ status: 'deleted', deletedAt: at })
    .where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.status, 'active'), inArray(recordLinks.goldenId, [...goldenIds])))
    .returning({ id: recordLinks.id });
  return rows.length;
}

/** Retires every active link of `connectorId` (a connector already deleted from the store); see the header. */
export async function retireConnectorLinks(deps: RetirementDeps, connectorId: string): Promise<RetirementReport> {
  const started = Date.now();
  const report: RetirementReport = { connectorId, chunks: 0, linksRetired: 0, goldenDeleted: 0, snapshotsChanged: 0, kept: [], unreadable: {}, ms: 0, stopped: null };
  const size = Math.max(1, deps.chunkSize ?? DEFAULT_CHUNK);
  let after: { objectType: string; recordId: string } | null = null;
  let logged = started;
  for (;;) {
    if (deps.signal?.aborted) {
      report.stopped = 'aborted';
      break;
    }
    const page = await nextPage(deps.db, connectorId, after, size);
    if (page.length === 0) break;
    const last = page[page.length - 1]!;
    after = { objectType: last.objectType, recordId: last.recordId };
    const goldenIds = [...new Set(page.map((l) => l.goldenId))];
    const ctx = { db: deps.db, config: deps.getConfig(), connectors: deps.connectors, ...(deps.connectorIds ? { connectorIds: deps.connectorIds } : {}) };
    for (let attempt = 1; ; attempt++) {
      const failures = new Map<string, unknown>();
      // CRM reads before the transaction (never inside: they would hold the linking lock for seconds).
      const prepared = await prepareGoldenSources(ctx, goldenIds, { withoutConnector: connectorId, failures });
      try {
        const pass = await deps.db.transaction(async (tx) => {
          // The change applier's lock: no record is linked to these golden records while their links are retired.
          await lockLinking(tx);
          const retired = await retireLinks(tx, connectorId, goldenIds, new Date());
          if (deps.lease && !(await renewRetirementLease(tx, connectorId, deps.lease.owner, deps.lease.ms, retired))) throw new LeaseLostError();
          const applied = await recomputeGolden(tx, ctx, prepared, goldenIds);
          // The admin API's progress (`connectorRetirements`), committed with the pass it counts.
          await recordRetirementPass(tx, connectorId, { goldenDeleted: applied.goldenDeleted, snapshotsChanged: applied.snapshotsChanged, problem: unreadableProblem(failures, applied.blocked.length) });
          return { retired, applied };
        });
        report.chunks++;
        report.linksRetired += pass.retired;
        report.goldenDeleted += pass.applied.goldenDeleted;
        report.snapshotsChanged += pass.applied.snapshotsChanged;
        report.kept.push(...pass.applied.blocked);
        for (const [crm, err] of failures) report.unreadable[crm] = err instanceof Error ? err.message : String(err);
        break;
      } catch (err) {
        if (err instanceof LeaseLostError) {
          report.stopped = 'lease lost';
          break;
        }
        if (!(err instanceof StalePreparationError) || attempt >= ATTEMPTS) throw err;
      }
    }
    if (report.stopped) break;
    deps.onProgress?.({ ...report, ms: Date.now() - started });
    if (Date.now() - logged >= LOG_EVERY_MS) {
      logged = Date.now();
      deps.logger.info(progressOf(report, started), 'retiring the links of a deleted connector');
    }
  }
  report.ms = Date.now() - started;
  if (report.stopped) {
    deps.logger.info({ ...progressOf(report, started), stopped: report.stopped }, 'retirement of the deleted connector\'s links stopped before the end; it resumes at the next check (sync/retirement-resumer.ts)');
  } else if (report.linksRetired > 0) deps.logger.info(progressOf(report, started), 'links of the deleted connector retired');
  if (report.kept.length > 0) {
    deps.logger.warn(
      { connector: connectorId, kept: report.kept.length, examples: report.kept.slice(0, 10), unreadable: report.unreadable },
      'golden records that keep other sources could not be recomputed without the deleted connector (a source CRM could not be read, or does not run here); they keep their previous snapshot until their next change or a resync (admin startResync)',
    );
  }
  return report;
}

/** A pass's CRMs that could not be read, in words for an admin; null when every one answered. */
function unreadableProblem(failures: ReadonlyMap<string, unknown>, kept: number): string | null {
  if (failures.size === 0) return null;
  const crms = [...failures].map(([crm, err]) => `${crm} (${err instanceof Error ? err.message : String(err)})`).join('; ');
  return `Could not read ${crms}: ${kept === 1 ? '1 golden record keeps its' : `${kept} golden records keep their`} previous snapshot until a resync (startResync); the links were retired all the same.`;
}

function progressOf(report: RetirementReport, started: number) {
  return {
    connector: report.connectorId, linksRetired: report.linksRetired, goldenDeleted: report.goldenDeleted, snapshotsChanged: report.snapshotsChanged,
    kept: report.kept.length, chunks: report.chunks, ms: Date.now() - started,
  };
}
