/** A loopback notify_url for the Notifications tests: records every POST, answers the next of `statuses` (then 200). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, vi } from 'vitest';
import type { RunningZohoSandbox } from '../../../sandboxes/zoho/index.ts';

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

const receivers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((s) => new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  })));
});

/** `delayMs`: how long the receiver holds each answer (a slow notify_url). */
export async function startReceiver(statuses: number[] = [], delayMs = 0) {
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
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/zoho-1`, received };
}

/** Every delivery, first attempts and retries, has ended. */
export const drained = (sandbox: RunningZohoSandbox) =>
  vi.waitFor(() => expect(sandbox.notifications.delivery.pending()).toBe(0), { timeout: 10_000, interval: 10 });

/** An ISO time `ms` from now in the org offset style the API takes (any offset works; UTC here). */
export const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
