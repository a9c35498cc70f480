/**
 * Salesforce Change Data Capture over the Streaming API: the connector's `ChangeStream`. jsforce's streaming client
 * (faye, Bayeux long-polling at `{instance}/cometd/{version}`) with its Replay and AuthFailure extensions, one faye
 * client per channel (`/data/<Object>ChangeEvent`, custom `X__c` → `/data/X__ChangeEvent`): jsforce's Replay
 * extension writes its one channel's replay id into every /meta/subscribe of its client, so two channels cannot share
 * a client. Each change event becomes one `WebhookEvent` per record id (changeEvents); an overflow event (GAP_OVERFLOW,
 * no record ids) becomes a call of the optional `onCatchUp` handler: read the object's changes since its commit.
 *
 * Position: JSON of channel → the last replay id handed over, or, for a channel that has delivered nothing yet, the
 * time (ISO) the stream began listening to it. Replay ids exist only once an event came, so a quiet channel is
 * resumed with every retained event (-2, up to 72 h at Salesforce) less those committed before that time (with a
 * margin for clock skew, `SINCE_MARGIN_MS`): without the time, every restart would hand over days of old changes of
 * a quiet object, each read again from the CRM. A channel missing from a stored position (an object mapped since) is
 * listened to from now. Events are queued as faye delivers them and handed over in order, one `onEvents` at a time.
 *
 * The token comes from the runtime's TokenProvider, as for REST calls. When the Streaming API refuses it (AuthFailure:
 * 401 with reconnect "none" on /meta/handshake or /meta/connect) the token is refreshed once and the stream reopened
 * from what was received; a fresh token refused again marks the connector for re-authorisation (CRM_AUTH_FAILED).
 * faye retries a failed exchange by itself forever; here a transport failure closes the stream instead and reports
 * CRM_UNAVAILABLE, so the caller decides (it reopens from its stored position with backoff).
 */
import jsforce from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { CallOptions, ChangeStream, ChangeStreamHandlers, OpenChangeStream, WebhookEvent } from '../contract/connector.ts';
import { ConnectorError } from '../contract/errors.ts';
import { SALESFORCE_API_VERSION } from '../runtime/index.ts';
import type { ConnectorRuntime, StoredToken } from '../runtime/index.ts';
import { DEFAULT_OVERLAP_MS } from './changes.ts';
import { catchUpRequest, changeEvents } from './change-events.ts';
import { CRM } from './errors.ts';
import { objectName } from './soql.ts';

/** The CDC channel of an sObject: `Contact` → `/data/ContactChangeEvent`, `Invoice__c` → `/data/Invoice__ChangeEvent`. */
export function changeEventChannel(objectType: string): string {
  const name = objectName(objectType);
  return `/data/${name.endsWith('__c') ? `${name.slice(0, -3)}__` : name}ChangeEvent`;
}

export { catchUpRequest, changeEvents } from './change-events.ts';

/**
 * How much older than a quiet channel's listening time a replayed event may be and still be handed over: the CRM's
 * clock may be behind ours. Polling covers a change skewed further.
 */
export const SINCE_MARGIN_MS = 5 * 60_000;

/** Where each channel starts: the replay id to subscribe from, and for a quiet channel since when it was listened to. */
interface StartPoints {
  replay: Map<string, number>;
  /** Quiet channels: epoch ms since which the stream listened to them (events committed before, less the margin, are old). */
  since: Map<string, number>;
}

/** Where each channel starts from `position` (null: from now). */
function replayFrom(channels: readonly string[], position: string | null, now: number): StartPoints {
  const replay = new Map<string, number>();
  const since = new Map<string, number>();
  let stored: Record<string, unknown> | null = null;
  if (position !== null) {
    try {
      const parsed: unknown = JSON.parse(position);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) stored = parsed as Record<string, unknown>;
    } catch {
      // Not ours: treated like a position the CRM no longer retains.
    }
    if (!stored) throw new ConnectorError('CRM_VALIDATION', CRM, 'the change stream position is not one this connector wrote', { details: { reason: 'position-invalid' } });
  }
  for (const channel of channels) {
    const at = stored?.[channel];
    const quietSince = typeof at === 'string' ? Date.parse(at) : Number.NaN;
    if (typeof at === 'number' && Number.isInteger(at)) replay.set(channel, at);
    else if (!Number.isNaN(quietSince)) {
      replay.set(channel, -2);
      since.set(channel, quietSince);
    } else {
      replay.set(channel, -1);
      since.set(channel, now);
    }
  }
  return { replay, since };
}

