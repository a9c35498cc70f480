/**
 * The Streaming API endpoint `POST /cometd/{version}`: the subset of Bayeux (CometD) that faye's client speaks as
 * jsforce configures it (long-polling, no batching), with Salesforce's extensions: `Authorization: OAuth <token>`
 * checked on every message (failure: `401::Authentication invalid`, advice reconnect none, which jsforce's
 * AuthFailure extension reacts to), the `replay` subscribe extension, and Salesforce's error texts.
 *
 * Hand-written rather than faye's NodeAdapter: faye's server cannot hand one client the retained events it asks to
 * replay, answers an unknown client with 401 where Salesforce says 402, and rewrites advice on its own.
 */
import express from 'express';
import type { Request, Response, Router } from 'express';
import { randomBytes } from 'node:crypto';
import { isSupportedVersion } from '../versions.ts';
import type { ChangeEvent, ChangeEventLog } from './change-events.ts';
import { ALL_CHANGE_EVENTS_CHANNEL } from './change-events.ts';

type Message = Record<string, unknown> & { channel?: unknown; id?: unknown; clientId?: unknown };

export interface BayeuxSettings {
  /** How long `/meta/connect` is held when nothing is queued (Salesforce: 110 s). */
  connectHoldMs: number;
}

interface HeldConnect {
  /** Answers the held connect now, with whatever is queued. */
  release(): void;
  timer: NodeJS.Timeout | undefined;
}

interface StreamingClient {
  id: string;
  subscriptions: Set<string>;
  queue: Message[];
  held: HeldConnect | null;
  lastSeenAt: number;
  disconnected?: boolean;
}

const AUTH_INVALID = '401::Authentication invalid';
/** A client that has not come back this long after its last connect ended is dropped (Salesforce: 40 s). */
const CLIENT_IDLE_MS = 40_000;

export class BayeuxServer {
  private clients = new Map<string, StreamingClient>();

  constructor(
    private readonly log: ChangeEventLog,
    readonly settings: BayeuxSettings,
    private readonly isValidToken: (token: string | undefined) => boolean,
  ) {
    log.onPublish((events) => this.deliver(events));
  }

  /** Clients, their subscriptions, and how many of them have a connect waiting for events. */
  stats(): { clients: number; subscriptions: number; heldConnects: number } {
    this.sweep();
    let subscriptions = 0;
    let heldConnects = 0;
    for (const c of this.clients.values()) {
      subscriptions += c.subscriptions.size;
      if (c.held) heldConnects++;
    }
    return { clients: this.clients.size, subscriptions, heldConnects };
  }

  /** Forgets every client; held connects are answered `402::Unknown client`, so clients handshake again. */
  reset(): void {
    const clients = [...this.clients.values()];
    this.clients.clear();
    for (const c of clients) c.held?.release();
  }

