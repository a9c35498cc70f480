import { describe, expect, it } from 'vitest';
import { PIPEDRIVE_SANDBOX_DEFAULTS } from '../../../sandboxes/pipedrive/index.ts';
import { call, control, refresh, startSandbox } from './helpers.ts';

const UNAUTHORIZED = {
  success: false, error: 'unauthorized access', errorCode: 401,
  error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.', data: null, additional_data: null,
};

describe('Pipedrive sandbox: auth', () => {
  it('accepts the API token as x-api-token header or api_token query, with the documented defaults', async () => {
    const sandbox = await startSandbox();
    expect(sandbox.apiToken).toBe('sandbox-pipedrive-token');
    expect(PIPEDRIVE_SANDBOX_DEFAULTS).toMatchObject({ clientId: 'customer-graph', clientSecret: 'sandbox', refreshToken: 'sandbox-pipedrive-refresh-token' });
    for (const auth of [{ header: sandbox.apiToken }, { query: sandbox.apiToken }]) {
      const answer = await call(sandbox, 'GET', '/api/v2/persons', undefined, auth);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ success: true, data: [], additional_data: { next_cursor: null } });
    }
  });

  it('refuses a missing or unknown token with 401 and Pipedrive\'s body, on every /api route', async () => {
    const sandbox = await startSandbox();
    for (const path of ['/api/v2/persons', '/api/v2/deals/1', '/api/v1/personFields', '/api/v1/recents?since_timestamp=2024-01-01 00:00:00']) {
      for (const auth of ['none', { header: 'wrong' }, { query: 'wrong' }, { bearer: 'wrong' }, { bearer: sandbox.apiToken }] as const) {
        const answer = await call(sandbox, 'GET', path, undefined, auth);
        expect(answer.status, `${path} ${JSON.stringify(auth)}`).toBe(401);
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
        expect(answer.body).toEqual(UNAUTHORIZED);
      }
    }
    const write = await call(sandbox, 'POST', '/api/v2/persons', { name: 'Nobody' }, 'none');
    expect(write.status).toBe(401);
    expect(sandbox.store.all('persons')).toEqual([]);
  });

  it('refreshes OAuth tokens with Basic client credentials; the bearer token works and the refresh token comes back unchanged', async () => {
    const sandbox = await startSandbox();
    const tokens = await refresh(sandbox);
    expect(tokens.status).toBe(200);
    expect(tokens.headers.get('content-type')).toMatch(/^application\/json/);
    expect(tokens.body).toEqual({
      access_token: expect.any(String), token_type: 'Bearer', refresh_token: sandbox.refreshToken, scope: 'base', expires_in: 3600, api_domain: sandbox.url,
    });
    const created = await call(sandbox, 'POST', '/api/v2/persons', { name: 'Ada' }, { bearer: tokens.body.access_token });
    expect(created.status).toBe(200);
    const again = await refresh(sandbox);
    expect(again.body.access_token).not.toBe(tokens.body.access_token);
    expect(again.body.refresh_token).toBe(sandbox.refreshToken);
  });

  it('refuses a bad refresh token with 400 invalid_grant and a bad client with 401 invalid_client', async () => {
    const sandbox = await startSandbox();
    const badGrant = await refresh(sandbox, 'not-a-refresh-token');
    expect(badGrant.status).toBe(400);
    expect(badGrant.body).toEqual({ error: 'invalid_grant', message: 'Invalid grant: refresh token is invalid' });
    const badClient = await refresh(sandbox, sandbox.refreshToken, 'wrong-secret');
    expect(badClient.status).toBe(401);
    expect(badClient.body.error).toBe('invalid_client');
  });

  it('expire-tokens makes every access token 401 until the next refresh; the token route is counted in stats', async () => {
    const sandbox = await startSandbox();
    const first = (await refresh(sandbox)).body.access_token as string;
    expect((await call(sandbox, 'GET', '/api/v2/persons', undefined, { bearer: first })).status).toBe(200);
    const expired = await control(sandbox, 'POST', '/pipedrive/expire-tokens');
    expect(expired.body).toEqual({ expired: 1 });
    const refused = await call(sandbox, 'GET', '/api/v2/persons', undefined, { bearer: first });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(UNAUTHORIZED);
    // The API token is no OAuth token: it keeps working.
    expect((await call(sandbox, 'GET', '/api/v2/persons')).status).toBe(200);
    const second = (await refresh(sandbox)).body.access_token as string;
    expect((await call(sandbox, 'GET', '/api/v2/persons', undefined, { bearer: second })).status).toBe(200);
    expect((await control(sandbox, 'GET', '/stats')).body.routes['POST /oauth/token']).toBe(2);
  });

  it('access tokens expire after accessTokenTtlSeconds', async () => {
    const sandbox = await startSandbox({ accessTokenTtlSeconds: 1 });
    const tokens = await refresh(sandbox);
    expect(tokens.body.expires_in).toBe(1);
    expect((await call(sandbox, 'GET', '/api/v2/persons', undefined, { bearer: tokens.body.access_token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call(sandbox, 'GET', '/api/v2/persons', undefined, { bearer: tokens.body.access_token })).status).toBe(401);
  });
});
