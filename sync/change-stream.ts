/**
 * Change streams: for every connector whose CRM pushes changes over a channel the connector opens (`changeStream`,
 * Salesforce Change Data Capture), the stream is kept open over the CRM's mapped object types. Each batch's events
 * go to the webhook inbox exactly as webhook deliveries do (one row per connector and event id, so an event
 * delivered twice — a reopened stream, two gateways each with a stream — is stored once) and, in the same
 * transaction, the batch's position goes to `sync_cursors` under `CHANGE_STREAM_CURSOR` (the object type column
 * names the stream, not an object). The inbox worker applies the events; polling stays the safety net.
 *
 * A stream that fails to open or breaks is reopened from its stored position with backoff, the log saying what to
 * do; a position the CRM no longer retains (CRM_VALIDATION on a non-null position: the gateway was down longer than
 * the CRM keeps events, 72 h at Salesforce) is reopened from now, with a warning: polling covers what was missed.
 * An object whose channel the CRM refuses (CRM_VALIDATION with `details.reason: 'channel-refused'` naming
 * `details.objectType`: Change Data Capture not selected for it) is left out and the stream reopened at once from the
 * stored position with the other objects, with a warning naming it. While refused it is polled on its own
 * (`fallbackPollMs`, when interval polling is off), and the stream tries its channel again after `refusedRetryMs`
 * (10 min), doubling up to `maxRefusedRetryMs` (1 h) while it stays refused; once accepted it streams again without a
 * restart, and one last poll of it covers the moment between its last poll and its subscription.
 *
 * When the stream announces changes without naming the records (`onCatchUp`: a Salesforce overflow), the request is
 * stored with the stream position before the batch that passes it, and the object is read since then (catch-up.ts),
 * polling on or off; an unfinished catch-up resumes when the stream starts again (a restart, a new leader).
 */
import { asConnectorError } from '../connectors/contract/index.ts';
import type { ConnectorError, OpenChangeStream } from '../connectors/contract/index.ts';
import type { Logger } from '../lib/logger.ts';
import type { ChangeApplierContext } from './change-applier.ts';
import { startObjectReads } from './catch-up.ts';
import { requestCatchUp, storeStreamPosition, storedStreamPosition } from './change-stream-store.ts';
import { cursorConnectorId, pollTargets } from './poller.ts';
import { insertInboxEventsOf } from './webhook-receiver.ts';

export { CHANGE_STREAM_CURSOR, storeStreamPosition, storedCatchUps, storedStreamPosition } from './change-stream-store.ts';

export interface ChangeStreamOptions {
  /** False for a CRM whose stream is switched off (CUSTOMER_GRAPH_SALESFORCE_CDC=off). Default: every one. */
  enabled?: (crm: string) => boolean;
  /** After a batch stored at least one new event: wakes the inbox worker. */
  onStored?: () => void;
  logger: Logger;
  /** First reopen delay after a failure, doubled per failure in a row up to `maxBackoffMs`. Default 1 s and 5 min. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How often the streams are checked against the mapping and the connectors (an object mapped or unmapped, a
   * connector swapped for new settings, joined or disabled): a stream whose objects or connector changed is reopened
   * from its stored position. Default 30 s; 0 checks only on `refresh()`.
   */
  refreshMs?: number;
  /**
   * How often an object whose channel the CRM refuses is polled while refused (0, the default: never here — interval
   * polling covers it). change-capture passes 15 s when interval polling is off.
   */
  fallbackPollMs?: number;
  /** When a refused channel is tried again, doubled while it stays refused up to `maxRefusedRetryMs`. Default 10 min and 1 h. */
  refusedRetryMs?: number;
  maxRefusedRetryMs?: number;
  /** First retry delay of a failed catch-up read (doubled up to 5 min). Default 5 s. */
  catchUpRetryMs?: number;
}

export interface ChangeStreams {
  /** Opens streams for connectors that now have one or new mapped objects, closes those that no longer do. */
  refresh(): void;
  /** CRMs whose stream is open now (for tests and health). */
  open(): string[];
  /** The objects each open stream streams now (a refused channel is not among them). */
  streamed(): Record<string, string[]>;
  stop(): Promise<void>;
}

interface Runner {
  /** What the runner was started for: a change (new objects, a swapped connector) restarts it. */
  key: string;
  stream: unknown;
  isOpen(): boolean;
  streamed(): string[];
  stop(): Promise<void>;
}

