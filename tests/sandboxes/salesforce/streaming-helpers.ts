/** Drives the sandbox's Streaming API with jsforce's own faye client, as the connector does. */
import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';

/** The part of faye's client (untyped in jsforce) these tests use. */
export interface StreamClient {
  subscribe(channel: string, listener: (message: CdcMessage) => void): PromiseLike<unknown> & { cancel(): void };
  disconnect(): unknown;
}

export interface ChangeEventHeader {
  entityName: string;
  recordIds: string[];
  changeType: string;
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  nulledFields: string[];
  diffFields: string[];
  changedFields: string[];
}

export interface CdcMessage {
  schema: string;
  payload: { ChangeEventHeader: ChangeEventHeader } & Record<string, unknown>;
  event: { replayId: number };
}

/** Opens clients and closes every one of them in `closeAll` (call it in afterEach). */
export class StreamClients {
  private open: StreamClient[] = [];

  create(conn: Connection, channel: string, replayId: number | null, onAuthFailure: (message: unknown) => void = () => {}): StreamClient {
    const client = conn.streaming.createClient([
      new StreamingExtension.Replay(channel, replayId), new StreamingExtension.AuthFailure(onAuthFailure),
    ]) as unknown as StreamClient;
    this.open.push(client);
    return client;
  }

  /** Subscribes and collects what arrives; `until(n)` waits for n messages. */
  async collect(conn: Connection, channel: string, replayId: number | null = -1): Promise<Collector> {
    const client = this.create(conn, channel, replayId);
    const collector = new Collector();
    await client.subscribe(channel, (m) => collector.push(m));
    return collector;
  }

  async closeAll(): Promise<void> {
    const clients = this.open.splice(0);
    // A client whose token was refused cannot disconnect cleanly; that is expected here.
    await Promise.allSettled(clients.map((c) => Promise.resolve(c.disconnect())));
  }
}

export class Collector {
  readonly got: CdcMessage[] = [];
  private wake: () => void = () => {};

  push(message: CdcMessage): void {
    this.got.push(message);
    this.wake();
  }

  async until(n: number, timeoutMs = 5000): Promise<CdcMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.got.length < n) {
      if (Date.now() > deadline) throw new Error(`received ${this.got.length} of ${n} change events`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.got;
  }

  headers(): ChangeEventHeader[] {
    return this.got.map((m) => m.payload.ChangeEventHeader);
  }
}

export interface StreamingState {
  enabled: boolean;
  clients: number;
  subscriptions: number;
  heldConnects: number;
  retained: number;
  lastReplayId: number;
  connectHoldMs: number;
  retention: number;
}

export async function streamingState(sb: SalesforceSandbox): Promise<StreamingState> {
  return (await (await fetch(`${sb.url}/_sandbox/salesforce/streaming`)).json()) as StreamingState;
}

export async function sandboxPost(sb: SalesforceSandbox, path: string, body: unknown = {}, method = 'POST'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sb.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates one record through jsforce's REST client and answers its id (its write publishes a change event). */
export async function createRecord(conn: Connection, type: string, fields: Record<string, unknown>): Promise<string> {
  const res = await conn.sobject(type).create(fields);
  if (!res.success) throw new Error(`the ${type} create failed`);
  return res.id;
}
