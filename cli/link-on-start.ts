/**
 * The start-time link run (and `sync --backfill`): every native record linked to a golden record before the first
 * query is served. Customers are linked by identity resolution (sync/identity-linker.ts): the matcher's links merge,
 * its review pairs are queued, recorded decisions are respected; re-running changes nothing.
 */
import type { Connector } from '../connectors/contract/index.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../lib/logger.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { runEmailLinker } from '../sync/email-linker.ts';
import type { LinkerProgress, LinkerReport } from '../sync/email-linker.ts';

export interface LinkAllOptions {
  db: Database;
  connectors: Map<string, Connector>;
  /** Our connector id per CRM, recorded on each link. */
  connectorIds: Map<string, string>;
  getConfig(): MappingConfig;
  logger: Logger;
  onProgress?: (progress: LinkerProgress) => void;
}

export async function linkAll(opts: LinkAllOptions): Promise<LinkerReport> {
  const started = Date.now();
  const report = await runEmailLinker({ db: opts.db, connectors: opts.connectors, connectorIds: opts.connectorIds, config: opts.getConfig(), matchCustomers: 'identity', ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  for (const f of report.failed) opts.logger.error(f, 'could not read a CRM object while linking; its golden records keep their previous snapshot');
  opts.logger.info(
    { ms: Date.now() - started, recordsRead: report.recordsRead, goldenCreated: report.goldenCreated, linksCreated: report.linksCreated, customersMerged: report.customersMerged ?? 0, reviewsQueued: report.reviewsQueued ?? 0, snapshotsChanged: report.snapshotsChanged },
    'linked native records to golden records',
  );
  return report;
}
