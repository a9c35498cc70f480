/**
 * Connection settings saved through one process reach every process on the database that runs that connector (the
 * worker polling and writing back, other gateway replicas), over LISTEN/NOTIFY `connector_saved`.
 *
 * On any driver: settings stored by another writer of the database (a second store object, as another process would)
 * and announced are applied by the running app: its next call goes to the new address. With DATABASE_URL: two whole
 * apps on one Postgres database, a save through A switches B's connector, and disabling it through A stops it in B
 * too (enabling resumes it). On PGlite that part is skipped: two processes cannot share one PGlite data folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorStore } from '../../db/connector-store.ts';
import { publishConnectorSaved } from '../../db/connector-events.ts';
import { startHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { onPostgres } from '../support/test-database.ts';

const PORTAL_TOKEN = 'propagation-portal-token-7781';
const TWO_APPS = onPostgres ? '' : ' [skipped: needs DATABASE_URL (Postgres) — two processes cannot share one PGlite data folder]';
// Generous: applying saved settings takes a store read and a connector build, seconds on a loaded CI machine.
const POLL = { timeout: 20_000, interval: 100 };
const TEST = 'mutation($id: ID!) { testConnector(id: $id) { ok error { code message } } }';
const SAVE = `mutation($input: SaveConnectorInput!) { saveConnector(input: $input) { applied } }`;

describe('connector settings saved in one process reach the others', () => {
  let a: TestApp;
  let b: TestApp | undefined;
  let portal: RunningHubSpotSandbox;
  let portal2: RunningHubSpotSandbox;
  beforeAll(async () => {
    a = await startTestApp();
    if (onPostgres) b = await startTestApp({ join: a, linkOnStart: false });
    portal = await startHubSpotSandbox({ accessToken: PORTAL_TOKEN, portalId: 99002 });
    portal2 = await startHubSpotSandbox({ accessToken: PORTAL_TOKEN, portalId: 99003 });
  }, 240_000);
  afterAll(async () => {
    await portal?.close();
    await portal2?.close();
    await b?.close();
    await a?.close();
  });

  /** Tests the connector through `t` and says whether the call reached `to` (default: the first new portal). */
  const reachesPortal = async (t: TestApp, to: RunningHubSpotSandbox = portal) => {
    const before = to.control.total;
    const res = await t.gql<{ testConnector: { ok: boolean } }>(TEST, { id: 'hubspot-demo' });
    expect(res.errors).toBeUndefined();
    return res.data!.testConnector.ok && to.control.total > before;
  };

  it('applies settings another process stored and announced: the next call goes to the new address', async () => {
    expect(await reachesPortal(a)).toBe(false);
    const store = new ConnectorStore(a.app.database.db, a.app.cipher);
    const row = (await store.get('hubspot-demo'))!;
    await store.upsert({ id: row.id, crm: row.crm, name: row.name, baseUrl: portal.url, settings: row.settings,
      credentials: { auth: { kind: 'static', accessToken: PORTAL_TOKEN } } });
    await publishConnectorSaved(a.app.database, { id: 'hubspot-demo', origin: 'another-process' });
    await expect.poll(() => reachesPortal(a), POLL).toBe(true);
  });

  it(`switches the connector of a second app on the database when the first saves${TWO_APPS}`, async () => {
    if (!b) return;
    // B follows the first portal (previous test); A saves the second one's address.
    expect(await reachesPortal(b, portal2)).toBe(false);
    const saved = await a.gql<{ saveConnector: { applied: boolean } }>(SAVE, { input: {
      id: 'hubspot-demo', crm: 'hubspot', name: 'HubSpot (moved)', baseUrl: portal2.url, authKind: 'static',
      credentials: [{ name: 'accessToken', value: PORTAL_TOKEN }] } });
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveConnector.applied).toBe(true);
    await expect.poll(() => reachesPortal(b!, portal2), POLL).toBe(true);
  });

  it(`disabling through one app stops the connector in the other at once, and enabling resumes it${TWO_APPS}`, async () => {
    if (!b) return;
    const set = (on: boolean) => a.gql('mutation($on: Boolean!) { setConnectorEnabled(id: "hubspot-demo", enabled: $on) { restartReason } }', { on });
    const running = async (t: TestApp) => (await t.gql<{ connectors: { id: string; running: boolean }[] }>('{ connectors { id running } }')).data?.connectors.find((c) => c.id === 'hubspot-demo')?.running;
    expect(await running(b)).toBe(true);
    expect((await set(false)).errors).toBeUndefined();
    await expect.poll(() => running(b!), POLL).toBe(false);
    const before = portal2.control.total;
    const read = await b.gql('{ hubSpotContacts(first: 1) { edges { node { id } } } }');
    expect(read.errors?.[0]?.extensions?.code).toBe('CRM_UNAVAILABLE');
    expect(portal2.control.total).toBe(before);
    expect((await set(true)).errors).toBeUndefined();
    await expect.poll(() => running(b!), POLL).toBe(true);
    await expect.poll(() => reachesPortal(b!, portal2), POLL).toBe(true);
  });
});
