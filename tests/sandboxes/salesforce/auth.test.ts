import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { connect, connectWithRefresh, errorOf, newConnection } from './helpers.ts';

let sb: SalesforceSandbox;
beforeAll(async () => {
  sb = await startSalesforceSandbox();
});
afterAll(() => sb.close());

const token = (form: Record<string, string>) =>
  fetch(`${sb.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });

describe('OAuth token endpoint', () => {
  it('issues a token with instance_url and identity url for client_credentials', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: 'customer-graph', client_secret: 'sandbox' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, string>;
    expect(body.instance_url).toBe(sb.url);
    expect(body.id).toMatch(new RegExp(`^${sb.url}/id/00D\\w{15}/005\\w{15}$`));
    expect(body.token_type).toBe('Bearer');
    expect(body.refresh_token).toBeUndefined();
  });

  it("refuses bad clients, secrets, grants and refresh tokens with Salesforce's bodies", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'sandbox' }, 'invalid_client_id'],
      [{ grant_type: 'client_credentials', client_id: 'customer-graph', client_secret: 'wrong' }, 'invalid_client'],
      [{ grant_type: 'password', client_id: 'customer-graph', client_secret: 'sandbox', username: 'u', password: 'p' }, 'unsupported_grant_type'],
      [{ grant_type: 'refresh_token', client_id: 'customer-graph', client_secret: 'sandbox', refresh_token: 'stale' }, 'invalid_grant'],
    ];
    for (const [form, error] of cases) {
      const res = await token(form);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe(error);
    }
  });

  it('jsforce surfaces a refused login as an error named after the OAuth error', async () => {
    const conn = newConnection(sb);
    conn.oauth2.clientSecret = 'wrong';
    const err = await errorOf(conn.authorize({ grant_type: 'client_credentials' }));
    expect(err.name).toBe('invalid_client');
    expect(err.message).toBe('invalid client credentials');
  });

  it('serves the identity URL', async () => {
    const conn = await connect(sb);
    const id = await conn.identity();
    expect(id.user_id).toMatch(/^005/);
    expect(id.organization_id).toMatch(/^00D/);
  });
});

describe('sessions', () => {
  it('answers 401 INVALID_SESSION_ID (an array body) for unknown tokens', async () => {
    const res = await fetch(`${sb.url}/services/data/v60.0/limits`, { headers: { Authorization: 'Bearer bogus' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID', fields: [] }]);
  });

  it('jsforce refreshes after the tokens are expired and the call succeeds', async () => {
    const conn = await connectWithRefresh(sb);
    let refreshes = 0;
    conn.on('refresh', () => refreshes++);
    // First call: the placeholder token is unknown → 401 → refresh → replay.
    await conn.query('SELECT Id FROM Contact');
    expect(refreshes).toBe(1);
    const res = await fetch(`${sb.url}/_sandbox/salesforce/expire-tokens`, { method: 'POST' });
    expect(((await res.json()) as { expired: number }).expired).toBeGreaterThan(0);
    const before = conn.accessToken;
    const result = await conn.query('SELECT COUNT() FROM Contact');
    expect(result.totalSize).toBe(0);
    expect(refreshes).toBe(2);
    expect(conn.accessToken).not.toBe(before);
  });

  it('a client_credentials session without a refresh token fails the way jsforce reports it', async () => {
    const conn = await connect(sb);
    sb.expireTokens();
    const err = await errorOf(conn.query('SELECT Id FROM Contact'));
    expect(err.message).toMatch(/No refresh token found/);
  });

  it('tokens expire after the configured TTL', async () => {
    const short = await startSalesforceSandbox({ tokenTtlSeconds: 1 });
    try {
      const conn = await connect(short);
      await conn.query('SELECT Id FROM Contact');
      await new Promise((r) => setTimeout(r, 1100));
      const res = await fetch(`${short.url}/services/data/v60.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { errorCode: string }[])[0]!.errorCode).toBe('INVALID_SESSION_ID');
    } finally {
      await short.close();
    }
  });

  it('honours custom credentials', async () => {
    const custom = await startSalesforceSandbox({ clientId: 'other', clientSecret: 's3cret' });
    try {
      const ok = await fetch(`${custom.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'other', client_secret: 's3cret' }) });
      expect(ok.status).toBe(200);
      const bad = await fetch(`${custom.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'customer-graph', client_secret: 'sandbox' }) });
      expect(bad.status).toBe(400);
    } finally {
      await custom.close();
    }
  });
});

describe('versions', () => {
  it('lists versions without auth and 404s an unknown version', async () => {
    const res = await fetch(`${sb.url}/services/data/`);
    const versions = (await res.json()) as { version: string; label: string; url: string }[];
    expect(versions.at(-1)).toEqual({ label: "Spring '24", url: '/services/data/v60.0', version: '60.0' });
    expect(versions.find((v) => v.version === '59.0')?.label).toBe("Winter '24");
    expect(res.headers.get('sforce-limit-info')).toBeNull();
    const conn = await connect(sb);
    const bad = await fetch(`${sb.url}/services/data/v99.0/limits`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
    expect(bad.status).toBe(404);
    expect(((await bad.json()) as { errorCode: string }[])[0]!.errorCode).toBe('NOT_FOUND');
  });
});
