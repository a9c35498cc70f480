/**
 * Pipedrive errors, rate headers and auth: the classifier on Pipedrive's answers, the header parser the shared
 * budget learns from, the budget learning the sandbox's real limits, the OAuth refresh with Basic client auth,
 * and the connection form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { PipedriveHttpError, classifyPipedriveError, pipedriveConnectionForm } from '../../../connectors/pipedrive/index.ts';
import { pipedriveRateLimitParser } from '../../../connectors/runtime/index.ts';
import type { RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import { countCalls } from '../contract-suite/sandbox-control.ts';
import { CREDENTIALS, connectPipedrive, startPipedrive } from './harness.ts';

const open: RunningPipedriveSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new PipedriveHttpError(status, new Headers({ 'content-type': 'application/json', ...headers }), body, typeof body === 'string' ? body : JSON.stringify(body));
const envelope = (error: string, extra: Record<string, unknown> = {}) => ({ success: false, error, error_info: 'Please check developers.pipedrive.com', data: null, additional_data: null, ...extra });

describe('classifyPipedriveError', () => {
  it('maps statuses and envelopes to ConnectorError codes', () => {
    const classify = (err: unknown) => classifyPipedriveError('pipedrive', err);
    expect(classify(answer(401, envelope('unauthorized access', { errorCode: 401 })))).toMatchObject({ code: 'CRM_AUTH_FAILED', status: 401, details: { nativeCode: '401' } });
    expect(classify(answer(403, envelope('Forbidden')))).toMatchObject({ code: 'CRM_AUTH_FAILED', status: 403 });
    expect(classify(answer(404, envelope('Person not found')))).toMatchObject({ code: 'CRM_NOT_FOUND', message: 'pipedrive: not found (404): Person not found' });
    expect(classify(answer(400, envelope('Unknown field: nickname')))).toMatchObject({ code: 'CRM_VALIDATION', details: { fields: ['nickname'] } });
    const limited = classify(answer(429, envelope('Request over limit', { errorCode: 429 }), { 'retry-after': '2', 'x-daily-requests-left': '900' }));
    expect(limited).toMatchObject({ code: 'CRM_RATE_LIMITED', retryAfterMs: 2000, retryable: true });
    expect(classify(answer(429, envelope('Request over limit'), { 'x-ratelimit-reset': '1' }))).toMatchObject({ code: 'CRM_RATE_LIMITED', retryAfterMs: 1000 });
    expect(classify(answer(429, envelope('Request over limit'), { 'retry-after': '40000', 'x-daily-requests-left': '0' }))).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', status: 429 });
    expect(classify(answer(503, envelope('Service unavailable')))).toMatchObject({ code: 'CRM_UNAVAILABLE', retryable: true });
    expect(classify(answer(502, '<html><body>Bad gateway</body></html>'))).toMatchObject({ code: 'CRM_UNAVAILABLE', message: 'pipedrive: server error (502) (an HTML page)' });
    expect(classify(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }))).toMatchObject({ code: 'CRM_UNAVAILABLE', details: { nativeCode: 'ECONNREFUSED' } });
    const known = new ConnectorError('CRM_TIMEOUT', 'pipedrive', 'slow');
    expect(classify(known)).toBe(known);
  });

  it('never repeats a token a body echoes', () => {
    const err = classifyPipedriveError('pipedrive', answer(400, envelope(`bad request api_token=${CREDENTIALS.apiToken}`)));
    expect(JSON.stringify(err) + err.message).not.toContain(CREDENTIALS.apiToken);
    const header = classifyPipedriveError('pipedrive', answer(401, envelope(`token x-api-token: ${CREDENTIALS.apiToken} refused`)));
    expect(header.message).toBe('pipedrive: rejected the access token (401): token x-api-token: [REDACTED] refused');
  });
});

describe('pipedriveRateLimitParser', () => {
  it('reads the 2 s window and the calls left today (used exact when the daily limit is known)', () => {
    const headers = new Headers({ 'x-ratelimit-limit': '80', 'x-ratelimit-remaining': '75', 'x-ratelimit-reset': '2', 'x-daily-requests-left': '9990' });
    expect(pipedriveRateLimitParser()(headers)).toEqual({ window: { max: 80, remaining: 75, intervalMs: 2000 }, daily: { used: 0, limit: 9990 } });
    expect(pipedriveRateLimitParser(10_000)(headers)).toEqual({ window: { max: 80, remaining: 75, intervalMs: 2000 }, daily: { used: 10, limit: 10_000 } });
    expect(pipedriveRateLimitParser()(new Headers({ 'content-type': 'application/json' }))).toBeNull();
    // Without the daily limit: the most left seen stands for it, and what was used since is counted; a new day starts over.
    const parse = pipedriveRateLimitParser();
    const left = (n: number) => parse(new Headers({ 'x-daily-requests-left': String(n) }))!.daily;
    expect(left(9990)).toEqual({ used: 0, limit: 9990 });
    expect(left(9981)).toEqual({ used: 9, limit: 9990 });
    expect(left(10_000)).toEqual({ used: 0, limit: 10_000 });
  });
});

describe('pipedrive budget and auth against the sandbox', () => {
  it('the budget learns the window and the daily calls left from the first answer', async () => {
    const sandbox = await startPipedrive();
    open.push(sandbox);
    const connector = connectPipedrive(sandbox, { connectorId: `pd-budget-${Date.now()}` });
    expect(connector.rateLimitState().window).toMatchObject({ max: 20, intervalMs: 2000 });
    await connector.describeObjects(['persons']);
    const state = connector.rateLimitState();
    expect(state.window).toMatchObject({ max: 80, intervalMs: 2000 });
    expect(state.daily?.remaining).toBe(1_000_000 - 1);
  });

  it('a real burst limit: calls wait for the window instead of failing', async () => {
    const sandbox = await startPipedrive();
    open.push(sandbox);
    await fetch(`${sandbox.url}/_sandbox/limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ burst: 3 }) });
    const connector = connectPipedrive(sandbox, { connectorId: `pd-burst-${Date.now()}`, retry: { maxAttempts: 6, baseDelayMs: 50 } });
    const results = await Promise.all(Array.from({ length: 7 }, () => connector.fetchByIds('persons', ['1'])));
    expect(results).toHaveLength(7);
  });

  it('OAuth: one refresh with Basic client auth, then Bearer calls; the sandbox counts them on the oauth grant', async () => {
    const sandbox = await startPipedrive();
    open.push(sandbox);
    const connector = connectPipedrive(sandbox, { connectorId: `pd-oauth-${Date.now()}`, auth: 'oauth' });
    const { calls } = await countCalls(sandbox, async () => {
      await connector.describeObjects(['persons']);
      await connector.fetchByIds('persons', ['1']);
    });
    expect(calls.routes['POST /oauth/token']).toBe(1);
    const limits = (await (await fetch(`${sandbox.url}/_sandbox/limits`)).json()) as { byCredential: Record<string, unknown> };
    expect(Object.keys(limits.byCredential)).toEqual(['oauth']);
  });
});

describe('pipedriveConnectionForm', () => {
  it('turns either auth kind into the connector\'s auth option', () => {
    expect(pipedriveConnectionForm.authKinds.map((k) => k.kind)).toEqual(['api-token', 'refresh-token']);
    expect(pipedriveConnectionForm.authKinds.flatMap((k) => k.fields.filter((f) => f.secret).map((f) => f.name)))
      .toEqual(['apiToken', 'webhookPassword', 'clientSecret', 'refreshToken', 'webhookPassword']);
    expect(pipedriveConnectionForm.toCredentials('api-token', { apiToken: 't0k3n-value' })).toEqual({ auth: { kind: 'api-token', apiToken: 't0k3n-value' } });
    expect(pipedriveConnectionForm.toCredentials('refresh-token', { clientId: 'c', clientSecret: 's', refreshToken: 'r' }))
      .toEqual({ auth: { kind: 'refresh-token', clientId: 'c', clientSecret: 's', refreshToken: 'r' } });
    // Webhook credentials are optional on either kind and go together.
    expect(pipedriveConnectionForm.toCredentials('api-token', { apiToken: 't', webhookUser: 'u', webhookPassword: 'p' }))
      .toEqual({ auth: { kind: 'api-token', apiToken: 't' }, webhookAuth: { user: 'u', password: 'p' } });
    const fields = pipedriveConnectionForm.authKinds[0]!.fields;
    expect(fields.find((f) => f.name === 'webhookUser')).toMatchObject({ required: false, requires: 'webhookPassword' });
    expect(fields.find((f) => f.name === 'webhookPassword')).toMatchObject({ required: false, secret: true, requires: 'webhookUser' });
  });
});
