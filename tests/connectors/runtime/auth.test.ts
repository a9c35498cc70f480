import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { InMemoryTokenStore, RateBudget, TokenProvider, crmFetch, formTokenEndpoint } from '../../../connectors/runtime/index.ts';
import type { AuthFlow, HttpContext, TokenStore } from '../../../connectors/runtime/index.ts';
import { sendJson, startServer } from './local-server.ts';
import type { LocalServer } from './local-server.ts';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const CLIENT_SECRET = 'client-secret-9f8e7d6c5b4a';
const REFRESH_TOKEN = 'refresh-token-0a1b2c3d4e5f';

/** A CRM with a token endpoint that issues `fresh-N` tokens and an API that accepts only issued tokens. */
async function crm(options: { tokenStatus?: number; tokenBody?: unknown; expiresIn?: number; rotate?: boolean } = {}) {
  const valid = new Set<string>();
  let issued = 0;
  const server = await startServer(async (req, res) => {
    if (req.path === '/oauth/token') {
      if (options.tokenStatus) return sendJson(res, options.tokenStatus, options.tokenBody);
      await new Promise((r) => setTimeout(r, 30)); // a slow token endpoint widens the race window
      const token = `fresh-${++issued}-abcdef`;
      valid.add(token);
      return sendJson(res, 200, {
        access_token: token, token_type: 'bearer', instance_url: 'http://ignored.example',
        ...(options.expiresIn ? { expires_in: options.expiresIn } : {}), ...(options.rotate ? { refresh_token: `rotated-${issued}-xyz123` } : {}),
      });
    }
    const auth = String(req.headers.authorization ?? '');
    if (!valid.has(auth.replace(/^Bearer /, ''))) return sendJson(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    return sendJson(res, 200, { ok: true, path: req.path });
  });
  servers.push(server);
  const tokenCalls = () => server.requests.filter((r) => r.path === '/oauth/token');
  return { server, valid, tokenCalls };
}

function setup(server: LocalServer, flow: AuthFlow, store: TokenStore, reauth: string[] = [], extra: Partial<ConstructorParameters<typeof TokenProvider>[0]> = {}) {
  const auth = new TokenProvider({
    connectorId: 'conn-1', crm: 'salesforce', flow, store,
    tokenEndpoint: formTokenEndpoint(`${server.url}/oauth/token`),
    onNeedsReauthorisation: (id, reason) => { reauth.push(`${id}: ${reason}`); },
    ...extra,
  });
  const ctx: HttpContext = {
    crm: 'salesforce', auth, baseUrl: server.url,
    budget: new RateBudget({ crm: 'salesforce', accountId: 'org-1', concurrency: 50 }),
    retry: { maxAttempts: 2, baseDelayMs: 10 },
  };
  return { auth, ctx };
}

const refreshFlow: AuthFlow = { kind: 'refresh-token', clientId: 'client-id', clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN };

describe('token refresh is single-flight', () => {
  it('50 concurrent calls with an expired token: exactly one token refresh and 50 successes', async () => {
    const { server, tokenCalls } = await crm();
    const store = new InMemoryTokenStore({ 'conn-1': { accessToken: 'old-token-123456', refreshToken: REFRESH_TOKEN, expiresAt: Date.now() - 1000 } });
    const { ctx } = setup(server, refreshFlow, store);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => crmFetch(ctx, 'interactive', { path: `/data/${i}` })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(tokenCalls()).toHaveLength(1);
    expect(tokenCalls()[0]?.body).toContain('grant_type=refresh_token');
    // The expired token was never sent: it was refreshed before use.
    expect(server.requests.filter((r) => r.headers.authorization === 'Bearer old-token-123456')).toHaveLength(0);
    expect((await store.load('conn-1'))?.accessToken).toBe('fresh-1-abcdef');
  });

  it('50 concurrent calls all answered 401: exactly one token refresh, each call replayed once, 50 successes', async () => {
    const { server, tokenCalls } = await crm();
    const store = new InMemoryTokenStore({ 'conn-1': { accessToken: 'revoked-token-123', refreshToken: REFRESH_TOKEN, expiresAt: null } });
    const { ctx } = setup(server, refreshFlow, store);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => crmFetch(ctx, 'interactive', { path: `/data/${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(tokenCalls()).toHaveLength(1);
    expect(server.requests.filter((r) => r.path.startsWith('/data/'))).toHaveLength(100);
  });

  it('refreshes shortly before expiry and keeps a rotated refresh token', async () => {
    const { server, tokenCalls } = await crm({ expiresIn: 60, rotate: true });
    const store = new InMemoryTokenStore();
    const { ctx } = setup(server, refreshFlow, store, [], { refreshBeforeExpiryMs: 59_700 });
    await crmFetch(ctx, 'sync', { path: '/a' });
    await crmFetch(ctx, 'sync', { path: '/b' });
    expect(tokenCalls()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 400)); // now inside the refresh margin
    await crmFetch(ctx, 'sync', { path: '/c' });
    expect(tokenCalls()).toHaveLength(2);
    expect(tokenCalls()[1]?.body).toContain('refresh_token=rotated-1-xyz123');
    expect((await store.load('conn-1'))?.refreshToken).toBe('rotated-2-xyz123');
  });

  it('client-credentials flow posts the client credentials grant', async () => {
    const { server, tokenCalls } = await crm({ expiresIn: 1800 });
    const { ctx } = setup(server, { kind: 'client-credentials', clientId: 'cid', clientSecret: CLIENT_SECRET, scope: 'crm.read' }, new InMemoryTokenStore());
    await Promise.all([crmFetch(ctx, 'interactive', { path: '/x' }), crmFetch(ctx, 'interactive', { path: '/y' })]);
    expect(tokenCalls()).toHaveLength(1);
    const form = new URLSearchParams(tokenCalls()[0]?.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toBe('crm.read');
  });
});

describe('rejected credentials', () => {
  async function expectAuthFailed(promise: Promise<unknown>): Promise<ConnectorError> {
    const err = await promise.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('CRM_AUTH_FAILED');
    return err as ConnectorError;
  }

  it('invalid_grant gives CRM_AUTH_FAILED, calls the reauthorisation callback once, and stops calling the token endpoint', async () => {
    const { server, tokenCalls } = await crm({ tokenStatus: 400, tokenBody: { error: 'invalid_grant', error_description: `expired access/refresh token ${REFRESH_TOKEN}` } });
    const reauth: string[] = [];
    const { ctx, auth } = setup(server, refreshFlow, new InMemoryTokenStore(), reauth);
    const errors = await Promise.all(Array.from({ length: 5 }, () => expectAuthFailed(crmFetch(ctx, 'interactive', { path: '/data' }))));
    await expectAuthFailed(crmFetch(ctx, 'interactive', { path: '/data' }));
    expect(tokenCalls()).toHaveLength(1);
    expect(reauth).toHaveLength(1);
    expect(reauth[0]).toMatch(/^conn-1: .*invalid_grant/);
    expect(auth.needsReauthorisation()).toMatch(/invalid_grant/);
    expect(server.requests.filter((r) => r.path === '/data')).toHaveLength(0);
    for (const err of errors) {
      expect(err.message).toMatch(/salesforce/);
      const everything = `${err.message} ${JSON.stringify(err)} ${err.stack}`;
      for (const secret of [CLIENT_SECRET, REFRESH_TOKEN]) expect(everything).not.toContain(secret);
    }
    // After a new authorisation calls flow again.
    await auth.authorize({ accessToken: 'fresh-manual-1234', expiresAt: null });
    await expectAuthFailed(crmFetch(ctx, 'interactive', { path: '/data' })); // this token is unknown to the server…
    expect(reauth).toHaveLength(2); // …and a token refused right after (re)authorisation is reported again
  });

  it('a 401 from the token endpoint is an auth failure too', async () => {
    const { server } = await crm({ tokenStatus: 401, tokenBody: { status: 'BAD_CLIENT_ID', message: 'bad client' } });
    const reauth: string[] = [];
    const { ctx } = setup(server, { kind: 'client-credentials', clientId: 'cid', clientSecret: CLIENT_SECRET }, new InMemoryTokenStore(), reauth);
    await expectAuthFailed(crmFetch(ctx, 'sync', { path: '/data' }));
    expect(reauth).toHaveLength(1);
  });

  it('a static token the CRM refuses gives CRM_AUTH_FAILED, marks re-authorisation and never leaks the token', async () => {
    const { server } = await crm();
    const staticToken = 'pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const reauth: string[] = [];
    const { ctx } = setup(server, { kind: 'static', accessToken: staticToken }, new InMemoryTokenStore(), reauth);
    const err = await expectAuthFailed(crmFetch(ctx, 'interactive', { path: '/data' }));
    expect(reauth).toHaveLength(1);
    expect(server.requests.filter((r) => r.path === '/data')).toHaveLength(1);
    expect(`${err.message} ${JSON.stringify(err)} ${err.stack}`).not.toContain(staticToken);
  });

  it('a token endpoint answering HTML is CRM_UNAVAILABLE, not an auth failure', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    servers.push(server);
    const reauth: string[] = [];
    const { ctx } = setup(server, refreshFlow, new InMemoryTokenStore(), reauth);
    const err = await crmFetch(ctx, 'interactive', { path: '/data' }).catch((e: unknown) => e as ConnectorError);
    expect(err).toMatchObject({ code: 'CRM_UNAVAILABLE', crm: 'salesforce' });
    expect(reauth).toHaveLength(0);
  });
});
