import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { RateBudget, crmFetch, runCall } from '../../../connectors/runtime/index.ts';
import type { HttpContext } from '../../../connectors/runtime/index.ts';
import { sendJson, startServer } from './local-server.ts';
import type { LocalServer } from './local-server.ts';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function failure(ctx: HttpContext, path: string): Promise<ConnectorError> {
  const err = await crmFetch(ctx, 'interactive', { path }).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

describe('a CRM answering garbage', () => {
  it('HTML, truncated JSON and non-JSON bodies give CRM_UNAVAILABLE with the CRM name, never a crash', async () => {
    const server = await startServer((req, res) => {
      if (req.path === '/html-200') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!DOCTYPE html><html><body>Maintenance</body></html>');
      }
      if (req.path === '/html-502') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><body>Bad Gateway</body></html>');
      }
      if (req.path === '/truncated') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"results":[{"id":"1","properties":{"email":"a@b');
      }
      if (req.path === '/cut') {
        // Announces more bytes than it sends, then drops the connection.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"records":[');
        return setTimeout(() => res.destroy(), 10);
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    });
    servers.push(server);
    const ctx: HttpContext = { crm: 'hubspot', budget: new RateBudget({ crm: 'hubspot', accountId: 'p-g' }), baseUrl: server.url, retry: { maxAttempts: 2, baseDelayMs: 5 } };
    for (const path of ['/html-200', '/html-502', '/truncated', '/cut', '/plain']) {
      const err = await failure(ctx, path);
      expect(err.code, path).toBe('CRM_UNAVAILABLE');
      expect(err.crm).toBe('hubspot');
      expect(err.message, path).toMatch(/^hubspot: /);
    }
    expect((await failure(ctx, '/html-200')).message).toMatch(/HTML/);
    expect((await failure(ctx, '/truncated')).message).toMatch(/truncated or invalid JSON/);
  });

  it('a CRM that is down (connection refused) gives CRM_UNAVAILABLE', async () => {
    const server = await startServer(() => {});
    const url = server.url;
    await server.close();
    const ctx: HttpContext = { crm: 'salesforce', budget: new RateBudget({ crm: 'salesforce', accountId: 'o-d' }), baseUrl: url, retry: { maxAttempts: 2, baseDelayMs: 5 } };
    const err = await failure(ctx, '/x');
    expect(err).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'salesforce', retryable: true });
    expect(err.message).toMatch(/salesforce: could not be reached/);
  });
});

describe('status mapping', () => {
  it('maps native error answers to codes, keeping the native code', async () => {
    const server = await startServer((req, res) => {
      const status = Number(req.path.slice(1));
      if (status === 400) return sendJson(res, 400, [{ message: 'Email: invalid email address: x', errorCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] }]);
      if (status === 409) return sendJson(res, 409, { status: 'error', message: 'Contact already exists. Existing ID: 123', category: 'CONFLICT' });
      if (status === 404) return sendJson(res, 404, { status: 'error', message: 'Object not found.', category: 'OBJECT_NOT_FOUND' });
      return sendJson(res, status, {});
    });
    servers.push(server);
    const ctx: HttpContext = { crm: 'hubspot', budget: new RateBudget({ crm: 'hubspot', accountId: 'p-s' }), baseUrl: server.url, retry: { maxAttempts: 1 } };
    expect(await failure(ctx, '/400')).toMatchObject({ code: 'CRM_VALIDATION', status: 400, details: { nativeCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] } });
    expect(await failure(ctx, '/409')).toMatchObject({ code: 'CRM_CONFLICT', details: { nativeCode: 'CONFLICT' } });
    expect(await failure(ctx, '/404')).toMatchObject({ code: 'CRM_NOT_FOUND' });
    expect(await failure(ctx, '/500')).toMatchObject({ code: 'CRM_UNAVAILABLE', retryable: true });
  });

  it('a connector classifier refines the mapping (Salesforce 403 REQUEST_LIMIT_EXCEEDED spends the daily budget)', async () => {
    const server = await startServer((_req, res) => sendJson(res, 403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]));
    servers.push(server);
    const budget = new RateBudget({ crm: 'salesforce', accountId: 'o-l' });
    const ctx: HttpContext = {
      crm: 'salesforce', budget, baseUrl: server.url,
      classifyResponse: (r) => (JSON.stringify(r.body).includes('REQUEST_LIMIT_EXCEEDED')
        ? new ConnectorError('CRM_BUDGET_EXHAUSTED', 'salesforce', 'daily API limit reached', { status: r.status })
        : undefined),
    };
    expect(await failure(ctx, '/q')).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', status: 403 });
    expect(await failure(ctx, '/q')).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED' });
    expect(server.requests).toHaveLength(1); // the second call was refused locally
  });
});

