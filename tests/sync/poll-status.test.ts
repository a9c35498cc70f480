/**
 * Poll status against the sandboxes (real connectors, real database), read back through the admin `syncHealth` field:
 * a successful poll says when the object was polled and how many records it read, with no error; a poll of a CRM
 * that cannot be reached (a HubSpot connector pointed at a closed port) or that refuses the credentials records the
 * connector's error code and message and counts the failures in a row, while the last success stays; a Salesforce
 * poll that fails because HubSpot is down names HubSpot; the next successful poll clears the error. A failure to store the status (its table renamed away) does not stop polling.
 */
import net from 'node:net';
import { sql } from 'drizzle-orm';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/contract/index.ts';
import { createHubSpotConnector } from '../../connectors/hubspot/index.ts';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { recordLinks } from '../../db/schema.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { createAdminSubgraph } from '../../subgraphs/admin/index.ts';
import type { ChangeApplierContext } from '../../sync/change-applier.ts';
import { pollOnce } from '../../sync/poller.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';

const seed = generateDemoSeed({ customers: 12 });
const customersOnly: MappingConfig = { ...DEFAULT_MAPPING_CONFIG, types: { Customer: DEFAULT_MAPPING_CONFIG.types.Customer! } };

interface Line {
  connectorId: string; objectType: string | null; updatedAt: string | null;
  lastPolledAt: string | null; lastPollAgeSeconds: number | null; lastSuccessAt: string | null; lastSuccessAgeSeconds: number | null;
  recordsLastPoll: number | null; consecutiveFailures: number; lastError: { code: string; message: string; at: string; crm: string | null } | null;
}
const QUERY = `{ syncHealth { changeCapture {
  connectorId objectType updatedAt lastPolledAt lastPollAgeSeconds lastSuccessAt lastSuccessAgeSeconds recordsLastPoll consecutiveFailures
  lastError { code message at crm }
} } }`;

let world: World;
let admin: ReturnType<typeof createAdminSubgraph>;

const context = (connectors: ReadonlyMap<string, Connector>): ChangeApplierContext => ({ db: world.db.db, config: customersOnly, connectors });
/** The world's connectors with HubSpot replaced. */
const withHubSpot = (hubspot: Connector) => new Map(world.connectors).set('hubspot', hubspot);
const hubspotAt = (baseUrl: string, accessToken: string) => createHubSpotConnector({
  connectorId: `poll-status-${baseUrl}`, baseUrl, registry: new RateBudgetRegistry(),
  retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }, auth: { kind: 'static', accessToken },
});

async function health(): Promise<Map<string, Line>> {
  const res = await graphql({ schema: admin.schema(), source: QUERY });
  expect(res.errors).toBeUndefined();
  const lines = (res.data as { syncHealth: { changeCapture: Line[] } }).syncHealth.changeCapture;
  return new Map(lines.map((l) => [`${l.connectorId}/${l.objectType}`, l]));
}