/** Position entries: replay ids of channels that delivered, listening times of quiet ones. */
function positionOf(channels: readonly string[], handedOver: ReadonlyMap<string, number>, since: ReadonlyMap<string, number>): string {
  const entries: [string, number | string][] = [];
  for (const channel of channels) {
    const id = handedOver.get(channel);
    const at = since.get(channel);
    if (id !== undefined) entries.push([channel, id]);
    else if (at !== undefined) entries.push([channel, new Date(at).toISOString()]);
  }
  return JSON.stringify(Object.fromEntries(entries));
}

/** The parts of a faye client (jsforce ships faye without types) this file uses. */
interface FayeClient {
  subscribe(channel: string, listener: (data: unknown) => void): unknown;
  addExtension(extension: object): void;
  disconnect(): { then(ok: () => void, failed: () => void): unknown } | undefined;
  bind(event: 'transport:down', listener: () => void): void;
  _advice: { reconnect: string };
  _dispatcher: { _envelopes: Map<string, { timer?: ReturnType<typeof setTimeout> | null; request?: Promise<{ destroy?(): void } | undefined> | null }>; close(): void };
}

interface BayeuxMessage { channel?: string; successful?: boolean; error?: string; subscription?: string | string[] }

/**
 * Why a Bayeux reply was unsuccessful, as a ConnectorError. A refused channel (`400::Unknown channel …`: the object
 * is not selected for Change Data Capture, or does not exist) names the object (`details.objectType`) with
 * `reason: 'channel-refused'`, so the caller can stream the other objects without it.
 */
function bayeuxError(message: BayeuxMessage, channel: string, objectType: string | undefined): ConnectorError {
  const text = String(message.error ?? 'unsuccessful reply');
  if (/^401:/.test(text)) return new ConnectorError('CRM_AUTH_FAILED', CRM, `Streaming API refused the session: ${text}`, { status: 401, details: { channel } });
  if (/replayid/i.test(text)) {
    return new ConnectorError('CRM_VALIDATION', CRM, `the change stream position is no longer retained for ${channel}: ${text}`, { details: { channel, reason: 'position-expired' } });
  }
  if (/^4\d\d:/.test(text)) {
    return new ConnectorError('CRM_VALIDATION', CRM, `Streaming API refused ${channel} (is Change Data Capture on for ${objectType ?? 'the object'}?): ${text}`, {
      details: { channel, reason: 'channel-refused', ...(objectType ? { objectType } : {}) },
    });
  }
  return new ConnectorError('CRM_UNAVAILABLE', CRM, `Streaming API failed on ${channel}: ${text}`, { details: { channel } });
}

/** One open set of faye clients under one token. */
interface Session {
  /** Resolves once every channel is subscribed; rejects with the first failure. */
  subscribed: Promise<void>;
  close(): Promise<void>;
}

export interface SalesforceChangeStreamOptions {
  /** How long opening may take before it fails with CRM_UNAVAILABLE. Default 30 s. */
  openTimeoutMs?: number;
}

export class SalesforceChangeStream implements ChangeStream {
  constructor(
    private readonly rt: ConnectorRuntime,
    /** Used when the token does not name an instance (static tokens). */
    private readonly defaultInstanceUrl: string,
    private readonly options: SalesforceChangeStreamOptions = {},
  ) {}