describe('runCall around a client library', () => {
  it('classifies library errors, refreshes once on their 401, reports headers to the budget', async () => {
    const { TokenProvider, InMemoryTokenStore, formTokenEndpoint, sforceLimitInfoParser } = await import('../../../connectors/runtime/index.ts');
    const server = await startServer((_req, res) => sendJson(res, 200, { access_token: 'library-token-2', instance_url: 'http://x' }));
    servers.push(server);
    const auth = new TokenProvider({
      connectorId: 'c', crm: 'salesforce', flow: { kind: 'refresh-token', clientId: 'id', refreshToken: 'refresh-abcdef' },
      tokenEndpoint: formTokenEndpoint(`${server.url}/token`), store: new InMemoryTokenStore({ c: { accessToken: 'library-token-1', refreshToken: 'refresh-abcdef', expiresAt: null } }),
    });
    const budget = new RateBudget({ crm: 'salesforce', accountId: 'o-lib', headerParsers: [sforceLimitInfoParser] });
    // Stand-in for jsforce: throws its own error shape on a bad session.
    const library = async (accessToken: string) => {
      if (accessToken !== 'library-token-2') throw Object.assign(new Error('Session expired or invalid'), { name: 'INVALID_SESSION_ID', errorCode: 'INVALID_SESSION_ID' });
      return { totalSize: 1, records: [{ Id: '003' }], headers: { 'sforce-limit-info': 'api-usage=7/100' } };
    };
    const classifyError = (crm: string, err: unknown) =>
      (err as { errorCode?: string }).errorCode === 'INVALID_SESSION_ID'
        ? new ConnectorError('CRM_AUTH_FAILED', crm, 'session expired', { status: 401 })
        : new ConnectorError('CRM_UNAVAILABLE', crm, String(err));
    const result = await runCall({ crm: 'salesforce', budget, auth, classifyError }, 'interactive', async ({ token, observe }) => {
      const answer = await library(token?.accessToken ?? '');
      observe(answer.headers);
      return answer.records;
    });
    expect(result).toEqual([{ Id: '003' }]);
    expect(auth.refreshCount).toBe(1);
    expect(budget.state().daily).toEqual({ used: 7, limit: 100, remaining: 93 });
  });
});

describe('runCall with a library that throws its response', () => {
  it('a 429 thrown with headers blocks the whole account until Retry-After, then the call succeeds', async () => {
    const { RateBudget: Budget } = await import('../../../connectors/runtime/index.ts');
    const budget = new Budget({ crm: 'hubspot', accountId: 'p-lib' });
    const attempts: number[] = [];
    // Stand-in for @hubspot/api-client's ApiException: code, body, headers.
    const apiException = Object.assign(new Error('HTTP-Code: 429'), {
      code: 429, body: { policyName: 'TEN_SECONDLY_ROLLING' }, headers: { 'retry-after': '1', 'x-hubspot-ratelimit-max': '190' },
    });
    const classifyError = (crm: string, err: unknown) => {
      const e = err as { code?: number };
      return e.code === 429
        ? new ConnectorError('CRM_RATE_LIMITED', crm, 'rate limited', { status: 429 })
        : new ConnectorError('CRM_UNAVAILABLE', crm, 'down');
    };
    const started = Date.now();
    const result = await runCall({ crm: 'hubspot', budget, classifyError, retry: { baseDelayMs: 1 } }, 'sync', async () => {
      attempts.push(Date.now());
      if (attempts.length === 1) throw apiException;
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(attempts).toHaveLength(2);
    expect((attempts[1] ?? 0) - started).toBeGreaterThanOrEqual(1000);
    expect(budget.state().totals.rateLimited).toBe(1);
  });
});

describe('quota reported spent by the CRM', () => {
  it('refuses locally, then lets one probe through after the probe interval and resumes when the quota is back', async () => {
    const { RateBudget: Budget, sforceLimitInfoParser } = await import('../../../connectors/runtime/index.ts');
    let quotaBack = false;
    const server = await startServer((_req, res) => (quotaBack
      ? sendJson(res, 200, {}, { 'sforce-limit-info': 'api-usage=10/15000' })
      : sendJson(res, 403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }])));
    servers.push(server);
    const budget = new Budget({ crm: 'salesforce', accountId: 'o-probe', headerParsers: [sforceLimitInfoParser], exhaustedProbeIntervalMs: 200 });
    const ctx: HttpContext = {
      crm: 'salesforce', budget, baseUrl: server.url,
      classifyResponse: (r) => (r.text.includes('REQUEST_LIMIT_EXCEEDED') ? new ConnectorError('CRM_BUDGET_EXHAUSTED', 'salesforce', 'daily API limit reached', { status: r.status }) : undefined),
    };
    await expect(crmFetch(ctx, 'sync', { path: '/1' })).rejects.toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', status: 403 });
    await expect(crmFetch(ctx, 'sync', { path: '/2' })).rejects.toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED' });
    expect(server.requests).toHaveLength(1);
    quotaBack = true;
    await new Promise((r) => setTimeout(r, 250));
    expect((await crmFetch(ctx, 'sync', { path: '/probe' })).status).toBe(200);
    expect((await crmFetch(ctx, 'sync', { path: '/after' })).status).toBe(200);
    expect(budget.state().daily).toMatchObject({ limit: 15000 });
  });
});