  router(): Router {
    const r = express.Router();
    r.post('/:version', express.json({ type: () => true, limit: '1mb' }), (req, res) => this.handle(req, res));
    r.use((_req, res) => void res.status(404).json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]));
    return r;
  }

  private handle(req: Request, res: Response): void {
    if (!isSupportedVersion(String(req.params.version))) {
      return void res.status(404).json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    }
    this.sweep();
    const body: unknown = req.body;
    const messages = (Array.isArray(body) ? body : [body]).filter((m): m is Message => typeof m === 'object' && m !== null);
    if (messages.length === 0) return void res.status(400).json([{ successful: false, error: '400::Bad request' }]);
    const header = req.get('authorization');
    const token = header ? /^(?:OAuth|Bearer)\s+(.+)$/i.exec(header)?.[1]?.trim() : undefined;
    if (!this.isValidToken(token)) return void res.json(messages.map(authFailure));

    const replies: Message[] = [];
    let connect: { client: StreamingClient; message: Message } | undefined;
    for (const message of messages) {
      const client = typeof message.clientId === 'string' ? this.clients.get(message.clientId) : undefined;
      if (client) client.lastSeenAt = Date.now();
      switch (message.channel) {
        case '/meta/handshake': replies.push(this.handshake(message)); break;
        case '/meta/connect':
          if (client) connect = { client, message };
          else replies.push(unknownClient(message));
          break;
        case '/meta/subscribe': replies.push(client ? this.subscribe(client, message) : unknownClient(message)); break;
        case '/meta/unsubscribe': replies.push(client ? unsubscribe(client, message) : unknownClient(message)); break;
        case '/meta/disconnect': replies.push(client ? this.disconnect(client, message) : unknownClient(message)); break;
        default: replies.push(reply(message, { successful: false, error: '403::Publish denied' }));
      }
    }
    if (!connect) return void res.json(replies);
    this.hold(connect.client, connect.message, replies, res);
  }

  private handshake(message: Message): Message {
    const client: StreamingClient = { id: randomBytes(12).toString('base64url'), subscriptions: new Set(), queue: [], held: null, lastSeenAt: Date.now() };
    this.clients.set(client.id, client);
    return reply(message, {
      clientId: client.id, version: '1.0', successful: true, supportedConnectionTypes: ['long-polling'],
      advice: this.advice(), ext: { replay: true, 'payload.format': true },
    });
  }

  /**
   * Answers at once when events are queued, else holds until one arrives, the hold time ends, or the client goes
   * (disconnect, reset). A newer connect of the same client releases the older one.
   */
  private hold(client: StreamingClient, message: Message, replies: Message[], res: Response): void {
    client.held?.release();
    let answered = false;
    const release = () => {
      if (answered) return;
      answered = true;
      clearTimeout(held.timer);
      if (client.held === held) client.held = null;
      client.lastSeenAt = Date.now();
      const known = this.clients.get(client.id) === client;
      // After a disconnect the last connect ends quietly; after a reset the client must handshake again.
      const connectReply = known ? reply(message, { clientId: client.id, successful: true, advice: this.advice() })
        : client.disconnected ? reply(message, { clientId: client.id, successful: true, advice: { reconnect: 'none', interval: 0 } })
          : unknownClient(message);
      const events = known ? client.queue.splice(0) : [];
      res.json([...events, ...replies, connectReply]);
    };
    const held: HeldConnect = { release, timer: undefined };
    // faye asks for an immediate answer (advice timeout 0) when it batches the connect with other messages.
    const asked = (message.advice as { timeout?: unknown } | undefined)?.timeout;
    const holdMs = typeof asked === 'number' && asked >= 0 ? Math.min(asked, this.settings.connectHoldMs) : this.settings.connectHoldMs;
    if (client.queue.length > 0 || holdMs <= 0) return release();
    client.held = held;
    held.timer = setTimeout(release, holdMs);
    held.timer.unref();
    // The client went away (aborted, sandbox closing): nothing to answer.
    res.on('close', () => {
      if (answered) return;
      answered = true;
      clearTimeout(held.timer);
      if (client.held === held) client.held = null;
    });
  }

  private subscribe(client: StreamingClient, message: Message): Message {
    const channels = Array.isArray(message.subscription) ? message.subscription : [message.subscription];
    const ext = (message.ext as { replay?: Record<string, unknown> } | undefined)?.replay ?? {};
    for (const channel of channels) {
      if (typeof channel !== 'string' || !this.log.isKnownChannel(channel)) {
        return reply(message, { clientId: client.id, subscription: message.subscription, successful: false, error: `400::Unknown channel ${String(channel)}` });
      }
      const replayId = Number(ext[channel] ?? -1);
      if (replayId !== -1 && replayId !== -2 && !this.log.isRetained(channel, replayId)) {
        return reply(message, {
          clientId: client.id, subscription: message.subscription, successful: false,
          error: `400::The replayId {${String(ext[channel])}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
        });
      }
    }
    for (const channel of channels as string[]) {
      client.subscriptions.add(channel);
      const replayId = Number(ext[channel] ?? -1);
      if (replayId !== -1) client.queue.push(...this.log.replay(channel, replayId).map((e) => eventMessage(channel, client, e)));
    }
    // The backlog goes out on the connect the client already has waiting.
    if (client.queue.length > 0) setImmediate(() => client.held?.release());
    return reply(message, { clientId: client.id, subscription: message.subscription, successful: true, ext: { replay: ext } });
  }

  private disconnect(client: StreamingClient, message: Message): Message {
    this.clients.delete(client.id);
    client.disconnected = true;
    client.held?.release();
    return reply(message, { clientId: client.id, successful: true });
  }

  /** Queues new events for every client subscribed to their channel (or to all change events) and wakes it. */
  private deliver(events: ChangeEvent[]): void {
    for (const client of this.clients.values()) {
      for (const event of events) {
        for (const channel of [event.channel, ALL_CHANGE_EVENTS_CHANNEL]) {
          if (client.subscriptions.has(channel)) client.queue.push(eventMessage(channel, client, event));
        }
      }
      if (client.queue.length > 0) client.held?.release();
    }
  }

  private advice(): Record<string, unknown> {
    return { timeout: this.settings.connectHoldMs, interval: 0, reconnect: 'retry' };
  }

  /** Drops clients gone quiet without disconnecting (Salesforce forgets them after 40 s). */
  private sweep(): void {
    const cutoff = Date.now() - CLIENT_IDLE_MS;
    for (const [id, c] of this.clients) if (!c.held && c.lastSeenAt < cutoff) this.clients.delete(id);
  }
}

function unsubscribe(client: StreamingClient, message: Message): Message {
  const channels = Array.isArray(message.subscription) ? message.subscription : [message.subscription];
  for (const channel of channels) client.subscriptions.delete(String(channel));
  return reply(message, { clientId: client.id, subscription: message.subscription, successful: true });
}

function eventMessage(channel: string, client: StreamingClient, event: ChangeEvent): Message {
  return { channel, clientId: client.id, data: event.data };
}

function reply(message: Message, fields: Record<string, unknown>): Message {
  return { channel: message.channel, ...(message.id === undefined ? {} : { id: message.id }), ...fields };
}

function unknownClient(message: Message): Message {
  return reply(message, { successful: false, error: '402::Unknown client', advice: { reconnect: 'handshake', interval: 0 } });
}

function authFailure(message: Message): Message {
  return reply(message, {
    ...(typeof message.clientId === 'string' ? { clientId: message.clientId } : {}),
    successful: false, error: AUTH_INVALID, advice: { reconnect: 'none' }, ext: { sfdc: { failureReason: AUTH_INVALID } },
  });
}
