import { describe, expect, it } from 'vitest';
import { ZOHO_SANDBOX_DEFAULTS } from '../../../sandboxes/zoho/index.ts';
import { api, control, requestToken, startSandbox } from './helpers.ts';

const FIELDS = 'Contacts?fields=Last_Name';

describe('Zoho sandbox: accounts server and Zoho-oauthtoken auth', () => {
  it('issues an access token from the refresh token (query string or form), naming its own URL as api_domain', async () => {
    const sandbox = await startSandbox();
    expect(sandbox.refreshToken).toBe(ZOHO_SANDBOX_DEFAULTS.refreshToken);
    for (const asForm of [false, true]) {
      const answer = await requestToken(sandbox, {}, asForm);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({
        access_token: expect.stringMatching(/^1000\.[0-9a-f]+/), scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL',
        api_domain: sandbox.url, token_type: 'Bearer', expires_in: 3600,
      });
      const read = await api(sandbox, 'GET', FIELDS, undefined, { authorization: `Zoho-oauthtoken ${answer.body.access_token}` });
      expect(read.status).toBe(200);
    }
  });

  it('answers a wrong client with invalid_client and an unknown refresh token with invalid_code, both HTTP 200', async () => {
    const sandbox = await startSandbox();
    for (const [overrides, error] of [
      [{ client_secret: 'wrong' }, 'invalid_client'], [{ client_id: '1000.OTHER' }, 'invalid_client'], [{ refresh_token: '1000.nope' }, 'invalid_code'],
    ] as const) {
      const answer = await requestToken(sandbox, overrides);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ error });
    }
    const stats = await control(sandbox, 'GET', '/stats');
    expect(stats.body.routes['POST /oauth/v2/token']).toBe(3);
  });

  it('refuses the 11th access token within 10 minutes with HTTP 400 Access Denied; tokens already issued keep working', async () => {
    const sandbox = await startSandbox();
    const issued: string[] = [];
    for (let i = 0; i < 10; i++) issued.push((await requestToken(sandbox)).body.access_token);
    const refused = await requestToken(sandbox);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.' });
    expect((await api(sandbox, 'GET', FIELDS, undefined, { authorization: `Zoho-oauthtoken ${issued[0]}` })).status).toBe(200);
    // A wrong client is still told so (the limit is per refresh token, checked after the credentials).
    expect((await requestToken(sandbox, { client_secret: 'x' })).body).toEqual({ error: 'invalid_client' });
    const unlimited = await startSandbox({ tokenLimitPer10Min: 0 });
    for (let i = 0; i < 12; i++) expect((await requestToken(unlimited)).status).toBe(200);
  });

  it('answers a missing, unknown or expired token with 401 INVALID_TOKEN and the Bearer scheme with 401 AUTHENTICATION_FAILURE', async () => {
    const sandbox = await startSandbox();
    for (const authorization of [null, 'Zoho-oauthtoken 1000.unknown']) {
      const answer = await api(sandbox, 'GET', FIELDS, undefined, { authorization });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    }
    const good = (await requestToken(sandbox)).body.access_token as string;
    const bearer = await api(sandbox, 'GET', FIELDS, undefined, { authorization: `Bearer ${good}` });
    expect(bearer.status).toBe(401);
    expect(bearer.body).toMatchObject({ code: 'AUTHENTICATION_FAILURE', status: 'error' });
    const shortLived = await startSandbox({ tokenTtlSeconds: 0 });
    const expired = (await requestToken(shortLived)).body;
    expect(expired.expires_in).toBe(0);
    expect((await api(shortLived, 'GET', FIELDS, undefined, { authorization: `Zoho-oauthtoken ${expired.access_token}` })).body.code).toBe('INVALID_TOKEN');
  });

  it('expire-tokens ends every access token; the refresh token still gets a new one', async () => {
    const sandbox = await startSandbox();
    const before = (await requestToken(sandbox)).body.access_token as string;
    const auth = { authorization: `Zoho-oauthtoken ${before}` };
    expect((await api(sandbox, 'GET', FIELDS, undefined, auth)).status).toBe(200);
    const expire = await control(sandbox, 'POST', '/zoho/expire-tokens');
    expect(expire.status).toBe(200);
    expect(expire.body).toEqual({});
    const refused = await api(sandbox, 'GET', FIELDS, undefined, auth);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_TOKEN');
    const after = (await requestToken(sandbox)).body.access_token as string;
    expect(after).not.toBe(before);
    expect((await api(sandbox, 'GET', FIELDS, undefined, { authorization: `Zoho-oauthtoken ${after}` })).status).toBe(200);
  });
});
