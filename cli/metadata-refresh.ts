/**
 * When each process re-reads its CRMs' metadata (so a new custom field reaches the graph without a restart). Describe
 * calls count against the CRM's daily API limit (Salesforce: one per object), so they are not multiplied by the
 * number of processes on a database:
 * - the process running change capture (the 'change-capture' lease, sync/leadership.ts) refreshes every CRM every
 *   `intervalMs`, and announces a changed schema on `crm_metadata_changed` (db/metadata-events.ts);
 * - every other process refreshes that CRM at once on the announcement, and by itself only every
 *   `fallbackIntervals` × `intervalMs` (default 10), so a lost notification (listening connection down) or a moment
 *   without a leader costs at most that; a change it finds so is announced like the leader's (the leader's own
 *   announcement may be the one that was lost, and the other followers then need not wait for their own fallback);
 * - while leadership is not known yet (change capture not started), a process behaves like the leader. A single
 *   process (PGlite) leads, so it refreshes at `intervalMs`.
 */
import { listenCrmMetadataChanged, publishCrmMetadataChanged } from '../db/metadata-events.ts';
import { announcerOrigin } from '../db/notify-channel.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import type { Logger } from '../lib/logger.ts';
import type { NativeSubgraph } from '../subgraphs/native/build-native-subgraph.ts';

export interface MetadataRefreshOptions {
  database: Pick<DatabaseHandle, 'listen' | 'notify'>;
  /** CUSTOMER_GRAPH_METADATA_REFRESH_MS; 0 turns refreshing (and following announcements) off. */
  intervalMs: number;
  /** Whether this process runs change capture: undefined until that is known. */
  leads(): boolean | undefined;
  logger: Logger;
  /** A follower refreshes by itself every this many intervals. Default 10. */
  fallbackIntervals?: number;
}

export interface MetadataRefresh {
  /** Refreshes this native subgraph from now on (those of CRMs that join later too). */
  add(native: NativeSubgraph): void;
  stop(): Promise<void>;
}

export async function startMetadataRefresh(opts: MetadataRefreshOptions): Promise<MetadataRefresh> {
  const { database, intervalMs, logger } = opts;
  const fallbackIntervals = Math.max(1, opts.fallbackIntervals ?? 10);
  /** Intervals since each native subgraph was last refreshed here. */
  const natives = new Map<NativeSubgraph, { idle: number }>();
  const running = new Set<Promise<unknown>>();
  /** Tells this process's own announcements from other processes'. */
  const origin = announcerOrigin();
  let stopped = false;

  const track = (work: Promise<unknown>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  const failed = (native: NativeSubgraph) => (err: unknown) =>
    logger.warn({ subgraph: native.name, err }, 'metadata refresh failed; keeping the current schema');

  /** A periodic refresh (the leader's, or a follower's fallback); a changed schema is announced to the others. */
  const refresh = (native: NativeSubgraph) => {
    natives.get(native)!.idle = 0;
    track(native.refresh().then(async (changed) => {
      if (!changed || stopped) return;
      await publishCrmMetadataChanged(database, { crm: native.crm, origin });
      logger.info({ subgraph: native.name, crm: native.crm }, 'CRM metadata changed: the other processes on the database refresh it too');
    }).catch(failed(native)));
  };

  if (intervalMs <= 0) return { add: () => {}, stop: async () => {} };

  const unlisten = await listenCrmMetadataChanged(database, (event) => {
    if (event.origin === origin || stopped) return;
    for (const [native, state] of natives) {
      if (native.crm !== event.crm) continue;
      state.idle = 0;
      // A refresh already in flight here may have described the CRM before the change: one that finds nothing new
      // is followed by a second, fresh one (refresh() is single-flight, so the first may have been joined, not started).
      track(native.refresh().then(async (changed) => {
        if (!changed) changed = await native.refresh();
        logger.info({ subgraph: native.name, changed }, 'CRM metadata changed in another process: refreshed here');
      }).catch(failed(native)));
    }
  }, (payload) => logger.warn({ payload: payload.slice(0, 200) }, 'malformed crm_metadata_changed notification ignored'));

  const timer = setInterval(() => {
    const leads = opts.leads() !== false;
    for (const [native, state] of natives) {
      state.idle++;
      if (leads || state.idle >= fallbackIntervals) refresh(native);
    }
  }, intervalMs);
  timer.unref();

  return {
    add(native) {
      if (!stopped && !natives.has(native)) natives.set(native, { idle: 0 });
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unlisten().catch((err: unknown) => logger.warn({ err }, 'unlistening crm_metadata_changed failed'));
      // Refreshes under way finish before the database and connectors they use are closed.
      await Promise.allSettled([...running]);
    },
  };
}
