/**
 * The change cursors a full read leaves (sync/backfill-cursors.ts), through the start-time link run / `sync
 * --backfill` path (`linkAll`), against the sandboxes and a real database: the first poll after it reads nothing
 * when nothing changed, then exactly what changed; an object that failed during the read gets no cursor, so its
 * first poll still reads all of it; a cursor the poller already keeps is left alone.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLinks } from '../../db/schema.ts';
import type { Connector } from '../../connectors/contract/index.ts';
import { readCursor } from '../../db/sync-store.ts';
import { linkAll } from '../../cli/link-on-start.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import type { ChangeApplierContext } from '../../sync/change-applier.ts';
import { pollOnce, pollTargets } from '../../sync/poller.ts';
import type { PollOptions } from '../../sync/poller.ts';
import { startWorld } from '../subgraphs/golden/support/world.ts';
import type { World } from '../subgraphs/golden/support/world.ts';

const seed = generateDemoSeed({ customers: 30 });
/** Not the CRM ids: cursors must be stored under the connector ids the poller reads them by. */
const connectorIds = new Map([['salesforce', 'sf-main'], ['hubspot', 'hs-main']]);
const logger = createLogger('test', 'silent');

const context = (world: World): ChangeApplierContext => ({ db: world.db.db, config: DEFAULT_MAPPING_CONFIG, connectors: world.connectors, connectorIds });
const link = (world: World) => linkAll({ db: world.db.db, connectors: world.connectors, connectorIds, getConfig: () => DEFAULT_MAPPING_CONFIG, logger });

/** A poll round with the records read per `crm/objectType`. */
async function poll(world: World, options: PollOptions = {}) {
  const read = new Map<string, number>();
  const report = await pollOnce(context(world), {
    ...options, onBatch: ({ crm, objectType, report: r }) => read.set(`${crm}/${objectType}`, (read.get(`${crm}/${objectType}`) ?? 0) + r.records),
  });
  return { report, read: Object.fromEntries(read) };
}

