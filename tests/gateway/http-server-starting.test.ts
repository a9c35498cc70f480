/** Before the gateway is ready (a start can link CRMs for minutes) its health check and metrics say it is starting. */
import { describe, expect, it } from 'vitest';
import { listenGateway } from '../../gateway/http-server.ts';
import { createLogger } from '../../lib/logger.ts';

describe('gateway HTTP server while starting', () => {
  it('answers 503 on /healthz and /metrics with why', async () => {
    const server = await listenGateway({ port: 0, host: '127.0.0.1', logger: createLogger('test', 'silent') });
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'starting' });
      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.status).toBe(503);
      expect(await metrics.text()).toContain('starting');
    } finally {
      await server.close();
    }
  });
});
