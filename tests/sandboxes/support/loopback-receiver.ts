/**
 * A loopback webhook receiver for the sandboxes' push tests (Pipedrive's webhooks, Zoho's notifications, Dataverse
 * webhooks): it records every POST with its headers and JSON body, and answers with the next status of `statuses`
 * (then 200), each answer held `delayMs` (a slow receiver). Receivers started in a test are closed after it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface Received {
  /** When the body had arrived (epoch ms). */
  at: number;
  headers: http.IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface ReceiverOptions {
  /** Statuses answered in turn, then 200. */
  statuses?: number[];
  /** How long each answer is held. */
  delayMs?: number;
  /** The path of the URL handed out (any path is received). */
  path?: string;
}

const receivers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((s) => new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  })));
});

export async function startLoopbackReceiver(options: ReceiverOptions = {}): Promise<{ url: string; received: Received[] }> {
  const statuses = [...(options.statuses ?? [])];
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const status = statuses.shift() ?? 200;
      setTimeout(() => {
        res.statusCode = status;
        res.end('ok');
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.path ?? '/hooks'}`, received };
}
