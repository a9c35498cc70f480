/**
 * Dynamics errors, limits and tokens: Dataverse's error codes as ConnectorErrors, a refused client secret flagging
 * re-authorisation, Retry-After honoured across the client id's budget, the 5-minute request window kept as a
 * budget from Dataverse's remaining-requests header, 5xx retried, links outside the Web API refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { classifyDynamicsError, DynamicsHttpError } from '../../../connectors/dynamics/index.ts';
import { drain } from '../contract-suite/context.ts';
import { startRecordingProxy } from '../contract-suite/local-servers.ts';
import { countCalls, putLimits, setFaults } from '../contract-suite/sandbox-control.ts';
import { CREDENTIALS } from './harness.ts';
import { HOUR_AGO, connect, guid, start } from './helpers.ts';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  classifyDynamicsError('dynamics', new DynamicsHttpError(status, new Headers(headers), body, typeof body === 'string' ? body : JSON.stringify(body)));
const dataverse = (code: string, message: string) => ({ error: { code, message } });

describe('dynamics errors and limits', () => {
  it('maps Dataverse answers to ConnectorError codes, with the column of an unknown property and Retry-After', () => {
    expect(answer(400, dataverse('0x80060888', "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.contact'."))).toMatchObject({
      code: 'CRM_VALIDATION', status: 400, details: { nativeCode: '0x80060888', fields: ['foo'] }, retryable: false,
    });
    expect(answer(400, dataverse('0x80040203', "A required field 'lastname' of 'contact' is missing or empty."))).toMatchObject({ code: 'CRM_VALIDATION', details: { fields: ['lastname'] } });
    expect(answer(404, dataverse('0x80040217', `contact With Id = ${guid(1)} Does Not Exist`))).toMatchObject({ code: 'CRM_NOT_FOUND' });
    expect(answer(412, dataverse('0x80060882', 'The version of the existing record doesn\'t match'))).toMatchObject({ code: 'CRM_CONFLICT' });
    expect(answer(412, dataverse('0x80060892', 'A record that has the attribute values ext-1 already exists.'))).toMatchObject({ code: 'CRM_CONFLICT' });
    expect(answer(429, dataverse('0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.'), { 'retry-after': '7' })).toMatchObject({
      code: 'CRM_RATE_LIMITED', retryAfterMs: 7000, retryable: true,
    });
    expect(answer(401, null)).toMatchObject({ code: 'CRM_AUTH_FAILED', status: 401 });
    expect(answer(503, '<html><body>Service Unavailable</body></html>')).toMatchObject({ code: 'CRM_UNAVAILABLE', retryable: true, message: 'dynamics: server error (503) (an HTML page)' });
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    expect(classifyDynamicsError('dynamics', refused)).toMatchObject({ code: 'CRM_UNAVAILABLE', message: 'dynamics: could not be reached (ECONNREFUSED)' });
    // A token quoted back in an error is never repeated.
    const leaky = answer(400, dataverse('0x80048d19', 'Bad header Authorization: Bearer eyJ0eXAiOiJKV1QifQ.eyJhcHBpZCI6IngifQ.c2lnbmF0dXJl'));
    expect(leaky.message).not.toContain('eyJ0eXAi');
  });

  it('a wrong client secret: CRM_AUTH_FAILED, re-authorisation flagged once with Entra\'s reason, the secret nowhere, nothing more sent', async () => {
    const sandbox = await start();
    const marked: string[] = [];
    const connector = connect(sandbox, { auth: 'invalid-static', onNeedsReauthorisation: (_id, reason) => void marked.push(reason) });
    const err = await connector.describeObjects(['contacts']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'CRM_AUTH_FAILED', crm: 'dynamics', status: 401 });
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(/invalid_client: AADSTS7000215/);
    expect(connector.runtime.auth?.needsReauthorisation()).toMatch(/invalid_client/);
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain('dv-cs-');
    const { calls } = await countCalls(sandbox, async () => {
      const writes = await connector.createMany('contacts', [{ fields: { lastname: 'x' } }]);
      expect(!writes[0]!.ok && writes[0]!.error.code).toBe('CRM_AUTH_FAILED');
    });
    expect(calls.total).toBe(0);
    expect(marked).toHaveLength(1);
  });

  it('asks for a new token before the old one expires (no 401 spent), and once after a 401', async () => {
    const sandbox = await start({ contacts: [{ contactid: guid(1), lastname: 'A', modifiedon: HOUR_AGO }] });
    // 62 s tokens: the runtime renews 60 s before expiry, so each is used for 2 s.
    await putLimits(sandbox, { accessTokenTtlSeconds: 62 });
    const connector = connect(sandbox);
    const tokenRoute = `POST /${CREDENTIALS.tenantId}/oauth2/vXX.X/token`;
    const first = await countCalls(sandbox, () => connector.describeObjects(['contacts']));
    expect(first.calls.routes[tokenRoute]).toBe(1);
    await new Promise((r) => setTimeout(r, 2_100));
    const renewed = await countCalls(sandbox, () => connector.fetchByIds('contacts', [guid(1)]));
    expect(renewed.result.has(guid(1))).toBe(true);
    expect(renewed.calls).toEqual({ total: 2, routes: { [tokenRoute]: 1, 'GET /api/data/vXX.X/contacts': 1 } });
    expect(connector.runtime.auth?.refreshCount).toBe(2);

    // A long-lived token now, so only the 401 below can make the next one.
    await putLimits(sandbox, { accessTokenTtlSeconds: 3599 });
    await connector.runtime.auth!.refresh();
    await fetch(`${sandbox.url}/_sandbox/dynamics/expire-tokens`, { method: 'POST' });
    const replayed = await countCalls(sandbox, () => connector.fetchByIds('contacts', [guid(1)]));
    // The refused call, the new token, the replay.
    expect(replayed.calls).toEqual({ total: 3, routes: { [tokenRoute]: 1, 'GET /api/data/vXX.X/contacts': 2 } });
  });

  it('a 429 is honoured: nothing goes out before Retry-After, then the call succeeds', async () => {
    const sandbox = await start({ contacts: [{ contactid: guid(1), lastname: 'A', modifiedon: HOUR_AGO }] });
    const connector = connect(sandbox, { retry: { maxAttempts: 3, baseDelayMs: 10 } });
    await connector.describeObjects(['contacts']);
    await setFaults(sandbox, [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 1 }]);
    const started = Date.now();
    const later = new Promise((r) => setTimeout(r, 50)).then(async () => [await connector.latestChangeAt('contacts'), Date.now() - started] as const);
    const [one, [two, secondDoneMs]] = await Promise.all([connector.fetchByIds('contacts', [guid(1)]), later]);
    expect(one.has(guid(1))).toBe(true);
    expect(two?.toISOString()).toBe(new Date(HOUR_AGO).toISOString());
    // Another call, started after the 429 and never refused itself, waited for the block on the whole client id.
    expect(secondDoneMs).toBeGreaterThanOrEqual(1000);
    expect(connector.rateLimitState().totals.rateLimited).toBe(1);
  });

  it('a 429 of the token endpoint blocks the client id too: nothing is sent before its Retry-After', async () => {
    const sandbox = await start({ contacts: [{ contactid: guid(1), lastname: 'A', modifiedon: HOUR_AGO }] });
    const proxy = await startRecordingProxy(sandbox.url);
    try {
      await setFaults(sandbox, [{ kind: 'rate-limit', schedule: [1], retryAfterSeconds: 1, match: 'oauth2' }]);
      const connector = connect(sandbox, { baseUrl: proxy.url, retry: { maxAttempts: 3, baseDelayMs: 5 } });
      // The second call starts after the token request was refused: it must wait for the block too.
      const later = new Promise((r) => setTimeout(r, 100)).then(() => connector.latestChangeAt('contacts'));
      const found = await Promise.all([connector.fetchByIds('contacts', [guid(1)]), later]);
      expect(found[0].has(guid(1))).toBe(true);
      const [refused, ...rest] = proxy.calls;
      expect(refused).toMatchObject({ status: 429, path: expect.stringContaining('/oauth2/v2.0/token') });
      expect(rest.length).toBeGreaterThan(0);
      for (const call of rest) expect(call.sentAt).toBeGreaterThanOrEqual(refused!.answeredAt + 1000 - 25);
    } finally {
      await proxy.close();
    }
  });

  it('keeps Dataverse\'s request window as a budget: once it reports none left, calls are refused unsent until the window ends', async () => {
    const sandbox = await start({ contacts: [{ contactid: guid(1), lastname: 'A', modifiedon: HOUR_AGO }] });
    const connector = connect(sandbox);
    await connector.describeObjects(['contacts']);
    const limits = await putLimits(sandbox, {}) as unknown as { requests: { used: number } };
    await putLimits(sandbox, { requestLimit: limits.requests.used + 3 });
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await connector.fetchByIds('contacts', [guid(1)]).then(() => 'ok', (e: ConnectorError) => e));
    expect(outcomes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    for (const refused of outcomes.slice(3)) {
      expect(refused).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', crm: 'dynamics' });
      expect((refused as ConnectorError).retryAfterMs).toBeLessThanOrEqual(300_000);
    }
    // Dataverse never had to refuse anything itself.
    expect((await putLimits(sandbox, {}) as unknown as { requests: { used: number; limit: number } }).requests).toMatchObject({ used: limits.requests.used + 3 });
    expect(connector.rateLimitState().totals.rateLimited).toBe(0);
  });

  it('a 5xx is retried; with no retries left it is CRM_UNAVAILABLE', async () => {
    const sandbox = await start({ contacts: [{ contactid: guid(1), lastname: 'A', modifiedon: HOUR_AGO }] });
    const connector = connect(sandbox, { retry: { maxAttempts: 2, baseDelayMs: 5 } });
    await connector.describeObjects(['contacts']);
    await setFaults(sandbox, [{ kind: 'server-error', schedule: [1, 3, 4] }]);
    expect((await connector.fetchByIds('contacts', [guid(1)])).has(guid(1))).toBe(true);
    await expect(connector.fetchByIds('contacts', [guid(1)])).rejects.toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'dynamics', status: 500 });
  });

  it('never follows a link outside the Web API, so the bearer token stays with the org', async () => {
    const seen: string[] = [];
    const org = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.setHeader('content-type', 'application/json');
      if (req.url?.includes('/oauth2/v2.0/token')) return res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: 'tok-123456789' }));
      if (req.url?.includes('/Attributes') || req.url?.includes('/Keys') || req.url?.includes('/ManyToOneRelationships')) return res.end(JSON.stringify({ value: [] }));
      res.end(JSON.stringify({ value: [{ contactid: guid(1), modifiedon: HOUR_AGO }], '@odata.nextLink': 'http://127.0.0.1:9/steal?$skiptoken=1' }));
    });
    await new Promise<void>((resolve) => org.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(org.address() as AddressInfo).port}`;
      const connector = connect({ url, close: async () => undefined } as never, { retry: { maxAttempts: 1 } });
      await expect(drain(connector.pageRecords('contacts'))).rejects.toMatchObject({ code: 'CRM_UNAVAILABLE', message: expect.stringContaining('outside the Web API') });
      expect(seen.filter((s) => s.includes('steal'))).toEqual([]);
      expect(seen.at(-1)).toMatch(/^GET \/api\/data\/v9\.2\/contacts\?/);
    } finally {
      org.closeAllConnections();
      await new Promise((resolve) => org.close(resolve));
    }
  });
});