/** A loopback port nothing listens on: a CRM that is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  world = await startWorld(customersOnly, { seed });
  admin = createAdminSubgraph({ db: world.db.db, getConfig: () => customersOnly, connectors: new Map(), connectorIds: new Map() });
}, 120_000);
afterAll(async () => world?.close());

describe('poll status', () => {
  let firstSuccess: string;

  it('before any poll nothing is reported; a successful poll says when and how many records, with no error', async () => {
    expect([...(await health()).keys()]).toEqual([]);
    const report = await pollOnce(context(world.connectors));
    expect(report.failed).toEqual([]);
    const h = await health();
    expect([...h.keys()]).toEqual(['hubspot/contacts', 'salesforce/Contact']);
    const hs = h.get('hubspot/contacts')!;
    expect(hs).toMatchObject({ consecutiveFailures: 0, lastError: null, recordsLastPoll: seed.hubspot.contacts.length });
    expect(hs.lastPolledAt).not.toBeNull();
    expect(hs.lastSuccessAt).toBe(hs.lastPolledAt);
    expect(hs.lastPollAgeSeconds).toBeLessThan(30);
    expect(h.get('salesforce/Contact')).toMatchObject({ consecutiveFailures: 0, lastError: null, recordsLastPoll: seed.salesforce.Contact.length });
    firstSuccess = hs.lastSuccessAt!;
  }, 60_000);

  it('a quiet object polled again shows a new poll time, whether or not its cursor moved', async () => {
    const before = (await health()).get('salesforce/Contact')!;
    await new Promise((r) => setTimeout(r, 20)); // a distinguishable time
    // No overlap: the records the last poll ended on are not read again, as once the overlap window has passed.
    const report = await pollOnce(context(world.connectors), { overlapMs: 0 });
    expect(report.failed).toEqual([]);
    expect(report.events).toBe(0);
    const after = (await health()).get('salesforce/Contact')!;
    expect(Date.parse(after.lastPolledAt!)).toBeGreaterThan(Date.parse(before.lastPolledAt!));
    expect(after.lastSuccessAt).toBe(after.lastPolledAt);
    expect(after.lastError).toBeNull();
    // Nothing changed in Salesforce: nothing read, the cursor did not move — yet the page can tell polling is alive.
    expect(after.recordsLastPoll).toBe(0);
    expect(after.updatedAt).toBe(before.updatedAt);
  }, 60_000);

  it('a CRM that cannot be reached: its code and message, failures in a row, the last success kept; the other CRM unaffected', async () => {
    const down = withHubSpot(hubspotAt(`http://127.0.0.1:${await closedPort()}`, 'pat-whatever'));
    // No overlap (here and below): Salesforce reads nothing, so only HubSpot's own poll meets the outage.
    const first = await pollOnce(context(down), { overlapMs: 0 });
    expect(first.failed.map((f) => `${f.crm}/${f.objectType}:${f.code}`)).toEqual(['hubspot/contacts:CRM_UNAVAILABLE']);
    expect((await health()).get('hubspot/contacts')).toMatchObject({ consecutiveFailures: 1, lastError: { code: 'CRM_UNAVAILABLE' } });

    const second = await pollOnce(context(down), { overlapMs: 0 });
    const h = await health();
    const hs = h.get('hubspot/contacts')!;
    expect(hs.consecutiveFailures).toBe(2);
    expect(hs.lastError!.code).toBe('CRM_UNAVAILABLE');
    expect(hs.lastError!.message).toBe(second.failed[0]!.message); // the connector's message, as the log has it
    expect(hs.lastError!.message).toMatch(/^hubspot: /);
    expect(hs.lastError!.at).toBe(hs.lastPolledAt);
    expect(hs.lastError!.crm).toBe('hubspot');
    expect(hs.lastSuccessAt).not.toBe(hs.lastPolledAt);
    expect(Date.parse(hs.lastSuccessAt!)).toBeGreaterThanOrEqual(Date.parse(firstSuccess));
    expect(hs.updatedAt).not.toBeNull(); // the cursor of the earlier successful polls is untouched
    expect(h.get('salesforce/Contact')).toMatchObject({ consecutiveFailures: 0, lastError: null });
  }, 60_000);

  it('credentials refused: CRM_AUTH_FAILED replaces the previous error and the run of failures goes on', async () => {
    const refused = withHubSpot(hubspotAt(world.hubspot.url, 'pat-na1-00000000-revoked-0000-0000-000000000000'));
    const report = await pollOnce(context(refused), { overlapMs: 0 });
    expect(report.failed.map((f) => `${f.crm}/${f.objectType}:${f.code}`)).toEqual(['hubspot/contacts:CRM_AUTH_FAILED']);
    const hs = (await health()).get('hubspot/contacts')!;
    expect(hs).toMatchObject({ consecutiveFailures: 3, lastError: { code: 'CRM_AUTH_FAILED', message: report.failed[0]!.message } });
  }, 60_000);

  it('a Salesforce change to a customer also in HubSpot, polled while HubSpot is down: the Salesforce line names HubSpot', async () => {
    // A Salesforce contact whose customer also has a HubSpot record: applying its change reads that record.
    const links = await world.db.db.select({ goldenId: recordLinks.goldenId, crm: recordLinks.crm, recordId: recordLinks.recordId }).from(recordLinks);
    const inHubSpot = new Set(links.filter((l) => l.crm === 'hubspot').map((l) => l.goldenId));
    const shared = links.find((l) => l.crm === 'salesforce' && inHubSpot.has(l.goldenId));
    expect(shared).toBeDefined();
    const [updated] = await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: shared!.recordId, fields: { Title: 'Changed while HubSpot is down' } }]);
    expect(updated!.ok).toBe(true);
    const down = withHubSpot(hubspotAt(`http://127.0.0.1:${await closedPort()}`, 'pat-whatever'));
    const report = await pollOnce(context(down), { overlapMs: 0 });
    expect(report.failed.map((f) => `${f.crm}/${f.objectType}:${f.code}`).sort()).toEqual(['hubspot/contacts:CRM_UNAVAILABLE', 'salesforce/Contact:CRM_UNAVAILABLE']);
    const sf = (await health()).get('salesforce/Contact')!;
    expect(sf).toMatchObject({ consecutiveFailures: 1, lastError: { code: 'CRM_UNAVAILABLE', crm: 'hubspot' } });
    expect(sf.lastError!.message).toMatch(/^hubspot: /);
  }, 60_000);

  it('the next successful poll clears the errors and the counts', async () => {
    const report = await pollOnce(context(world.connectors));
    expect(report.failed).toEqual([]);
    expect(report.snapshotsChanged).toBe(1); // the Salesforce change that waited for HubSpot
    const h = await health();
    for (const key of ['hubspot/contacts', 'salesforce/Contact']) {
      const line = h.get(key)!;
      expect(line).toMatchObject({ consecutiveFailures: 0, lastError: null });
      expect(line.lastSuccessAt).toBe(line.lastPolledAt);
      expect(line.lastPollAgeSeconds).toBeLessThan(30);
    }
    expect(h.get('salesforce/Contact')!.recordsLastPoll).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a CRM object that has failed since its first poll is listed though it has no cursor', async () => {
    // Its own connector id, so no cursor of the earlier polls applies.
    const down = new Map([['hubspot', hubspotAt(`http://127.0.0.1:${await closedPort()}`, 'x')]]);
    await pollOnce({ ...context(down), connectorIds: new Map([['hubspot', 'hs-never-read']]) });
    const line = (await health()).get('hs-never-read/contacts')!;
    expect(line).toMatchObject({ updatedAt: null, lastSuccessAt: null, recordsLastPoll: null, consecutiveFailures: 1, lastError: { code: 'CRM_UNAVAILABLE' } });
    expect(line.lastPolledAt).not.toBeNull();
  }, 60_000);

  it('when the status cannot be stored, polling goes on and says so', async () => {
    const db = world.db.db;
    await db.execute(sql`alter table sync_poll_status rename to sync_poll_status_away`);
    try {
      const contact = seed.salesforce.Contact[0]!;
      const [updated] = await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: contact.Id, fields: { Title: 'Polled without a status' } }]);
      expect(updated!.ok).toBe(true);
      const unstored: string[] = [];
      const report = await pollOnce(context(world.connectors), { onStatusError: (e) => unstored.push(`${e.crm}/${e.objectType}`) });
      expect(report.failed).toEqual([]);
      expect(report.records).toBeGreaterThanOrEqual(1); // the change itself was read and committed
      expect(report.snapshotsChanged).toBe(1);
      expect(unstored.sort()).toEqual(['hubspot/contacts', 'salesforce/Contact']);
    } finally {
      await db.execute(sql`alter table sync_poll_status_away rename to sync_poll_status`);
    }
  }, 60_000);
});
