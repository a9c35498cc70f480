/**
 * `CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE=never|auto` (default never). With `auto`, a saved mapping configuration
 * (announced to every process on `mapping_saved`, db/mapping-events.ts) reaches the stored golden records by itself:
 * once saves have been quiet for `CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS` (default 30000), the process that
 * leads change capture starts a resync of the golden types the saves made stale (cli/stored-records.ts) — so a series
 * of edits makes one run, and N replicas make one run, not N. A resync already running (here or elsewhere): tried again
 * after the same delay, until it has ended. Other processes do nothing; a process that is not the leader when the delay
 * ends leaves it to the leader, which got the same announcement.
 *
 * Saves are not the only way records fall behind: a save made while no process led change capture (a leader stopping,
 * the announcement missed), or while every process was down with the mode `never`, leaves its types stale with no
 * announcement to come. So the check also runs one delay after start, and a process that does not lead when the delay
 * ends checks again one delay later, at least a second (only whether it leads; it reads nothing): whichever process
 * leads next finds the stale types and re-reads them.
 */
import type { DatabaseHandle } from '../db/open-database.ts';
import type { MappingConfigStore } from '../db/config-store.ts';
import { listenMappingSaved } from '../db/mapping-events.ts';
import type { Logger } from '../lib/logger.ts';
import { ProductError } from '../lib/product-error.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { intervalMs } from './change-capture.ts';
import { storedRecordsFreshness } from './stored-records.ts';

export const RESYNC_ON_MAPPING_CHANGE_MODES = ['never', 'auto'] as const;
export type ResyncOnMappingChangeMode = (typeof RESYNC_ON_MAPPING_CHANGE_MODES)[number];

export interface ResyncOnMappingChangeSettings {
  mode: ResyncOnMappingChangeMode;
  /** How long saves must have been quiet before the run starts. */
  delayMs: number;
}

export const DEFAULT_RESYNC_ON_MAPPING_CHANGE_DELAY_MS = 30_000;

/** The settings from the environment; a mode other than never/auto, or a delay that is not a whole number ≥ 0, is CONFIG_INVALID. */
export function resyncOnMappingChangeSettings(env: NodeJS.ProcessEnv): ResyncOnMappingChangeSettings {
  const name = 'CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE';
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw !== '' && !(RESYNC_ON_MAPPING_CHANGE_MODES as readonly string[]).includes(raw)) {
    throw new ProductError('CONFIG_INVALID', `${name} must be one of ${RESYNC_ON_MAPPING_CHANGE_MODES.join(', ')} (got '${env[name]}')`);
  }
  const delayMs = intervalMs(env, 'CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE_DELAY_MS', DEFAULT_RESYNC_ON_MAPPING_CHANGE_DELAY_MS);
  return { mode: raw === '' ? 'never' : (raw as ResyncOnMappingChangeMode), delayMs };
}

export interface FollowMappingSavesOptions extends ResyncOnMappingChangeSettings {
  database: Pick<DatabaseHandle, 'db' | 'listen'>;
  /** The mapping configuration served here (cli/mapping-runtime.ts). */
  mappings: { version(): number; config(): MappingConfig; store: Pick<MappingConfigStore, 'loadVersion'> };
  /** The resync (cli/resync.ts): false when a run is unfinished anywhere. */
  resync: { start(goldenTypes?: readonly string[]): Promise<boolean> };
  /** Whether this process leads change capture (undefined: not decided yet, treated as not leading). */
  leads(): boolean | undefined;
  /**
   * How long the leader waits to serve a version another process announced before it re-reads with the one it serves
   * (default 10 s): a version this process refused (invalid here, or not composing with its CRMs) never arrives.
   */
  versionWaitMs?: number;
  logger: Logger;
}

/** Follows mapping saves (mode auto); resolves to the stop function. With `never`, does nothing. */
export async function followMappingSaves(opts: FollowMappingSavesOptions): Promise<() => Promise<void>> {
  if (opts.mode === 'never') return async () => {};
  const { logger } = opts;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let newestSaved = 0;
  let firing: Promise<void> = Promise.resolve();
  // Checking again (not leading, a run unfinished, a failed check) waits at least a second: with a delay of 0,
  // re-arming at the delay would be a loop of zero-delay timers for as long as the condition lasts.
  const recheckMs = Math.max(opts.delayMs, 1000);
  const versionWaitMs = opts.versionWaitMs ?? 10_000;
  let waitingSince: number | null = null;

  const arm = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      firing = fire().catch((err: unknown) => {
        logger.error({ err }, 'starting the resync of the golden types a mapping save made stale failed; trying again after the delay');
        arm(recheckMs);
      });
    }, ms);
    timer.unref?.();
  };

  const fire = async () => {
    if (stopped) return;
    if (opts.leads() !== true) {
      logger.debug('stored records may follow an older mapping: the process that runs change capture re-reads them');
      arm(recheckMs);
      return;
    }
    // Not served here yet (this process adopts another's save asynchronously): the resync must read with it. A version
    // still not served after versionWaitMs was refused here (mapping-runtime.ts logs why): go on with the one served.
    if (opts.mappings.version() < newestSaved) {
      waitingSince ??= Date.now();
      if (Date.now() - waitingSince < versionWaitMs) {
        arm(Math.max(Math.min(opts.delayMs, 1000), 100));
        return;
      }
      logger.warn({ announced: newestSaved, served: opts.mappings.version() }, 'a mapping version announced by another process is not served here (see the mapping log for why): re-reading the stale golden types with the version served here');
      newestSaved = opts.mappings.version();
    }
    waitingSince = null;
    const stale = (await storedRecordsFreshness({ db: opts.database.db, mappings: opts.mappings })).filter((f) => f.stale).map((f) => f.goldenType);
    if (stale.length === 0 || stopped) return;
    if (await opts.resync.start(stale)) {
      logger.info({ goldenTypes: stale, mappingVersion: opts.mappings.version() }, 'the mapping changed for these golden types: re-reading their stored records (CUSTOMER_GRAPH_RESYNC_ON_MAPPING_CHANGE=auto)');
      return;
    }
    logger.info({ goldenTypes: stale }, 'a resync is running: the stale golden types are re-read after it ends');
    arm(recheckMs);
  };

  const unlisten = await listenMappingSaved(opts.database, (event) => {
    newestSaved = Math.max(newestSaved, event.version);
    arm(opts.delayMs);
  });
  // Types left stale before this process started (see above).
  arm(opts.delayMs);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    await unlisten();
    await firing;
  };
}