export function startChangeStreams(getContext: () => ChangeApplierContext, opts: ChangeStreamOptions): ChangeStreams {
  const runners = new Map<string, Runner>();
  // Per CRM: the stop of the runner last replaced; the next one reads nothing before it has ended.
  const replaced = new Map<string, Promise<void>>();
  let stopped = false;

  const refresh = () => {
    if (stopped) return;
    const ctx = getContext();
    const wanted = new Map<string, string[]>();
    for (const t of pollTargets(ctx)) {
      if (!ctx.connectors.get(t.crm)?.changeStream || !(opts.enabled?.(t.crm) ?? true)) continue;
      wanted.set(t.crm, [...(wanted.get(t.crm) ?? []), t.objectType]);
    }
    for (const [crm, runner] of runners) {
      const types = wanted.get(crm);
      const stream = ctx.connectors.get(crm)?.changeStream;
      if (!types || runner.key !== runnerKey(ctx, crm, types) || runner.stream !== stream) {
        runners.delete(crm);
        const ended = runner.stop();
        replaced.set(crm, ended);
        void ended.then(() => { if (replaced.get(crm) === ended) replaced.delete(crm); });
      }
    }
    for (const [crm, types] of wanted) {
      if (!runners.has(crm)) runners.set(crm, runStream(getContext, crm, types, opts, replaced.get(crm)));
    }
  };
  refresh();
  const refreshMs = opts.refreshMs ?? 30_000;
  const timer = refreshMs > 0 ? setInterval(refresh, refreshMs) : undefined;
  timer?.unref();
  return {
    refresh,
    open: () => [...runners].filter(([, r]) => r.isOpen()).map(([crm]) => crm),
    streamed: () => Object.fromEntries([...runners].filter(([, r]) => r.isOpen()).map(([crm, r]) => [crm, r.streamed()])),
    async stop() {
      stopped = true;
      clearInterval(timer);
      const all = [...runners.values()];
      runners.clear();
      await Promise.all([...all.map((r) => r.stop()), ...replaced.values()]);
    },
  };
}

function runnerKey(ctx: ChangeApplierContext, crm: string, objectTypes: readonly string[]): string {
  return `${cursorConnectorId(ctx, crm)}|${[...objectTypes].sort().join(',')}`;
}

