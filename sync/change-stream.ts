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
 * stored position with the other objects, with a warning naming it; its changes arrive by polling until the stream
 * is restarted (an object mapped or unmapped, a connector swapped, a restart), when it is tried again.
 */
import { asConnectorError } from '../connectors/contract/index.ts';
import type { ConnectorError, OpenChangeStream } from '../connectors/contract/index.ts';
import type { Tx } from '../db/link-store.ts';
import { readCursor, writeCursor } from '../db/sync-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { ChangeApplierContext } from './change-applier.ts';
import { cursorConnectorId, pollTargets } from './poller.ts';
import { insertInboxEventsOf } from './webhook-receiver.ts';

/** The `sync_cursors.object_type` a connector's stream position is stored under (no CRM object has this name). */
export const CHANGE_STREAM_CURSOR = 'change-stream';

/** The stored position of a connector's stream, or null. Kept as `{ position }`: the JSON column would parse a bare string. */
export async function storedStreamPosition(tx: Tx, connectorId: string): Promise<string | null> {
  const stored = await readCursor(tx, connectorId, CHANGE_STREAM_CURSOR);
  const position = (stored as { position?: unknown } | null)?.position;
  return typeof position === 'string' ? position : null;
}

export async function storeStreamPosition(tx: Tx, connectorId: string, position: string): Promise<void> {
  await writeCursor(tx, connectorId, CHANGE_STREAM_CURSOR, { position });
}

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
}

export interface ChangeStreams {
  /** Opens streams for connectors that now have one or new mapped objects, closes those that no longer do. */
  refresh(): void;
  /** CRMs whose stream is open now (for tests and health). */
  open(): string[];
  stop(): Promise<void>;
}

interface Runner {
  /** What the runner was started for: a change (new objects, a swapped connector) restarts it. */
  key: string;
  stream: unknown;
  isOpen(): boolean;
  stop(): Promise<void>;
}

export function startChangeStreams(getContext: () => ChangeApplierContext, opts: ChangeStreamOptions): ChangeStreams {
  const runners = new Map<string, Runner>();
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
        void runner.stop();
      }
    }
    for (const [crm, types] of wanted) {
      if (!runners.has(crm)) runners.set(crm, runStream(getContext, crm, types, opts));
    }
  };
  refresh();
  const refreshMs = opts.refreshMs ?? 30_000;
  const timer = refreshMs > 0 ? setInterval(refresh, refreshMs) : undefined;
  timer?.unref();
  return {
    refresh,
    open: () => [...runners].filter(([, r]) => r.isOpen()).map(([crm]) => crm),
    async stop() {
      stopped = true;
      clearInterval(timer);
      const all = [...runners.values()];
      runners.clear();
      await Promise.all(all.map((r) => r.stop()));
    },
  };
}

function runnerKey(ctx: ChangeApplierContext, crm: string, objectTypes: readonly string[]): string {
  return `${cursorConnectorId(ctx, crm)}|${[...objectTypes].sort().join(',')}`;
}

/** Keeps one CRM's stream open until stopped. */
function runStream(getContext: () => ChangeApplierContext, crm: string, objectTypes: string[], opts: ChangeStreamOptions): Runner {
  const initial = getContext();
  const connectorId = cursorConnectorId(initial, crm);
  const stream = initial.connectors.get(crm)?.changeStream;
  const log = opts.logger.child({ connector: connectorId, crm, objectTypes });
  const abort = new AbortController();
  let wakeUp: (() => void) | undefined;
  let open: OpenChangeStream | null = null;
  // After a position the CRM no longer retains: open from now until a batch stores a new position.
  let fromNow = false;
  // Objects whose channel the CRM refused: streamed without them (they are polled) until the runner restarts.
  const refused = new Set<string>();
  const streamed = () => objectTypes.filter((t) => !refused.has(t));

  const stopped = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakeUp = () => { clearTimeout(timer); resolve(); };
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
        }, { signal: abort.signal, lane: 'sync' });
        failures = 0;
        log.info({ from: position === null ? 'now' : 'stored position', ...(refused.size ? { streamed: streamed(), refused: [...refused] } : {}) }, 'change stream open: CRM changes arrive as they are committed');
        const error = await Promise.race([broke, stopped.then(() => null)]);
        await open.close();
        open = null;
        if (error) throw error;
      } catch (err) {
        if (abort.signal.aborted) break;
        const error = asConnectorError(crm, err);
        const refusedType = error.code === 'CRM_VALIDATION' && error.details?.reason === 'channel-refused' ? error.details.objectType : undefined;
        if (typeof refusedType === 'string' && streamed().includes(refusedType) && streamed().length > 1) {
          refused.add(refusedType);
          log.warn({ err: error, refused: [...refused] }, `the CRM refused the change stream of ${refusedType}: make sure Change Data Capture is enabled for it (Salesforce Setup → Change Data Capture); the other objects stream without it, its changes arrive by polling, and it is tried again when the stream restarts`);
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
  const done = loop().catch((err: unknown) => log.error({ err }, 'change stream runner failed; CRM changes arrive by polling'));
  return {
    key: runnerKey(initial, crm, objectTypes),
    stream,
    isOpen: () => open !== null,
    async stop() {
      abort.abort();
      wakeUp?.();
      await done;
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