  async open(objectTypes: string[], position: string | null, handlers: ChangeStreamHandlers, options: CallOptions = {}): Promise<OpenChangeStream> {
    const channels = [...new Set(objectTypes.map(changeEventChannel))];
    const objectOf = new Map(objectTypes.map((t) => [changeEventChannel(t), t]));
    if (channels.length === 0) throw new ConnectorError('CRM_VALIDATION', CRM, 'a change stream needs at least one object type');
    // What was received (queued or handed over), per channel: where an internal reopen starts.
    const { replay: received, since } = replayFrom(channels, position, Date.now());
    // What was handed over: the position batches carry.
    const handedOver = new Map([...received].filter(([, id]) => id >= 0));
    /** Replayed events of a quiet channel committed before it was listened to (less the margin) are old news. */
    const isNew = (channel: string, event: Pick<WebhookEvent, 'occurredAt'>) => {
      const from = since.get(channel);
      return from === undefined || Date.parse(event.occurredAt) >= from - SINCE_MARGIN_MS;
    };
    const queue: { channel: string; data: unknown }[] = [];
    let closed = false;
    let session: Session | null = null;
    let draining: Promise<void> = Promise.resolve();

    const drain = async (): Promise<void> => {
      while (!closed && queue.length) {
        const messages = queue.splice(0);
        const events: WebhookEvent[] = [];
        for (const m of messages) {
          // An overflow names no record: the caller reads the object since then. Asked (and awaited) before the batch
          // whose position passes the event, so a caller that stores the request first cannot lose it in a crash.
          const catchUp = catchUpRequest(m.data);
          if (catchUp && handlers.onCatchUp && isNew(m.channel, { occurredAt: new Date(catchUp.since.getTime() + DEFAULT_OVERLAP_MS).toISOString() })) {
            await handlers.onCatchUp(catchUp);
          }
          events.push(...changeEvents(m.channel, m.data).filter((e) => isNew(m.channel, e)));
        }
        for (const m of messages) {
          const id = Number((m.data as { event?: { replayId?: unknown } } | null)?.event?.replayId);
          if (Number.isInteger(id)) handedOver.set(m.channel, id);
        }
        await handlers.onEvents({ events, position: positionOf(channels, handedOver, since) });
      }
    };
    const deliver = (channel: string, data: unknown) => {
      if (closed) return;
      const id = Number((data as { event?: { replayId?: unknown } } | null)?.event?.replayId);
      if (Number.isInteger(id)) received.set(channel, id);
      queue.push({ channel, data });
      draining = draining.then(drain).catch((err: unknown) => fail(err instanceof ConnectorError ? err : new ConnectorError('CRM_UNAVAILABLE', CRM, `storing change events failed: ${(err as Error).message}`, { cause: err })));
    };
    const fail = (error: ConnectorError) => {
      if (closed) return;
      closed = true;
      void session?.close();
      handlers.onError(error);
    };
    const stream = { close: async () => {
      closed = true;
      await session?.close();
      await draining;
    } };

    // Opens under the current token (or, after `refused` was refused, a fresh one); a refusal while opening is
    // answered by one refresh and a new attempt. Failures after opening reach `fail`, auth failures a reconnect.
    const connect = async (refused: StoredToken | null): Promise<void> => {
      let token = refused ? await this.refreshAfterRefusal(refused, 1) : await this.token();
      for (let attempt = refused ? 2 : 1; ; attempt++) {
        let opened = false;
        const current: Session = this.session(token, channels, objectOf, received, deliver, (error) => {
          if (!opened || closed) return;
          if (error.code === 'CRM_AUTH_FAILED') void reconnect(current, token);
          else fail(error);
        });
        session = current;
        try {
          await withDeadline(current.subscribed, this.options.openTimeoutMs ?? 30_000, options.signal);
          opened = true;
          return;
        } catch (err) {
          await current.close();
          if (!(err instanceof ConnectorError) || err.code !== 'CRM_AUTH_FAILED' || closed) throw err;
          token = await this.refreshAfterRefusal(token, attempt, err);
        }
      }
    };
    const reconnect = async (broken: Session, refused: StoredToken | null) => {
      await broken.close();
      if (closed || session !== broken) return;
      try {
        await connect(refused);
      } catch (err) {
        fail(err instanceof ConnectorError ? err : new ConnectorError('CRM_UNAVAILABLE', CRM, `reopening the change stream failed: ${(err as Error).message}`, { cause: err }));
      }
    };
    try {
      await connect(null);
    } catch (err) {
      // A channel subscribed before another failed may have delivered: nothing is handed over from a failed open.
      closed = true;
      await draining;
      throw err;
    }
    // A reopen after a break (a refused session) must not start a quiet channel "from now": a change made while the
    // stream was down would be missed. It replays what is retained instead, less what came before listening began.
    for (const [channel, id] of received) if (id === -1 && since.has(channel)) received.set(channel, -2);
    return stream;
  }

  private async token(): Promise<StoredToken | null> {
    return this.rt.auth ? this.rt.auth.getToken() : null;
  }

  /** First refusal: drop the token and get a fresh one (shared with REST callers). Again: re-authorisation needed. */
  private async refreshAfterRefusal(token: StoredToken | null, attempt: number, err?: ConnectorError): Promise<StoredToken | null> {
    const refusal = err ?? new ConnectorError('CRM_AUTH_FAILED', CRM, 'the Streaming API refused the session', { status: 401 });
    if (!this.rt.auth || !token) throw refusal;
    if (attempt > 1) {
      await this.rt.auth.reportRejected(token.accessToken, 'the Streaming API refused a freshly issued token');
      throw refusal;
    }
    this.rt.auth.invalidate(token.accessToken);
    return this.rt.auth.getToken();
  }

