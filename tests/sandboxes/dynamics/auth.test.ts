import { describe, expect, it } from 'vitest';
import { DYNAMICS_SANDBOX_DEFAULTS } from '../../../sandboxes/dynamics/index.ts';
import { api, control, requestToken, startSandbox } from './helpers.ts';

describe('Dynamics sandbox: Entra ID token and bearer auth', () => {
  it('issues a bearer token for the right client credentials, in Entra\'s shape', async () => {
    const sandbox = await startSandbox();
    expect(sandbox.clientSecret).toBe(DYNAMICS_SANDBOX_DEFAULTS.clientSecret);
    const answer = await requestToken(sandbox);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: expect.stringMatching(/^eyJ/) });
    expect(answer.body).not.toHaveProperty('refresh_token');
    const who = await api(sandbox, 'GET', 'WhoAmI', undefined, { bearer: answer.body.access_token });
    expect(who.status).toBe(200);
    expect(who.headers.get('content-type')).toBe('application/json; odata.metadata=minimal');
    expect(who.headers.get('odata-version')).toBe('4.0');
    expect(who.body).toMatchObject({ '@odata.context': `${sandbox.apiUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse` });
    expect(Object.keys(who.body).sort()).toEqual(['@odata.context', 'BusinessUnitId', 'OrganizationId', 'UserId']);
  });

  it('refuses a wrong secret, client id or tenant with 401 invalid_client, a wrong grant or scope with 400', async () => {
    const sandbox = await startSandbox();
    for (const answer of [
      await requestToken(sandbox, { client_secret: 'wrong' }),
      await requestToken(sandbox, { client_id: 'someone-else' }),
      await requestToken(sandbox, {}, 'other-tenant'),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe('invalid_client');
      expect(answer.body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
      expect(answer.body.error_codes).toEqual([7000215]);
      expect(answer.body).not.toHaveProperty('access_token');
    }
    expect((await requestToken(sandbox, { grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
    const scope = await requestToken(sandbox, { scope: 'https://org.crm.dynamics.com/user_impersonation' });
    expect(scope.status).toBe(400);
    expect(scope.body.error).toBe('invalid_scope');
  });

  it('answers a bad, missing or expired bearer token with an empty 401 and WWW-Authenticate', async () => {
    const sandbox = await startSandbox();
    for (const bearer of ['not-a-token', null]) {
      const answer = await api(sandbox, 'GET', 'contacts', undefined, { bearer });
      expect(answer.status).toBe(401);
      expect(answer.text).toBe('');
      expect(answer.headers.get('www-authenticate')).toBe(`Bearer authorization_uri=${sandbox.url}/${sandbox.tenantId}/oauth2/authorize, resource_id=${sandbox.url}/`);
    }
    const good = (await requestToken(sandbox)).body.access_token as string;
    expect((await api(sandbox, 'GET', 'contacts', undefined, { bearer: good })).status).toBe(200);
    expect((await control(sandbox, 'POST', '/dynamics/expire-tokens')).body).toEqual({ expired: 1 });
    expect((await api(sandbox, 'GET', 'contacts', undefined, { bearer: good })).status).toBe(401);
  });

  it('expires tokens after accessTokenTtlSeconds', async () => {
    const sandbox = await startSandbox({ accessTokenTtlSeconds: 1 });
    const answer = await requestToken(sandbox);
    expect(answer.body.expires_in).toBe(1);
    expect((await api(sandbox, 'GET', 'WhoAmI', undefined, { bearer: answer.body.access_token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api(sandbox, 'GET', 'WhoAmI', undefined, { bearer: answer.body.access_token })).status).toBe(401);
  });
});