/** Keeps one CRM's stream open until stopped. */
function runStream(getContext: () => ChangeApplierContext, crm: string, objectTypes: string[], opts: ChangeStreamOptions, after?: Promise<void>): Runner {
  const initial = getContext();
  const connectorId = cursorConnectorId(initial, crm);
  const stream = initial.connectors.get(crm)?.changeStream;
  const log = opts.logger.child({ connector: connectorId, crm, objectTypes });
  const abort = new AbortController();
  let wakeUp: (() => void) | undefined;
  let open: OpenChangeStream | null = null;
  // After a position the CRM no longer retains: open from now until a batch stores a new position.
  let fromNow = false;
  // Objects whose channel the CRM refused: streamed without them until their channel is tried again.
  const refused = new Set<string>();
  const streamed = () => objectTypes.filter((t) => !refused.has(t));
  // Objects polled here because their channel is refused (the last object refused is retried with backoff instead of
  // left out, but polled all the same).
  const fallback = new Set<string>();
  // Refused channels being tried again by the current open, and the delay before the next try.
  let retrying: string[] = [];
  const firstRetryMs = opts.refusedRetryMs ?? 600_000;
  let retryMs = firstRetryMs;
  // When the refused channels are next tried: a time, so a stream that breaks and reopens meanwhile does not put it off.
  let nextRetryAt = 0;
  const reads = startObjectReads(getContext, { crm, connectorId, logger: log, ...(after ? { after } : {}), ...(opts.catchUpRetryMs !== undefined ? { retryMs: opts.catchUpRetryMs } : {}) });
  const pollFallback = () => { for (const t of fallback) void reads.poll(t); };
  const fallbackTimer = opts.fallbackPollMs ? setInterval(pollFallback, opts.fallbackPollMs) : undefined;
  fallbackTimer?.unref();

  const stopped = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakeUp = () => { clearTimeout(timer); resolve(); };
  });
  /** Resolves with 'retry' when the refused channels are due to be tried again (never while none is refused). */
  let cancelRetry = () => {};
  const retryDue = () => new Promise<'retry'>((resolve) => {
    if (refused.size === 0) return;
    const timer = setTimeout(() => resolve('retry'), Math.max(0, nextRetryAt - Date.now()));
    cancelRetry = () => clearTimeout(timer);
  });

  const loop = async () => {
    let failures = 0;
    while (!abort.signal.aborted && stream) {
      const { db } = getContext();
      let position: string | null = null;
      try {
        position = fromNow ? null : await storedStreamPosition(db, connectorId);
        let broken: (error: ConnectorError) => void = () => {};
        const broke = new Promise<ConnectorError>((resolve) => { broken = resolve; });
        open = await stream.open(streamed(), position, {
          onEvents: async (batch) => {
            const added = await getContext().db.transaction(async (tx) => {
              const n = await insertInboxEventsOf(tx, connectorId, crm, batch.events);
              await storeStreamPosition(tx, connectorId, batch.position);
              return n;
            });
            fromNow = false;
            if (added > 0) opts.onStored?.();
          },
          onError: (error) => broken(error),
          onCatchUp: async ({ objectType, since, reason }) => {
            // Stored before the batch that passes the notice stores its position: a crash cannot lose the request.
            await getContext().db.transaction((tx) => requestCatchUp(tx, connectorId, objectType, since));
            log.warn({ objectType, since: since.toISOString(), reason }, `the CRM announced changes of ${objectType} without naming the records (${reason}): reading its changes since ${since.toISOString()}`);
            reads.catchUp(objectType);
          },
        }, { signal: abort.signal, lane: 'sync' });
        failures = 0;
        accepted();
        log.info({ from: position === null ? 'now' : 'stored position', ...(refused.size ? { streamed: streamed(), refused: [...refused], retryInMs: retryMs } : {}) }, 'change stream open: CRM changes arrive as they are committed');
        const error = await Promise.race([broke, stopped.then(() => null), retryDue()]);
        cancelRetry();
        await open.close();
        open = null;
        if (error === 'retry') {
          retrying = [...refused];
          refused.clear();
          log.info({ retrying }, `trying the change stream of ${retrying.join(', ')} again: reopening from the stored position with every object`);
          continue;
        }
        if (error) throw error;
      } catch (err) {
        if (abort.signal.aborted) break;
        const error = asConnectorError(crm, err);
        const refusedType = error.code === 'CRM_VALIDATION' && error.details?.reason === 'channel-refused' ? error.details.objectType : undefined;
        if (typeof refusedType === 'string' && streamed().includes(refusedType)) noteRefused(refusedType, error);
        if (typeof refusedType === 'string' && streamed().includes(refusedType) && streamed().length > 1) {
          refused.add(refusedType);
          continue;
        }
        if (error.code === 'CRM_VALIDATION' && position !== null && error.details?.reason !== 'channel-refused') {
          log.warn({ err: error }, 'the CRM no longer retains the stored change stream position (the gateway was away longer than the CRM keeps changes): reopening from now; polling covers the changes in between');
          fromNow = true;
          continue;
        }
        failures++;
        const delay = Math.min(opts.maxBackoffMs ?? 300_000, (opts.backoffMs ?? 1000) * 2 ** Math.min(failures - 1, 20));
        log.warn({ err: error, retryInMs: delay }, `change stream closed: ${advice(error)}; reopening from the stored position, polling catches changes meanwhile`);
        await sleep(delay);
      }
    }
  };
  /** A channel refused: polled from now on; when it was being tried again, the next try is later. */
  const noteRefused = (objectType: string, error: ConnectorError) => {
    const again = retrying.includes(objectType);
    if (again) retryMs = Math.min(opts.maxRefusedRetryMs ?? 3_600_000, retryMs * 2);
    nextRetryAt = Date.now() + retryMs;
    const polled = opts.fallbackPollMs ? `it is polled every ${opts.fallbackPollMs / 1000} s` : 'its changes arrive by polling';
    const next = streamed().length > 1 ? `its channel is tried again in ${Math.round(retryMs / 60_000)} min` : 'the stream is tried again with backoff';
    log.warn({ err: error, objectType, retryInMs: retryMs },
      `the CRM ${again ? 'still refuses' : 'refused'} the change stream of ${objectType}: make sure Change Data Capture is enabled for it (Salesforce Setup → Change Data Capture); ${polled}, and ${next}`);
    if (!fallback.has(objectType)) {
      fallback.add(objectType);
      if (opts.fallbackPollMs) void reads.poll(objectType);
    }
  };
  /** An open succeeded: the objects it streams are no longer polled here; one last poll covers the switch-over. */
  const accepted = () => {
    const back = [...fallback].filter((t) => streamed().includes(t));
    for (const objectType of back) {
      fallback.delete(objectType);
      log.info({ objectType }, `the CRM accepted the change stream of ${objectType}: its changes arrive by stream again`);
      // Subscribed from now (a channel missing from the stored position): changes since its last poll are read once more.
      if (opts.fallbackPollMs) void reads.poll(objectType);
    }
    if (refused.size === 0) retryMs = firstRetryMs;
    retrying = [];
  };
  void reads.resume().catch((err: unknown) => log.warn({ err }, 'unfinished catch-up reads could not be listed; they resume at the next start'));
  const done = loop().catch((err: unknown) => log.error({ err }, 'change stream runner failed; CRM changes arrive by polling'));
  return {
    key: runnerKey(initial, crm, objectTypes),
    stream,
    isOpen: () => open !== null,
    streamed,
    async stop() {
      abort.abort();
      wakeUp?.();
      cancelRetry();
      clearInterval(fallbackTimer);
      await done;
      await reads.stop();
    },
  };
}

/** What a person can do about a stream that failed this way. */
function advice(error: ConnectorError): string {
  switch (error.code) {
    case 'CRM_AUTH_FAILED':
      return 'the CRM refused the credentials; re-authorise the connector on the admin UI\'s Connectors page';
    case 'CRM_VALIDATION':
      return 'the CRM refused the subscription; make sure Change Data Capture is enabled for the mapped objects (Salesforce Setup → Change Data Capture), or switch the stream off (CUSTOMER_GRAPH_SALESFORCE_CDC=off)';
    default:
      return 'the CRM could not be reached';
  }
}