  /** One faye client per channel under `token`, subscribed from `replay`; failures after subscribing go to `onBroken`. */
  private session(token: StoredToken | null, channels: readonly string[], objectOf: ReadonlyMap<string, string>, replay: ReadonlyMap<string, number>,
    deliver: (channel: string, data: unknown) => void, onBroken: (error: ConnectorError) => void): Session {
    const instanceUrl = (token?.instanceUrl ?? this.defaultInstanceUrl).replace(/\/+$/, '');
    const conn = new jsforce.Connection({ instanceUrl, accessToken: token?.accessToken ?? '', version: SALESFORCE_API_VERSION });
    const clients: FayeClient[] = [];
    let settled = false;
    let ended = false;
    const subscribed = Promise.all(channels.map((channel) => new Promise<void>((resolve, reject) => {
      const failed = (error: ConnectorError) => {
        if (ended) return;
        if (!settled) reject(error);
        else onBroken(error);
      };
      // Called instead of faye's handling of a /meta/handshake or /meta/connect reply advising reconnect "none".
      const authFailure = new StreamingExtension.AuthFailure((message: BayeuxMessage) => failed(
        new ConnectorError('CRM_AUTH_FAILED', CRM, `the Streaming API refused the session: ${message.error ?? 'authentication invalid'}`, { status: 401, details: { channel } })));
      // Watches subscribe replies: the first settles the open; a failed one later (faye subscribes again by itself
      // after a new handshake, from the last replay id received) means the stream is broken.
      const watcher = {
        incoming: (message: BayeuxMessage, callback: (m: BayeuxMessage) => void) => {
          if (message.channel === '/meta/subscribe' && [message.subscription].flat().includes(channel)) {
            if (message.successful) resolve();
            else failed(bayeuxError(message, channel, objectOf.get(channel)));
          }
          callback(message);
        },
      };
      const client = conn.streaming.createClient([authFailure, new StreamingExtension.Replay(channel, replay.get(channel) ?? -1), watcher]) as unknown as FayeClient;
      client.bind('transport:down', () => failed(new ConnectorError('CRM_UNAVAILABLE', CRM, `the Streaming API at ${instanceUrl} did not answer`, { details: { channel } })));
      clients.push(client);
      client.subscribe(channel, (data) => {
        if (!ended) deliver(channel, data);
      });
    }))).then(() => {
      settled = true;
    });
    subscribed.catch(() => undefined);
    return {
      subscribed,
      close: async () => {
        if (ended) return;
        ended = true;
        await Promise.all(clients.map(shutDown));
      },
    };
  }
}

/**
 * Ends a faye client at once. faye's own disconnect sends /meta/disconnect but leaves the long-poll in flight (its
 * Node transport cannot abort a request) and keeps retry timers: the open /meta/connect would hold the process and a
 * socket for up to the server's hold time (110 s at Salesforce). So: no more reconnects, every pending exchange
 * aborted, then a best-effort /meta/disconnect so the server forgets the client.
 */
async function shutDown(client: FayeClient): Promise<void> {
  client._advice.reconnect = 'none';
  abortPending(client);
  const bye = client.disconnect();
  if (bye) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      bye.then(() => { clearTimeout(timer); resolve(); }, () => { clearTimeout(timer); resolve(); });
    });
  }
  abortPending(client);
  client._dispatcher.close();
}

function abortPending(client: FayeClient): void {
  const envelopes = client._dispatcher._envelopes;
  const pending = [...envelopes.values()];
  // Forgotten first: the aborted request's error finds no envelope and schedules no retry.
  envelopes.clear();
  for (const envelope of pending) {
    if (envelope.timer) clearTimeout(envelope.timer);
    void envelope.request?.then((req) => req?.destroy?.());
  }
}

function withDeadline(promise: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ConnectorError('CRM_UNAVAILABLE', CRM, `the Streaming API did not confirm the subscription within ${ms} ms`)), ms);
    const aborted = () => reject(new ConnectorError('CRM_UNAVAILABLE', CRM, 'opening the change stream was aborted'));
    if (signal?.aborted) aborted();
    signal?.addEventListener('abort', aborted, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
    });
  });
}
