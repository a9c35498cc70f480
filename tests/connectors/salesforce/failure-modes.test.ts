/**
 * One test per failure mode, Salesforce flavour, against the sandbox (or a dead port / garbage server) through real
 * jsforce: down, timeout, 5xx without hidden transport retries, 429 storm (Retry-After measured at a proxy), the
 * org's daily quota (403 REQUEST_LIMIT_EXCEEDED) vs its short-term limit, expired tokens, bad credentials, garbage.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { GARBAGE_KINDS, deadUrl, startGarbageServer, startRecordingProxy } from '../contract-suite/local-servers.ts';
import { QUERY_ROUTE, TOKEN_ROUTE, collect, connectorFor, contacts, failureOf, getLimits, resetStats, setFaults, setLatency, setLimits, startSandbox, stats } from './helpers.ts';

let sb: SalesforceSandbox | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await sb?.close();
  sb = undefined;
});

const UNKNOWN_ID = '003000000000000AAA';
const exposed = (err: unknown) => `${(err as Error).message}\n${JSON.stringify(err)}\n${JSON.stringify((err as { cause?: unknown }).cause ?? null)}\n${(err as Error).stack}`;

async function seededWithOne(): Promise<{ sandbox: SalesforceSandbox; id: string }> {
  sb = await startSandbox({ demoSeed: { Contact: contacts(1) } });
  return { sandbox: sb, id: sb.store.all('Contact')[0]!.Id };
}

describe('Salesforce connector: failure modes', () => {
  it('CRM down: CRM_UNAVAILABLE naming salesforce, from the API and from the token endpoint', async () => {
    const url = await deadUrl();
    const direct = connectorFor({ url }, { auth: { kind: 'static', accessToken: 'irrelevant' } });
    const err = await failureOf(direct.fetchByIds('Contact', [UNKNOWN_ID]));
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'salesforce', retryable: true });
    expect(err.message).toMatch(/^salesforce: could not be reached \(ECONNREFUSED\)/);
    const oauth = connectorFor({ url });
    expect(await failureOf(oauth.describeObjects(['Contact']))).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'salesforce', message: expect.stringMatching(/^salesforce: /) });
  });

  it('timeout: injected latency beyond the per-call timeout gives CRM_TIMEOUT, each attempt sent once', async () => {
    const { sandbox, id } = await seededWithOne();
    const connector = connectorFor(sandbox, { timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 10 } });
    await connector.fetchByIds('Contact', [id], { fields: ['Email'] });
    await setLatency(sandbox, { fixedMs: 1_500 });
    await resetStats(sandbox);
    const started = Date.now();
    expect(await failureOf(connector.fetchByIds('Contact', [id], { fields: ['Email'] }))).toMatchObject({ code: 'CRM_TIMEOUT', crm: 'salesforce' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await stats(sandbox)).routes[QUERY_ROUTE]).toBe(2);
  });

  it('5xx: our retry policy decides, jsforce retries nothing behind the budget (3 attempts = 3 calls)', async () => {
    const { sandbox, id } = await seededWithOne();
    const connector = connectorFor(sandbox, { retry: { maxAttempts: 3, baseDelayMs: 10 } });
    await connector.describeObjects(['Contact']);
    await setFaults(sandbox, [{ kind: 'server-error', match: '/query', rate: 1 }]);
    await resetStats(sandbox);
    const err = await failureOf(connector.fetchByIds('Contact', [id]));
    expect(err).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'salesforce', status: 503, details: { nativeCode: 'SERVER_UNAVAILABLE' } });
    // jsforce's own transport would have retried each GET five more times (500 ms … 8 s) on top of ours.
    expect((await stats(sandbox)).routes[QUERY_ROUTE]).toBe(3);
    expect(connector.rateLimitState().totals.sent).toBe(4);
  });

  it('429 storm, one call at a time: the next request never reaches the CRM before Retry-After has passed', async () => {
    const { sandbox, id } = await seededWithOne();
    const proxy = await startRecordingProxy(sandbox.url);
    closers.push(() => proxy.close());
    const { token } = sandbox.auth.issue();
    const connector = connectorFor(sandbox, {
      auth: { kind: 'static', accessToken: token }, instanceUrl: proxy.url, budget: { concurrency: 1 }, retry: { maxAttempts: 5, baseDelayMs: 10 },
    });
    await setFaults(sandbox, [{ kind: 'rate-limit', match: '/query', schedule: [1, 3, 4], retryAfterSeconds: 1 }]);
    const results = await Promise.all(Array.from({ length: 4 }, () => connector.fetchByIds('Contact', [id], { fields: ['Email'] })));
    expect(results.every((r) => r.has(id))).toBe(true);
    const calls = proxy.calls;
    const limited = calls.filter((c) => c.status === 429);
    expect(limited).toHaveLength(3);
    for (const l of limited) {
      const next = calls.find((c) => c.sentAt >= l.answeredAt && c !== l);
      expect(next, 'a request after the 429').toBeDefined();
      expect(next!.sentAt - l.answeredAt).toBeGreaterThanOrEqual(1_000);
    }
    expect(connector.rateLimitState().totals.rateLimited).toBe(3);
  });

  it('a 429 sets blockedUntil for every lane; the org’s usage header feeds rateLimitState', async () => {
    const { sandbox, id } = await seededWithOne();
    const connector = connectorFor(sandbox, { retry: { maxAttempts: 1 } });
    await connector.fetchByIds('Contact', [id], { fields: ['Email'] });
    const usage = await getLimits(sandbox);
    expect(connector.rateLimitState().daily).toEqual({ used: usage.apiUsage, limit: 15_000, remaining: 15_000 - usage.apiUsage });
    await setFaults(sandbox, [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 3 }]);
    const err = await failureOf(connector.fetchByIds('Contact', [id], { fields: ['Email'] }));
    expect(err).toMatchObject({ code: 'CRM_RATE_LIMITED', crm: 'salesforce', status: 429, retryAfterMs: 3_000, details: { nativeCode: 'REQUEST_LIMIT_EXCEEDED' } });
    expect(connector.rateLimitState().blockedUntil).toBeGreaterThan(Date.now() + 2_500);
  });

  it('daily budget: never spent beyond the org limit learnt from Sforce-Limit-Info; the org never has to refuse', async () => {
    const { sandbox, id } = await seededWithOne();
    const proxy = await startRecordingProxy(sandbox.url);
    closers.push(() => proxy.close());
    await setLimits(sandbox, { dailyApiLimit: 15 });
    const { token } = sandbox.auth.issue();
    const connector = connectorFor(sandbox, { auth: { kind: 'static', accessToken: token }, instanceUrl: proxy.url, budget: { concurrency: 4 } });
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, () => connector.fetchByIds('Contact', [id], { fields: ['Email'] })));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as ConnectorError);
    expect(outcomes.length - refused.length).toBeGreaterThanOrEqual(11);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(e).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', crm: 'salesforce' });
    expect((await getLimits(sandbox)).apiUsage).toBeLessThanOrEqual(15);
    expect(proxy.calls.filter((c) => c.status === 403)).toEqual([]);
    expect(connector.rateLimitState().daily).toMatchObject({ limit: 15, remaining: 0 });
  });

  it('the org’s own 403 REQUEST_LIMIT_EXCEEDED (quota spent by others) is CRM_BUDGET_EXHAUSTED, and later calls are not sent', async () => {
    const { sandbox, id } = await seededWithOne();
    const connector = connectorFor(sandbox);
    await connector.describeObjects(['Contact']);
    await setLimits(sandbox, { dailyApiLimit: 100, apiUsage: 100 });
    await resetStats(sandbox);
    const err = await failureOf(connector.fetchByIds('Contact', [id]));
    expect(err).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', crm: 'salesforce', status: 403, retryable: false, details: { nativeCode: 'REQUEST_LIMIT_EXCEEDED' } });
    expect((await stats(sandbox)).total).toBe(1);
    expect(await failureOf(connector.fetchByIds('Contact', [id]))).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED' });
    expect((await stats(sandbox)).total).toBe(1);
  });

  it('a short-term REQUEST_LIMIT_EXCEEDED answered as 403 (not the daily quota) is rate limiting, retried after a pause', async () => {
    const { sandbox, id } = await seededWithOne();
    await setLimits(sandbox, { rateLimitStatus: 403 });
    await setFaults(sandbox, [{ kind: 'rate-limit', match: '/query', schedule: [1] }]);
    const connector = connectorFor(sandbox);
    const started = Date.now();
    expect((await connector.fetchByIds('Contact', [id], { fields: ['Email'] })).has(id)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the connector's 1 s default pause for a limit without Retry-After
    expect(connector.rateLimitState().totals).toMatchObject({ sent: 2 }); // the 403, then the retry
  });

  it('expired token (client credentials): 50 concurrent calls cause exactly one token request and 50 successes', async () => {
    const { sandbox, id } = await seededWithOne();
    const connector = connectorFor(sandbox);
    await connector.fetchByIds('Contact', [id], { fields: ['Email'] });
    sandbox.expireTokens();
    await resetStats(sandbox);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => connector.fetchByIds('Contact', [id], { fields: ['Email'] })));
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.has(id))).toHaveLength(50);
    const s = await stats(sandbox);
    expect(s.routes[TOKEN_ROUTE]).toBe(1);
    // Each call at most twice (the rejected token, then the fresh one): no call was replayed more than once.
    expect(s.routes[QUERY_ROUTE]).toBeLessThanOrEqual(100);
  });

  it('invalid client secret: CRM_AUTH_FAILED, onNeedsReauthorisation once, no further calls, the secret nowhere', async () => {
    sb = await startSandbox();
    const secret = 'wrong-secret-3e9b7c1f52';
    const marked: string[] = [];
    const connector = connectorFor(sb, {
      connectorId: 'sf-bad-secret',
      auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: secret },
      onNeedsReauthorisation: (connectorId, reason) => void marked.push(`${connectorId}: ${reason}`),
    });
    const err = await failureOf(connector.fetchByIds('Contact', [UNKNOWN_ID]));
    expect(err).toMatchObject({ code: 'CRM_AUTH_FAILED', crm: 'salesforce' });
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(/^sf-bad-secret: token endpoint refused the grant \(400 invalid_client/);
    expect(connector.needsReauthorisation()).toBeTruthy();
    await resetStats(sb);
    expect(await failureOf(connector.describeObjects(['Contact']))).toMatchObject({ code: 'CRM_AUTH_FAILED' });
    expect((await stats(sb)).total).toBe(0);
    expect(marked).toHaveLength(1);
    expect(exposed(err)).not.toContain(secret);
  });

  it('unknown consumer key (invalid_client_id): CRM_AUTH_FAILED and re-authorisation, not an unreachable CRM', async () => {
    sb = await startSandbox();
    const marked: string[] = [];
    const connector = connectorFor(sb, {
      connectorId: 'sf-bad-key',
      auth: { kind: 'client-credentials', clientId: '3MVG9-no-such-consumer-key', clientSecret: DEFAULT_CLIENT_SECRET },
      onNeedsReauthorisation: (connectorId, reason) => void marked.push(`${connectorId}: ${reason}`),
    });
    const err = await failureOf(connector.fetchByIds('Contact', [UNKNOWN_ID]));
    expect(err).toMatchObject({ code: 'CRM_AUTH_FAILED', crm: 'salesforce' });
    expect(marked).toEqual(['sf-bad-key: token endpoint refused the grant (400 invalid_client_id: client identifier invalid)']);
  });

  it('a refused static session: CRM_AUTH_FAILED after one replay, the token nowhere in the error', async () => {
    sb = await startSandbox();
    const token = '00DXX0000001gPL!AQ0AQexpiredsession9d2f';
    const marked: string[] = [];
    const connector = connectorFor(sb, { auth: { kind: 'static', accessToken: token }, onNeedsReauthorisation: (id) => void marked.push(id) });
    await resetStats(sb);
    const err = await failureOf(connector.fetchByIds('Contact', [UNKNOWN_ID], { fields: ['Email'] }));
    expect(err).toMatchObject({ code: 'CRM_AUTH_FAILED', crm: 'salesforce' });
    expect(marked).toEqual(['sf-test']);
    expect((await stats(sb)).routes[QUERY_ROUTE]).toBe(1);
    expect(exposed(err)).not.toContain(token);
    expect(exposed(err)).not.toContain('AQ0AQexpired');
  });

  it('garbage on Salesforce paths (HTML, truncated JSON, a cut connection, wrong JSON shape): CRM_UNAVAILABLE naming salesforce, no crash', async () => {
    const wrongShape = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url?.includes('/describe') ? '{"fields": "none"}' : '{"hello": "world"}');
    });
    await new Promise<void>((resolve) => wrongShape.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => { wrongShape.closeAllConnections(); wrongShape.close(() => resolve()); }));
    const urls = [`http://127.0.0.1:${(wrongShape.address() as AddressInfo).port}`];
    for (const kind of GARBAGE_KINDS) {
      const garbage = await startGarbageServer(kind);
      closers.push(() => garbage.close());
      urls.push(garbage.url);
    }
    for (const url of urls) {
      const connector = connectorFor({ url }, { auth: { kind: 'static', accessToken: 'tok' }, retry: { maxAttempts: 1 } });
      for (const call of [
        () => connector.fetchByIds('Contact', [UNKNOWN_ID], { fields: ['Email'] }),
        () => connector.describeObjects(['Contact']),
        () => collect(connector.pageRecords('Contact', { fields: ['Email'] })),
        () => collect(connector.readChanges('Contact', null, { fields: ['Email'] })),
      ]) {
        const err = await failureOf(call());
        expect(err, url).toBeInstanceOf(ConnectorError);
        expect(err, url).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'salesforce', message: expect.stringMatching(/^salesforce: /) });
      }
      const written = await connector.createMany('Contact', [{ fields: { LastName: 'X' } }]);
      expect(written[0]).toMatchObject({ ok: false, error: { code: 'CRM_UNAVAILABLE', crm: 'salesforce' } });
      // Client credentials against the same garbage: the token endpoint's garbage is unavailable too.
      expect(await failureOf(connectorFor({ url }, { retry: { maxAttempts: 1 } }).describeObjects(['Contact']))).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'salesforce' });
    }
  });
});
