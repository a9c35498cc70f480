/**
 * classifyHubSpotError on the client library's own exceptions, and the mapping seen end to end against the
 * sandbox: conflicts per record, a DAILY 429 that stops further calls, expired vs refused tokens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiException } from '@hubspot/api-client/lib/codegen/crm/objects/apis/exception.js';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { classifyHubSpotError } from '../../../connectors/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { rejection } from '../contract-suite/context.ts';
import { countCalls, putLimits } from '../contract-suite/sandbox-control.ts';
import { CREDENTIALS, connectHubSpot, startHubSpot } from './harness.ts';

const sandboxes: RunningHubSpotSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

const classify = (err: unknown) => classifyHubSpotError('hubspot', err);
const api = (code: number, body: unknown, headers: Record<string, string> = {}) => new ApiException(code, 'An error occurred.', body, headers);

describe('classifyHubSpotError', () => {
  it('maps ApiException statuses and categories to contract codes, keeping the native category', () => {
    const expired = classify(api(401, { status: 'error', message: 'The OAuth token used to make this call expired 3 second(s) ago.', category: 'EXPIRED_AUTHENTICATION' }));
    expect(expired).toMatchObject({ code: 'CRM_AUTH_FAILED', status: 401, details: { nativeCode: 'EXPIRED_AUTHENTICATION' } });
    expect(classify(api(403, { category: 'MISSING_SCOPES', message: 'missing crm.objects.contacts.write' }))).toMatchObject({ code: 'CRM_AUTH_FAILED', status: 403 });
    const limited = classify(api(429, { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' }, { 'retry-after': '3' }));
    expect(limited).toMatchObject({ code: 'CRM_RATE_LIMITED', retryAfterMs: 3000, retryable: true, details: { nativeCode: 'TEN_SECONDLY_ROLLING' } });
    expect(classify(api(429, { policyName: 'SECONDLY', message: 'You have reached your secondly limit.' }))).toMatchObject({ code: 'CRM_RATE_LIMITED', retryAfterMs: 1000 });
    expect(classify(api(429, { policyName: 'DAILY', message: 'You have reached your daily limit.' }))).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', status: 429, retryable: false });
    const invalid = classify(api(400, { category: 'VALIDATION_ERROR', message: 'Property values were not valid', errors: [{ code: 'INVALID_EMAIL', message: 'bad', context: { propertyName: ['email'] } }] }));
    expect(invalid).toMatchObject({ code: 'CRM_VALIDATION', status: 400, retryable: false, details: { nativeCode: 'VALIDATION_ERROR' } });
    expect(classify(api(404, { category: 'OBJECT_NOT_FOUND', message: 'Object not found.' }))).toMatchObject({ code: 'CRM_NOT_FOUND' });
    expect(classify(api(409, { category: 'CONFLICT', message: 'Contact already exists. Existing ID: 5' }))).toMatchObject({ code: 'CRM_CONFLICT' });
    expect(classify(api(502, '<html><body>Bad Gateway</body></html>'))).toMatchObject({ code: 'CRM_UNAVAILABLE', retryable: true, message: 'hubspot: server error (502) (an HTML page)' });
    expect(classify(api(200, { weird: true }))).toMatchObject({ code: 'CRM_UNAVAILABLE' });
  });

  it('network failures, truncated JSON and unparseable content types are CRM_UNAVAILABLE naming hubspot', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET']) {
      const err = classify(new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code }) }));
      expect(err).toMatchObject({ code: 'CRM_UNAVAILABLE', message: `hubspot: could not be reached (${code})` });
    }
    expect(classify(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ code: 'CRM_UNAVAILABLE', message: 'hubspot: answered truncated or invalid JSON' });
    expect(classify(new Error('The mediaType text/html is not supported by ObjectSerializer.parse.')).code).toBe('CRM_UNAVAILABLE');
    expect(classify('something odd').code).toBe('CRM_UNAVAILABLE');
  });

  it('never copies the raw ApiException message (it embeds the body and headers)', () => {
    const err = classify(api(401, { message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' }, { 'set-cookie': '__cf_bm=secret-cookie-value', 'x-request-id': 'r1' }));
    expect(err.message).toBe('hubspot: rejected the access token (401): Authentication credentials not found.');
    expect(JSON.stringify(err)).not.toContain('secret-cookie-value');
  });
});

describe('HubSpot errors end to end', () => {
  it('a duplicate email fails its item with CRM_CONFLICT; the others are created', async () => {
    const sandbox = await startHubSpot([{ objectType: 'contacts', fields: { email: 'taken@example.test' }, modifiedAt: '2024-01-01T00:00:00.000Z' }]);
    sandboxes.push(sandbox);
    const connector = connectHubSpot(sandbox, { connectorId: `hs-errors-${Date.now()}` });
    const results = await connector.createMany('contacts', [{ fields: { email: 'fresh@example.test' } }, { fields: { email: 'taken@example.test' } }]);
    expect(results[0]!.ok).toBe(true);
    expect(!results[1]!.ok && results[1]!.error).toMatchObject({ code: 'CRM_CONFLICT', details: { nativeCode: 'CONFLICT' } });
  });

  it('a DAILY 429 from the portal (OAuth tokens carry no daily headers) refuses further calls unsent', async () => {
    const sandbox = await startHubSpot();
    sandboxes.push(sandbox);
    const connector = connectHubSpot(sandbox, { connectorId: `hs-daily-${Date.now()}`, auth: 'oauth', retry: { maxAttempts: 3, baseDelayMs: 5 } });
    await connector.describeObjects(['contacts']);
    await putLimits(sandbox, { dailyLimit: 1 });
    const err = await rejection(connector.fetchByIds('contacts', ['1'], { fields: ['email'] }));
    expect(err).toMatchObject({ code: 'CRM_BUDGET_EXHAUSTED', status: 429 });
    const { result, calls } = await countCalls(sandbox, () => rejection(connector.fetchByIds('contacts', ['1'], { fields: ['email'] })));
    expect(result.code).toBe('CRM_BUDGET_EXHAUSTED');
    expect(calls.total).toBe(0);
    expect(connector.rateLimitState().daily?.remaining).toBe(0);
  });

  it('an unknown private-app token is CRM_AUTH_FAILED after one replay; errors are ConnectorErrors without the token', async () => {
    const sandbox = await startHubSpot();
    sandboxes.push(sandbox);
    const connector = connectHubSpot(sandbox, { connectorId: `hs-bad-${Date.now()}`, auth: 'invalid-static' });
    const { result, calls } = await countCalls(sandbox, () => rejection(connector.describeObjects(['contacts'])));
    expect(result).toBeInstanceOf(ConnectorError);
    expect(result.code).toBe('CRM_AUTH_FAILED');
    expect(calls.total).toBe(1);
    expect(JSON.stringify(result)).not.toContain(CREDENTIALS.accessToken.slice(8));
  });
});
