/** Set-up shared by the Zoho connector's own tests: sandboxes closed after each test, connectors, a body-recording proxy. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { ChangeBatch, ChangeCursor, ChangeOptions, Connector } from '../../../connectors/contract/index.ts';
import type { ZohoConnector } from '../../../connectors/zoho/index.ts';
import type { RunningZohoSandbox, ZohoSandboxOptions, ZohoSeed } from '../../../sandboxes/zoho/index.ts';
import type { HarnessConnectOptions } from '../contract-suite/index.ts';
import { connectZoho, startZoho } from './harness.ts';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

let sequence = 0;

export async function start(seed: ZohoSeed = {}, options: Partial<ZohoSandboxOptions> = {}): Promise<RunningZohoSandbox> {
  const sandbox = await startZoho(seed, options);
  open.push(sandbox);
  return sandbox;
}

export function connect(sandbox: { url: string; close(): Promise<void> }, options: Partial<Parameters<typeof connectZoho>[1]> = {}): ZohoConnector {
  return connectZoho(sandbox, { connectorId: `zoho-own-${process.pid}-${++sequence}-${Date.now()}`, ...options } as HarnessConnectOptions);
}

/** Every batch from `cursor`, cursors round-tripped through JSON as the sync layer stores them. */
export async function readAll(connector: Connector, objectType: string, cursor: ChangeCursor | null, options: ChangeOptions = {}) {
  const batches: ChangeBatch[] = [];
  for await (const batch of connector.readChanges(objectType, cursor, { overlapMs: 0, ...options })) {
    batches.push({ ...batch, cursor: JSON.parse(JSON.stringify(batch.cursor)) as ChangeCursor });
  }
  return {
    batches,
    records: batches.flatMap((b) => b.records),
    deletions: batches.flatMap((b) => b.deletions),
    cursor: batches.at(-1)?.cursor ?? cursor,
  };
}

/** A whole second an hour ago, in UTC without milliseconds (what the connector reports). */
export const HOUR_AGO = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString().replace('.000Z', 'Z');
export const plusSeconds = (iso: string, s: number): string => new Date(Date.parse(iso) + s * 1000).toISOString().replace('.000Z', 'Z');

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** Forwards every request to `target` and keeps it (method, URL, headers, body, answer status). */
export async function startBodyProxy(target: string): Promise<{ url: string; requests: SeenRequest[]; close(): Promise<void> }> {
  const requests: SeenRequest[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
        requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: body.toString('utf8'), status: answer.statusCode ?? 0 });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  open.push(proxy);
  return proxy;
}

/** Loads records as if imported (a known id replaces its record), timestamps kept. */
export async function seedMore(sandbox: { url: string }, seed: ZohoSeed): Promise<void> {
  const response = await fetch(`${sandbox.url}/_sandbox/zoho/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
  if (!response.ok) throw new Error(`seed answered ${response.status}: ${await response.text()}`);
}
