/**
 * Re-reading every record of every connected CRM on demand (the link run of `customer-graph sync --backfill`, in the
 * gateway process), so a changed mapping or quality check applies to all stored golden records now, not only as each
 * record next changes. One run at a time per process (the link run also takes a database lock, so processes take
 * turns). Its progress — records read per CRM object, golden records created, snapshots changed — is kept for the
 * admin API (`resyncStatus`) and the Sync health page.
 */
import type { Logger } from '../lib/logger.ts';
import type { LinkerProgress } from '../sync/email-linker.ts';
import type { LinkAllReport } from './link-on-start.ts';

export interface ResyncStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  /** Records read so far per golden type and CRM object, in reading order. */
  objects: { goldenType: string; crm: string; objectType: string; records: number }[];
  goldenCreated: number;
  linksCreated: number;
  snapshotsChanged: number;
  /** Objects the run could not read (their records keep their previous snapshots), with the CRM's code. */
  failedObjects: { crm: string; objectType: string; code: string; message: string }[];
  error: string | null;
}

export function createResync(opts: { link(onProgress: (p: LinkerProgress) => void): Promise<LinkAllReport>; logger: Logger }) {
  let status: ResyncStatus = { state: 'idle', startedAt: null, finishedAt: null, objects: [], goldenCreated: 0, linksCreated: 0, snapshotsChanged: 0, failedObjects: [], error: null };
  let running: Promise<void> | undefined;

  const progress = (p: LinkerProgress) => {
    if (p.phase === 'reading' && p.crm && p.objectType) {
      const object = status.objects.find((o) => o.goldenType === p.goldenType && o.crm === p.crm && o.objectType === p.objectType);
      if (object) object.records = p.records;
      else status.objects.push({ goldenType: p.goldenType, crm: p.crm, objectType: p.objectType, records: p.records });
    }
    // The counters are running totals of the whole run.
    status.goldenCreated = p.goldenCreated;
    status.linksCreated = p.linksCreated;
    status.snapshotsChanged = p.snapshotsChanged;
  };

  return {
    status: (): ResyncStatus => structuredClone(status),
    /** Starts a run; false when one is already running here. */
    start(): boolean {
      if (running) return false;
      status = { state: 'running', startedAt: new Date().toISOString(), finishedAt: null, objects: [], goldenCreated: 0, linksCreated: 0, snapshotsChanged: 0, failedObjects: [], error: null };
      opts.logger.info('re-reading every CRM record (resync) started');
      running = opts.link(progress).then(
        (report) => {
          status = {
            ...status, state: 'done', finishedAt: new Date().toISOString(), goldenCreated: report.goldenCreated, linksCreated: report.linksCreated,
            snapshotsChanged: report.snapshotsChanged, failedObjects: report.failed,
          };
          opts.logger.info({ report }, 'resync done');
        },
        (err: Error) => {
          status = { ...status, state: 'failed', finishedAt: new Date().toISOString(), error: err.message };
          opts.logger.error({ err }, 'resync failed; run it again, or customer-graph sync --backfill');
        },
      ).finally(() => { running = undefined; });
      return true;
    },
    /** Resolves when the run in progress (if any) has ended. */
    idle: (): Promise<void> => running ?? Promise.resolve(),
  };
}
