/**
 * A local HTTP receiver for webhook tests: records each delivery exactly as it arrived (headers, raw bytes), so a
 * connector's `verify` and `parse` can be run on what a sandbox really sent. Loopback only; `close` goes in the
 * test's cleanup.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../connectors/contract/index.ts';

export interface WebhookReceiver {
  url: string;
  deliveries: WebhookRequest[];
  close(): Promise<void>;
}

/** Answers every delivery with `status` (default 200) after recording it; `path` is the URL path it listens under. */
export async function startWebhookReceiver(path: string, status = 200): Promise<WebhookReceiver> {
  const deliveries: WebhookRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ method: req.method ?? 'POST', url: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    deliveries,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
