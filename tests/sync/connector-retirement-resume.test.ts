/**
 * Resuming a deleted connector's link retirement (sync/retirement-resumer.ts, db/retirement-store.ts): a run stopped
 * after one pass, or held by a process that died with its lease, is finished by the next process's check at start;
 * two processes checking at once retire each link once; a disabled connector, one that is stored, one that is not
 * configured here (links but no connector and no deletion) and one added back under a deleted id are never touched.
 */
import crypto from 'node:crypto';
import { pino } from 'pino';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorStore } from '../../db/connector-store.ts';
import { CredentialCipher } from '../../db/credential-cipher.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { claimRetirement, retirementOf } from '../../db/retirement-store.ts';
import { connectorRetirements, goldenRecords, recordLinks } from '../../db/schema.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import type { MappingConfig } from '../../resolver-engine/index.ts';
import type { RetirementReport } from '../../sync/connector-retirement.ts';
import { createRetirementResumer } from '../../sync/retirement-resumer.ts';
import type { RetirementResumer } from '../../sync/retirement-resumer.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const config: MappingConfig = { ...DEFAULT_MAPPING_CONFIG, types: { Customer: DEFAULT_MAPPING_CONFIG.types.Customer! } };
const LINKS = 5;

describe('resuming the retirement of a deleted connector\'s links', () => {
  let t: TestDatabase;
  let store: ConnectorStore;
  const lines: { msg: string; connector?: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  const resumer = (extra: Partial<Parameters<typeof createRetirementResumer>[0]> = {}) =>
    createRetirementResumer({ db: t.db, getConfig: () => config, connectors: new Map(), logger, chunkSize: 2, intervalMs: 0, ...extra });
  const active = async (connectorId: string) =>
    (await t.db.select({ n: count() }).from(recordLinks).where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.status, 'active'))))[0]!.n;

  /** A stored HubSpot connector (unless `stored` is false) with LINKS links, each the only one of its customer. */
  async function connectorWithLinks(id: string, opts: { stored?: boolean; disabled?: boolean } = {}) {
    if (opts.stored !== false) {
      await store.upsert({ id, crm: 'hubspot', name: id, baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: 't' } } });
      if (opts.disabled) await store.setStatus(id, 'disabled', 'disabled by an admin');
    }
    const ids = Array.from({ length: LINKS }, (_, i) => newGoldenId('Customer', Date.now() + i));
    await t.db.insert(goldenRecords).values(ids.map((gid) => ({ id: gid, entityType: 'Customer', snapshot: { email: `${gid}@example.com` } })));
    await t.db.insert(recordLinks).values(ids.map((goldenId, i) => ({ goldenId, entityType: 'Customer', connectorId: id, crm: 'hubspot', objectType: 'contacts', recordId: `${id}-${i}` })));
  }

  beforeAll(async () => {
    t = await openTestDatabase();
    store = new ConnectorStore(t.db, CredentialCipher.fromEnvValue(crypto.randomBytes(32).toString('base64')));
    await connectorWithLinks('hubspot-kept');
    await connectorWithLinks('hubspot-off', { disabled: true });
    await connectorWithLinks('hubspot-elsewhere', { stored: false });
  }, 60_000);
  afterAll(async () => t?.close());

  const untouched = async () => {
    expect(await active('hubspot-kept')).toBe(LINKS);
    expect(await active('hubspot-off')).toBe(LINKS);
    expect(await active('hubspot-elsewhere')).toBe(LINKS);
  };

  it('finishes at the next start a retirement stopped after its first pass', async () => {
    await connectorWithLinks('hubspot-gone');
    expect(await store.remove('hubspot-gone', { retireLinks: true })).toBe(true);
    expect(await retirementOf(t.db, 'hubspot-gone')).toMatchObject({ crm: 'hubspot', finishedAt: null });

    // The deleting process shuts down after one pass of two links.
    let stopping: Promise<void> | undefined;
    const first: RetirementResumer = resumer({ onProgress: () => { stopping ??= first.stop(); } });
    const cut = await first.retire('hubspot-gone');
    await stopping;
    expect(cut).toMatchObject({ chunks: 1, linksRetired: 2, stopped: 'aborted' });
    expect(await active('hubspot-gone')).toBe(LINKS - 2);
    expect(await retirementOf(t.db, 'hubspot-gone')).toMatchObject({ finishedAt: null, leaseOwner: null, linksRetired: 2 });

    // The next process's start finds it and finishes it.
    lines.splice(0);
    const next = resumer();
    next.start();
    await expect.poll(() => active('hubspot-gone'), { timeout: 20_000, interval: 50 }).toBe(0);
    await expect.poll(async () => (await retirementOf(t.db, 'hubspot-gone'))?.finishedAt ?? null, { timeout: 20_000, interval: 50 }).toBeInstanceOf(Date);
    await next.stop();
    expect(await retirementOf(t.db, 'hubspot-gone')).toMatchObject({ leaseOwner: null, linksRetired: LINKS });
    expect(lines.some((l) => l.msg.startsWith('resuming the retirement') && l.connector === 'hubspot-gone')).toBe(true);
    const orphans = await t.db.select({ n: count() }).from(goldenRecords).where(and(eq(goldenRecords.status, 'deleted')));
    expect(orphans[0]!.n).toBe(LINKS);
    await untouched();

    // Done: a later check has nothing to do.
    expect(await resumer().check()).toEqual([]);
  }, 60_000);

  it('leaves a retirement to the process holding its lease, and takes it over once that lease has expired', async () => {
    await connectorWithLinks('hubspot-dead');
    await store.remove('hubspot-dead', { retireLinks: true });
    // A process took it and was killed (SIGKILL: no release).
    expect(await claimRetirement(t.db, 'hubspot-dead', 'killed-process', 60_000)).toBe(true);
    const other = resumer();
    expect(await other.check()).toEqual([]);
    expect(await active('hubspot-dead')).toBe(LINKS);

    // Its lease runs out.
    await t.db.update(connectorRetirements).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(connectorRetirements.connectorId, 'hubspot-dead'));
    const reports = await other.check();
    expect(reports.map((r) => [r.connectorId, r.linksRetired, r.stopped])).toEqual([['hubspot-dead', LINKS, null]]);
    expect(await active('hubspot-dead')).toBe(0);
    expect((await retirementOf(t.db, 'hubspot-dead'))?.finishedAt).toBeInstanceOf(Date);
    await untouched();
  }, 60_000);

  it('runs one retirement in one process at a time when several check at once', async () => {
    await connectorWithLinks('hubspot-twice');
    await store.remove('hubspot-twice', { retireLinks: true });
    const reports: (RetirementReport | null)[] = await Promise.all([resumer(), resumer(), resumer()].map((r) => r.retire('hubspot-twice')));
    const ran = reports.filter((r) => r !== null);
    expect(ran.length).toBe(1);
    expect(ran[0]).toMatchObject({ linksRetired: LINKS, stopped: null });
    expect(await active('hubspot-twice')).toBe(0);
    expect(await retirementOf(t.db, 'hubspot-twice')).toMatchObject({ linksRetired: LINKS, leaseOwner: null });
    await untouched();
  }, 60_000);

  it('never retires a connector added back under a deleted id, nor one removed without an admin deletion', async () => {
    await connectorWithLinks('hubspot-back');
    await store.remove('hubspot-back', { retireLinks: true });
    await store.upsert({ id: 'hubspot-back', crm: 'hubspot', name: 'back', baseUrl: 'https://api.hubapi.example', credentials: { auth: { kind: 'static', accessToken: 't' } } });
    expect(await resumer().check()).toEqual([]);
    expect(await resumer().retire('hubspot-back')).toBeNull();
    expect(await active('hubspot-back')).toBe(LINKS);
    expect(await retirementOf(t.db, 'hubspot-back')).toMatchObject({ finishedAt: null });

    // Removed without `retireLinks` (a demo sandbox left out at start): no deletion recorded, nothing retired.
    await connectorWithLinks('hubspot-demo-off');
    await store.remove('hubspot-demo-off');
    expect(await retirementOf(t.db, 'hubspot-demo-off')).toBeUndefined();
    expect(await resumer().check()).toEqual([]);
    expect(await active('hubspot-demo-off')).toBe(LINKS);
    await untouched();
  }, 60_000);

  it('forgets finished retirements after the history window (CUSTOMER_GRAPH_RETIREMENT_HISTORY_DAYS), never unfinished ones', async () => {
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await t.db.insert(connectorRetirements).values([
      { connectorId: 'hubspot-gone-long-ago', crm: 'hubspot', requestedAt: daysAgo(41), finishedAt: daysAgo(40), linksRetired: 3 },
      { connectorId: 'hubspot-gone-lately', crm: 'hubspot', requestedAt: daysAgo(2), finishedAt: daysAgo(1), linksRetired: 3 },
      // Due for 40 days (its CRM kept failing): still listed and still resumed, however old.
      { connectorId: 'hubspot-stuck', crm: 'hubspot', requestedAt: daysAgo(40), finishedAt: null },
    ]);
    // 0: kept forever.
    expect(await resumer({ historyMs: 0 }).pruneHistory()).toBe(0);
    expect(await retirementOf(t.db, 'hubspot-gone-long-ago')).toBeDefined();

    lines.splice(0);
    expect(await resumer({ historyMs: 30 * 86_400_000 }).pruneHistory()).toBe(1);
    expect(await retirementOf(t.db, 'hubspot-gone-long-ago')).toBeUndefined();
    expect(await retirementOf(t.db, 'hubspot-gone-lately')).toMatchObject({ linksRetired: 3 });
    expect(await retirementOf(t.db, 'hubspot-stuck')).toMatchObject({ finishedAt: null });
    expect(lines.some((l) => l.msg === 'finished connector retirements past their history window deleted')).toBe(true);
    await t.db.delete(connectorRetirements).where(sql`${connectorRetirements.connectorId} in ('hubspot-gone-lately', 'hubspot-stuck')`);
  });
});
