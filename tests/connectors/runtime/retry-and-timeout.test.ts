import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { RateBudget, backoffDelayMs, crmFetch, retryDelayMs, withRetry, withTimeout } from '../../../connectors/runtime/index.ts';
import { sendJson, startServer } from './local-server.ts';
import type { LocalServer } from './local-server.ts';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const policy = { baseDelayMs: 100, maxDelayMs: 1000 };

describe('full-jitter backoff', () => {
  it('draws each delay from [0, min(cap, base·2^(n-1))]', () => {
    for (let retry = 1; retry <= 8; retry++) {
      const ceiling = Math.min(1000, 100 * 2 ** (retry - 1));
      expect(backoffDelayMs(retry, policy, () => 0)).toBe(0);
      expect(backoffDelayMs(retry, policy, () => 0.999999)).toBe(ceiling - 1);
      const samples = Array.from({ length: 2000 }, () => backoffDelayMs(retry, policy));
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...samples)).toBeLessThan(ceiling);
      // Full jitter, not "equal jitter": the lower half of the range is used as much as the upper half.
      const low = samples.filter((s) => s < ceiling / 2).length / samples.length;
      expect(low).toBeGreaterThan(0.4);
      expect(low).toBeLessThan(0.6);
    }
  });

  it('never waits less than Retry-After', () => {
    const limited = new ConnectorError('CRM_RATE_LIMITED', 'hubspot', 'slow down', { retryAfterMs: 5000 });
    for (let i = 0; i < 200; i++) expect(retryDelayMs(limited, 1, policy)).toBeGreaterThanOrEqual(5000);
    expect(retryDelayMs(limited, 1, policy, () => 0)).toBe(5000);
  });

  it('retries only retryable errors, up to maxAttempts', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new ConnectorError('CRM_VALIDATION', 'hubspot', 'bad email');
    }, { policy: { maxAttempts: 5, baseDelayMs: 1 } })).rejects.toMatchObject({ code: 'CRM_VALIDATION' });
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new ConnectorError('CRM_UNAVAILABLE', 'hubspot', 'down');
    }, { policy: { maxAttempts: 3, baseDelayMs: 1 } })).rejects.toMatchObject({ code: 'CRM_UNAVAILABLE' });
    expect(calls).toBe(3);
  });

  it('gives up at once when Retry-After lies beyond the elapsed-time limit', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(withRetry(async () => {
      calls++;
      throw new ConnectorError('CRM_RATE_LIMITED', 'hubspot', 'daily', { retryAfterMs: 60_000 });
    }, { policy: { maxAttempts: 5, maxElapsedMs: 10_000 } })).rejects.toMatchObject({ code: 'CRM_RATE_LIMITED' });
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('timeouts', () => {
  it('a CRM that never answers gives CRM_TIMEOUT naming the CRM, on time', async () => {
    const server = await startServer(() => { /* never answers */ });
    servers.push(server);
    const ctx = { crm: 'salesforce', budget: new RateBudget({ crm: 'salesforce', accountId: 'org-t' }), baseUrl: server.url, timeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 10 } };
    const started = Date.now();
    const err = (await crmFetch(ctx, 'interactive', { path: '/slow' }).catch((e: unknown) => e)) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'CRM_TIMEOUT', crm: 'salesforce', retryable: true });
    expect(err.message).toMatch(/salesforce/);
    expect(server.requests).toHaveLength(2); // timed out twice: retried once
    expect(Date.now() - started).toBeLessThan(2000);
    // The slots were given back.
    expect(ctx.budget.state().concurrency.inFlight).toBe(0);
  });

  it('withTimeout aborts the signal handed to the call', async () => {
    let aborted = false;
    await expect(withTimeout('hubspot', 50, (signal) => new Promise((_, reject) => {
      signal.addEventListener('abort', () => { aborted = true; reject(new Error('aborted')); });
    }))).rejects.toMatchObject({ code: 'CRM_TIMEOUT', crm: 'hubspot' });
    expect(aborted).toBe(true);
  });

  it('a caller abort passes through unchanged and is not retried', async () => {
    const server = await startServer(() => { /* never answers */ });
    servers.push(server);
    const ctx = { crm: 'hubspot', budget: new RateBudget({ crm: 'hubspot', accountId: 'p-abort' }), baseUrl: server.url };
    const controller = new AbortController();
    const settled = expect(crmFetch(ctx, 'interactive', { path: '/x', signal: controller.signal })).rejects.toThrow('caller gave up');
    // Abort once the request has reached the server (a fixed delay raced the request on a loaded machine).
    for (const until = Date.now() + 10_000; server.requests.length === 0 && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error('caller gave up'));
    await settled;
    // Give a (wrong) retry time to arrive before counting.
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 503 and succeeds', async () => {
    let n = 0;
    const server = await startServer((_req, res) => (++n < 3 ? sendJson(res, 503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }]) : sendJson(res, 200, { ok: 1 })));
    servers.push(server);
    const ctx = { crm: 'salesforce', budget: new RateBudget({ crm: 'salesforce', accountId: 'org-r' }), baseUrl: server.url, retry: { baseDelayMs: 10 } };
    const response = await crmFetch<{ ok: number }>(ctx, 'sync', { path: '/x' });
    expect(response.body.ok).toBe(1);
    expect(server.requests).toHaveLength(3);
  });
});