async function resetStats(url: string): Promise<void> {
  await fetch(`${url}/_sandbox/stats/reset`, { method: 'POST' }).then((r) => r.json());
}
async function routes(url: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${url}/_sandbox/stats`)).json()) as { routes: Record<string, number> }).routes;
}
const calls = (all: Record<string, number>, pattern: RegExp) => Object.entries(all).filter(([route]) => pattern.test(route)).reduce((n, [, c]) => n + c, 0);

/** The stored field clock of a link: per native field, when its current value was first seen. */
async function clockOf(world: World, connectorId: string, objectType: string, recordId: string) {
  const [row] = await world.db.db.select({ clock: recordLinks.fieldClock }).from(recordLinks)
    .where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.objectType, objectType), eq(recordLinks.recordId, recordId)));
  return row?.clock ?? null;
}

const targets = (world: World) => pollTargets({ config: DEFAULT_MAPPING_CONFIG, connectors: world.connectors as Map<string, Connector> });

describe('change cursors after a full read', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(DEFAULT_MAPPING_CONFIG, { seed });
  }, 120_000);
  afterAll(async () => world?.close());

  it('the first poll after the link run reads nothing; a change made after it is read by the next poll, alone', async () => {
    const linked = await link(world);
    expect(linked.failed).toEqual([]);
    expect(linked.recordsRead).toBeGreaterThan(30);
    const objects = targets(world);
    expect(objects.length).toBe(6); // Contact, Account, Opportunity; contacts, companies, deals
    expect(linked.changeCursors.stored.map((o) => `${o.connectorId}/${o.objectType}`).sort())
      .toEqual(objects.map((o) => `${connectorIds.get(o.crm)}/${o.objectType}`).sort());
    expect(linked.changeCursors.kept).toEqual([]);
    expect(linked.changeCursors.skipped).toEqual([]);
    for (const o of objects) expect(await readCursor(world.db.db, connectorIds.get(o.crm)!, o.objectType), o.objectType).not.toBeNull();

    await resetStats(world.salesforce.url);
    await resetStats(world.hubspot.url);
    // The connectors' default overlap (60 s): the seed was last modified long before the link run began.
    const first = await poll(world);
    expect(first.report.failed).toEqual([]);
    expect(first.report).toMatchObject({ batches: 0, records: 0, deletions: 0 });
    // One change query per object and not a single further page: nothing was paged through.
    const sf = await routes(world.salesforce.url);
    expect(calls(sf, /^GET \/services\/data\/vXX\.X\/queryAll$/), JSON.stringify(sf)).toBe(3);
    expect(calls(sf, /:locator/), JSON.stringify(sf)).toBe(0);
    const hs = await routes(world.hubspot.url);
    expect(calls(hs, /\/search$/), JSON.stringify(hs)).toBe(3);

    const sfContact = seed.salesforce.Contact[0]!.Id;
    const hsContact = seed.hubspot.contacts[0]!.id;
    // The link run leaves the field clocks change capture would have (polling no longer re-reads every record).
    const baseline = await clockOf(world, 'sf-main', 'Contact', sfContact);
    expect(baseline?.Title?.at).toBeDefined();
    expect(baseline?.Email?.at).toBe(baseline?.Title?.at);
    expect((await world.connectors.get('salesforce')!.updateMany('Contact', [{ id: sfContact, fields: { Title: 'Chief Cursor Officer' } }]))[0]!.ok).toBe(true);
    expect((await world.connectors.get('hubspot')!.updateMany('contacts', [{ id: hsContact, fields: { jobtitle: 'Chief Cursor Officer' } }]))[0]!.ok).toBe(true);
    const second = await poll(world);
    expect(second.report.failed).toEqual([]);
    expect(second.read).toEqual({ 'salesforce/Contact': 1, 'hubspot/contacts': 1 });
    // Only the edited field is newer: the record's other values keep the time the link run saw them at, so they do
    // not win last-write-wins over another CRM's newer values because of an edit elsewhere in the record.
    const after = await clockOf(world, 'sf-main', 'Contact', sfContact);
    expect(after?.Email).toEqual(baseline?.Email);
    expect(Date.parse(after!.Title!.at)).toBeGreaterThan(Date.parse(baseline!.Title!.at));
  }, 120_000);

  it('a second link run keeps the cursors the poller advanced', async () => {
    const before = await Promise.all(targets(world).map((o) => readCursor(world.db.db, connectorIds.get(o.crm)!, o.objectType)));
    const again = await link(world);
    expect(again.changeCursors.stored).toEqual([]);
    expect(again.changeCursors.kept).toHaveLength(6);
    const after = await Promise.all(targets(world).map((o) => readCursor(world.db.db, connectorIds.get(o.crm)!, o.objectType)));
    expect(after).toEqual(before);
    const poll3 = await poll(world);
    expect(poll3.report.failed).toEqual([]);
    // Only the two records changed above, within the connectors' overlap, are read again.
    expect(poll3.report.records).toBeLessThanOrEqual(2);
  }, 120_000);
});

describe('change cursors after a full read in which an object failed', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(DEFAULT_MAPPING_CONFIG, { seed });
  }, 120_000);
  afterAll(async () => world?.close());

  it('the failed object gets no cursor and its first poll reads every record; the others read nothing', async () => {
    // HubSpot's company listing answers 5xx throughout the link run (the connector's retry included).
    await world.faults('hubspot', [{ kind: 'server-error', rate: 1, match: '^GET /crm/v3/objects/companies$' }]);
    const linked = await link(world);
    await world.faults('hubspot', []);
    expect(linked.failed).toEqual([expect.objectContaining({ crm: 'hubspot', objectType: 'companies', code: 'CRM_UNAVAILABLE' })]);
    expect(linked.changeCursors.skipped).toEqual([{ crm: 'hubspot', objectType: 'companies', reason: 'not read completely' }]);
    expect(linked.changeCursors.stored).toHaveLength(5);
    expect(await readCursor(world.db.db, 'hs-main', 'companies')).toBeNull();

    const first = await poll(world);
    expect(first.report.failed).toEqual([]);
    const companies = seed.hubspot.companies.filter((c) => !c.archived).length;
    expect(companies).toBeGreaterThan(0);
    expect(first.read).toEqual({ 'hubspot/companies': companies });
    expect(await readCursor(world.db.db, 'hs-main', 'companies')).not.toBeNull();
  }, 120_000);
});

describe('change cursors after a full read, with the CRM clock five minutes behind ours', () => {
  let world: World;
  const BEHIND_MS = 5 * 60_000;
  beforeAll(async () => {
    world = await startWorld(DEFAULT_MAPPING_CONFIG, { seed });
    const res = await fetch(`${world.salesforce.url}/_sandbox/salesforce/clock`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offsetMs: -BEHIND_MS }),
    });
    expect(res.status).toBe(200);
  }, 120_000);
  afterAll(async () => world?.close());

  it('a change made after the read began is polled although the CRM stamps it before our start (more than the overlap)', async () => {
    const sf = world.connectors.get('salesforce')!;
    const [busy, quiet] = [seed.salesforce.Contact[0]!.Id, seed.salesforce.Contact[1]!.Id];
    // A change just before the run: the CRM stamps it about five minutes before our clock says it happened.
    expect((await sf.updateMany('Contact', [{ id: busy, fields: { Title: 'Before the Read' } }]))[0]!.ok).toBe(true);
    const newest = await sf.latestChangeAt('Contact');
    expect(Date.now() - newest!.getTime()).toBeGreaterThan(BEHIND_MS - 10_000);

    const startedBefore = Date.now();
    const linked = await link(world);
    expect(linked.failed).toEqual([]);
    // Contact changed within the hour: its polling resumes at that change, by the CRM's clock, not at our start.
    const contact = linked.changeCursors.stored.find((o) => o.crm === 'salesforce' && o.objectType === 'Contact')!;
    expect(contact.resumeAt.toISOString()).toBe(newest!.toISOString());
    // Account has not changed in the last hour: an hour before our start.
    const account = linked.changeCursors.stored.find((o) => o.crm === 'salesforce' && o.objectType === 'Account')!;
    expect(account.resumeAt.getTime()).toBeLessThanOrEqual(startedBefore - 60 * 60_000 + 1_000);

    // After the read: stamped ~5 min before our clock, so a cursor at our start (less the 60 s overlap) misses it.
    expect((await sf.updateMany('Contact', [{ id: quiet, fields: { Title: 'After the Read' } }]))[0]!.ok).toBe(true);
    const account0 = seed.salesforce.Account[0]!.Id;
    expect((await sf.updateMany('Account', [{ id: account0, fields: { Description: 'After the Read' } }]))[0]!.ok).toBe(true);
    const first = await poll(world);
    expect(first.report.failed).toEqual([]);
    // Contact: the change after the read, and the one the cursor starts at (read again, harmlessly); Account: its change.
    expect(first.read).toEqual({ 'salesforce/Contact': 2, 'salesforce/Account': 1 });
  }, 120_000);
});
