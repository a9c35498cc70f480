/**
 * Real HTTP servers on free ports that sit where a CRM would: a recording proxy in front of a sandbox (to see
 * exactly when the connector sent each request and when each 429 came back, whatever client library the
 * connector uses) and a garbage server that answers every path with HTML or broken JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  method: string;
  path: string;
  /** When the request reached the proxy (≈ when the connector sent it). */
  sentAt: number;
  status: number;
  /** When the answer was fully written back to the connector. */
  answeredAt: number;
  /** From the answer's Retry-After (seconds), in ms. */
  retryAfterMs?: number;
}

export interface RecordingProxy {
  url: string;
  calls: ProxiedCall[];
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: http.Server): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Forwards every request to `target` unchanged and records its timing. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const calls: ProxiedCall[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const sentAt = Date.now();
    const headers = { ...req.headers, host: upstream.host };
    const forward = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          const retryAfter = answer.headers['retry-after'];
          calls.push({
            method: req.method ?? 'GET', path: req.url ?? '/', sentAt, status: answer.statusCode ?? 0, answeredAt: Date.now(),
            ...(retryAfter !== undefined ? { retryAfterMs: Number(retryAfter) * 1000 } : {}),
          });
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return { url: await listen(server), calls, close: closer(server) };
}

export type GarbageKind = 'html-200' | 'html-502' | 'truncated-json' | 'cut-connection';

export const GARBAGE_KINDS: GarbageKind[] = ['html-200', 'html-502', 'truncated-json', 'cut-connection'];

/** Answers every path (API and token endpoint alike) with the given kind of garbage. */
export async function startGarbageServer(kind: GarbageKind): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      switch (kind) {
        case 'html-200':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<!DOCTYPE html><html><body><h1>Scheduled maintenance</h1></body></html>');
        case 'html-502':
          res.writeHead(502, { 'content-type': 'text/html' });
          return res.end('<html><body>502 Bad Gateway</body></html>');
        case 'truncated-json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"results":[{"id":"1","properties":{"email":"ada@exa');
        case 'cut-connection':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
          res.write('{"results":[');
          setTimeout(() => res.destroy(), 5);
          return;
      }
    });
  });
  const url = await listen(server);
  return { url, get requests() { return state.requests; }, close: closer(server) };
}

/** A URL on which nothing listens: a port we bound and released. */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  const url = await listen(server);
  await closer(server)();
  return url;
}
