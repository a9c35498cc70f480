/**
 * `connectorKinds` and `saveConnector` on the real app (embedded demo: Salesforce and HubSpot sandboxes, real
 * connectors, real database), over HTTP with CUSTOMER_GRAPH_API_TOKENS set. A second HubSpot sandbox (another portal,
 * its own private-app token) stands for the account an admin moves a connector to.
 *
 * Shown: the forms list every CRM without any value; refused credentials (CRM_AUTH_FAILED), a CRM that does not
 * answer (CRM_UNAVAILABLE) and every kind of invalid input (BAD_USER_INPUT naming the field, CONFLICT) store nothing —
 * the stored ciphertext stays byte for byte and the running connector keeps working; good settings are stored
 * encrypted and the running connector uses them on its next call without a restart (calls go to the new portal, not
 * the old one); leaving credentials out keeps them; a connector this process cannot start says why; no answer ever
 * carries a credential; both fields need the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ConnectorStore } from '../../db/connector-store.ts';
import { connectors, syncCursors } from '../../db/schema.ts';
import { startHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'connector-settings-token';
const SECOND_PORTAL_TOKEN = 'second-portal-private-app-token-42';
const WRONG_TOKEN = 'wrong-private-app-token-0000000';

const SAVE = `mutation Save($input: SaveConnectorInput!) {
  saveConnector(input: $input) { applied restartReason test { ms objectsChecked } connector { id crm name baseUrl status running demo } }
}`;
const KINDS = '{ connectorKinds { crm label baseUrlLabel defaultBaseUrl authKinds { kind label fields { name label secret required requires help } } } }';

interface SaveResult {
  applied: boolean; restartReason: string | null; test: { ms: number; objectsChecked: string[] };
  connector: { id: string; crm: string; name: string; baseUrl: string | null; status: string; running: boolean; demo: boolean };
}

describe('admin API: connectorKinds and saveConnector', () => {
  let t: TestApp;
  let second: RunningHubSpotSandbox;
  let store: ConnectorStore;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const save = (input: Record<string, unknown>, token?: string | null) => gql<{ saveConnector: SaveResult }>(SAVE, { input }, token);
  const hubspotInput = (over: Record<string, unknown> = {}) => ({
    id: 'hubspot-demo', crm: 'hubspot', name: 'HubSpot (sandbox)', baseUrl: t.hubspotUrl, authKind: 'static',
    credentials: [{ name: 'accessToken', value: 'sandbox-token' }, { name: 'webhookSecret', value: 'sandbox' }], ...over,
  });
  const ciphertext = async (id: string) => {
    const [row] = await t.app.database.db.select({ c: connectors.credentialsCiphertext, name: connectors.name, baseUrl: connectors.baseUrl }).from(connectors).where(eq(connectors.id, id));
    return row;
  };
  const testConnector = async (id: string) => {
    const res = await gql<{ testConnector: { ok: boolean; error: { code: string } | null } }>('mutation($id: ID!) { testConnector(id: $id) { ok error { code } } }', { id });
    expect(res.errors).toBeUndefined();
    return res.data!.testConnector;
  };
  const primaryCalls = async () => (await fetch(`${t.hubspotUrl}/_sandbox/stats`).then((r) => r.json()) as { total: number }).total;

  beforeAll(async () => {
    process.env.CUSTOMER_GRAPH_API_TOKENS = TOKEN;
    t = await startTestApp();
    second = await startHubSpotSandbox({ accessToken: SECOND_PORTAL_TOKEN, portalId: 99001 });
    store = new ConnectorStore(t.app.database.db, t.app.cipher);
  }, 240_000);
  afterAll(async () => {
    await second?.close();
    await t?.close();
    delete process.env.CUSTOMER_GRAPH_API_TOKENS;
  });

  it('lists each CRM\'s connection form, with no value in it', async () => {
    const res = await gql<{ connectorKinds: { crm: string; baseUrlLabel: string; defaultBaseUrl: string | null; authKinds: { kind: string; fields: { name: string; secret: boolean; required: boolean; requires: string | null }[] }[] }[] }>(KINDS);
    expect(res.errors).toBeUndefined();
    const kinds = new Map(res.data!.connectorKinds.map((k) => [k.crm, k]));
    expect([...kinds.keys()].sort()).toEqual(['dynamics', 'hubspot', 'pipedrive', 'salesforce', 'zoho']);
    // Zoho CRM: the API domain of the org's data centre, a self client and its refresh token, an optional notification token.
    expect(kinds.get('zoho')!.baseUrlLabel).toBe('API domain (data centre)');
    expect(kinds.get('zoho')!.defaultBaseUrl).toBe('https://www.zohoapis.com');
    expect(kinds.get('zoho')!.authKinds.map((a) => a.fields.map((f) => [f.name, f.secret, f.required]))).toEqual([
      [['clientId', false, true], ['clientSecret', true, true], ['refreshToken', true, true], ['accountsUrl', false, false], ['webhookToken', true, false]]]);
    // Dynamics 365: the org URL, and an Entra ID app registration; its secret and the optional webhook key are secrets.
    expect(kinds.get('dynamics')!.baseUrlLabel).toBe('Organization URL');
    expect(kinds.get('dynamics')!.authKinds.map((a) => a.fields.map((f) => [f.name, f.secret, f.required]))).toEqual([
      [['tenantId', false, true], ['clientId', false, true], ['clientSecret', true, true], ['authorityUrl', false, false], ['webhookKey', true, false]]]);
    expect(kinds.get('pipedrive')!.baseUrlLabel).toBe('Company domain');
    expect(kinds.get('salesforce')!.baseUrlLabel).toBe('Login URL');
    expect(kinds.get('hubspot')!.defaultBaseUrl).toBe('https://api.hubapi.com');
    const pat = kinds.get('hubspot')!.authKinds.find((a) => a.kind === 'static')!;
    expect(pat.fields).toEqual([
      expect.objectContaining({ name: 'accessToken', secret: true, required: true }),
      expect.objectContaining({ name: 'webhookSecret', secret: true, required: false }),
    ]);
    const cc = kinds.get('salesforce')!.authKinds.find((a) => a.kind === 'client-credentials')!;
    expect(cc.fields.map((f) => [f.name, f.secret])).toEqual([['clientId', false], ['clientSecret', true]]);
    // Pipedrive's optional webhook credentials come as a pair.
    const token = kinds.get('pipedrive')!.authKinds.find((a) => a.kind === 'api-token')!;
    expect(token.fields.filter((f) => !f.required)).toEqual([
      expect.objectContaining({ name: 'webhookUser', secret: false, requires: 'webhookPassword' }),
      expect.objectContaining({ name: 'webhookPassword', secret: true, requires: 'webhookUser' }),
    ]);
    expect(JSON.stringify(res.data)).not.toMatch(/sandbox-token|customer-graph"/);
  });

  it('refuses credentials the CRM refuses (CRM_AUTH_FAILED): nothing stored, the running connector keeps working', async () => {
    const before = await ciphertext('hubspot-demo');
    const res = await save(hubspotInput({ credentials: [{ name: 'accessToken', value: WRONG_TOKEN }] }));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CRM_AUTH_FAILED', connector: 'hubspot-demo' });
    expect(res.errors![0]!.message).toMatch(/^HubSpot refused these credentials, so nothing was stored: .*rejected.*\. Check them and the auth kind, then save again\.$/);
    expect(res.errors![0]!.message).not.toMatch(/re-authorisation|connector hubspot-demo/);
    expect(JSON.stringify(res)).not.toContain(WRONG_TOKEN);
    expect(await ciphertext('hubspot-demo')).toEqual(before);
    expect((await store.get('hubspot-demo'))!.status).toBe('active');
    expect(await testConnector('hubspot-demo')).toMatchObject({ ok: true });
  });

  it('refuses an address where no CRM answers (CRM_UNAVAILABLE) and stores nothing', async () => {
    const before = await ciphertext('hubspot-demo');
    const res = await save(hubspotInput({ baseUrl: 'http://127.0.0.1:9' }));
    expect(res.errors?.[0]?.extensions?.code).toBe('CRM_UNAVAILABLE');
    expect(await ciphertext('hubspot-demo')).toEqual(before);
  });

  it.each([
    ['an id with capitals', { id: 'HubSpot EU' }, 'BAD_USER_INPUT', 'id'],
    ['a CRM this build does not support', { id: 'freshsales-main', crm: 'freshsales' }, 'BAD_USER_INPUT', 'crm'],
    ['an unknown auth kind', { authKind: 'password' }, 'BAD_USER_INPUT', 'authKind'],
    ['a required field left empty', { credentials: [{ name: 'accessToken', value: '  ' }] }, 'BAD_USER_INPUT', 'credentials.accessToken'],
    ['a field the auth kind does not have', { credentials: [{ name: 'accessToken', value: 'x-token-1' }, { name: 'password', value: 'p' }] }, 'BAD_USER_INPUT', 'credentials.password'],
    ['a password in the URL', { baseUrl: 'https://admin:hunter2@api.hubapi.com' }, 'BAD_USER_INPUT', 'baseUrl'],
    ['a URL that is not one', { baseUrl: 'api.hubapi.com' }, 'BAD_USER_INPUT', 'baseUrl'],
    ['a new connector without credentials', { id: 'hubspot-new', credentials: null, authKind: null }, 'BAD_USER_INPUT', 'credentials'],
    ['the id of another CRM\'s connector', { id: 'salesforce-demo' }, 'CONFLICT', 'id'],
    ['a webhook user without its password', {
      id: 'pipedrive-new', crm: 'pipedrive', name: 'Pipedrive', baseUrl: 'http://127.0.0.1:9', authKind: 'api-token',
      credentials: [{ name: 'apiToken', value: 'x-token-2' }, { name: 'webhookUser', value: 'hooks' }],
    }, 'BAD_USER_INPUT', 'credentials.webhookPassword'],
  ])('refuses %s with %s naming the field, and stores nothing', async (_what, over, code, field) => {
    const before = await store.list();
    const ciphers = await Promise.all(before.map((r) => ciphertext(r.id)));
    const res = await save(hubspotInput(over));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(res.data).toBeNull();
    expect(await store.list()).toEqual(before);
    expect(await Promise.all(before.map((r) => ciphertext(r.id)))).toEqual(ciphers);
  });

  it('applies new settings to the running connector at once: its next call goes to the new portal, with the new token', async () => {
    const res = await save(hubspotInput({ baseUrl: second.url, credentials: [{ name: 'accessToken', value: SECOND_PORTAL_TOKEN }] }));
    expect(res.errors).toBeUndefined();
    const saved = res.data!.saveConnector;
    expect(saved).toMatchObject({ applied: true, restartReason: null, connector: { id: 'hubspot-demo', baseUrl: second.url, status: 'active', running: true, demo: true } });
    expect(saved.test.objectsChecked).toEqual(['contacts']);
    expect(JSON.stringify(res)).not.toContain(SECOND_PORTAL_TOKEN);
    // Stored encrypted: the ciphertext does not contain the token, the store decrypts it.
    expect((await ciphertext('hubspot-demo'))!.c).not.toContain(SECOND_PORTAL_TOKEN);
    expect(await store.readCredentials('hubspot-demo')).toMatchObject({ auth: { kind: 'static', accessToken: SECOND_PORTAL_TOKEN } });

    const [oldBefore, newBefore] = [await primaryCalls(), second.control.total];
    expect(await testConnector('hubspot-demo')).toMatchObject({ ok: true });
    expect(second.control.total).toBeGreaterThan(newBefore);
    expect(await primaryCalls()).toBe(oldBefore);
  });

  it('keeps the stored credentials when none are given (a new name, the same address)', async () => {
    const credentials = await store.readCredentials('hubspot-demo');
    const res = await save({ id: 'hubspot-demo', crm: 'hubspot', name: 'HubSpot (second portal)' });
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveConnector).toMatchObject({ applied: true, connector: { name: 'HubSpot (second portal)', baseUrl: second.url } });
    expect(await store.readCredentials('hubspot-demo')).toEqual(credentials);
    // Back to the demo portal for the tests that follow.
    expect((await save(hubspotInput())).errors).toBeUndefined();
    expect(await testConnector('hubspot-demo')).toMatchObject({ ok: true });
  });

  it('stores a connector this process cannot start yet, and says why', async () => {
    const res = await save({ id: 'hubspot-eu', crm: 'hubspot', name: 'HubSpot EU', baseUrl: second.url, authKind: 'static',
      credentials: [{ name: 'accessToken', value: SECOND_PORTAL_TOKEN }] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveConnector).toMatchObject({ applied: false, connector: { id: 'hubspot-eu', running: false, demo: false } });
    expect(res.data!.saveConnector.restartReason).toMatch(/demo sandboxes.*[Rr]estart/);
    expect(await store.readCredentials('hubspot-eu')).toMatchObject({ auth: { accessToken: SECOND_PORTAL_TOKEN } });
  });

  it('disables and enables connectors (at once) and deletes one not running, with its cursors', async () => {
    const enable = (id: string, enabled: boolean) => gql<{ setConnectorEnabled: { restartReason: string | null; connector: { status: string; running: boolean } } }>(
      'mutation($id: ID!, $on: Boolean!) { setConnectorEnabled(id: $id, enabled: $on) { restartReason connector { status running } } }', { id, on: enabled });
    const remove = (id: string) => gql<{ deleteConnector: boolean }>('mutation($id: ID!) { deleteConnector(id: $id) }', { id });

    // The running demo connector stops at once; the running Salesforce one cannot be deleted.
    const off = await enable('hubspot-demo', false);
    expect(off.data!.setConnectorEnabled).toEqual({ connector: { status: 'disabled', running: false }, restartReason: null });
    expect((await remove('salesforce-demo')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await enable('hubspot-demo', true)).data!.setConnectorEnabled).toEqual({ connector: { status: 'active', running: true }, restartReason: null });

    // A stored connector this process does not run: disabled, then deleted with its change cursors.
    expect((await enable('hubspot-eu', false)).data!.setConnectorEnabled).toEqual({ connector: { status: 'disabled', running: false }, restartReason: null });
    await t.app.database.db.insert(syncCursors).values({ connectorId: 'hubspot-eu', objectType: 'contacts', cursor: { at: '2026-01-01T00:00:00.000Z', lastId: null } as never });
    expect((await remove('hubspot-eu')).data!.deleteConnector).toBe(true);
    expect(await store.get('hubspot-eu')).toBeUndefined();
    expect(await t.app.database.db.select().from(syncCursors).where(eq(syncCursors.connectorId, 'hubspot-eu'))).toEqual([]);
    expect((await remove('hubspot-eu')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await enable('no-such-connector', true)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('needs the API token for both fields', async () => {
    const before = await ciphertext('hubspot-demo');
    expect((await gql(KINDS, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await save(hubspotInput({ name: 'Taken over' }), null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await ciphertext('hubspot-demo')).toEqual(before);
  });
});
