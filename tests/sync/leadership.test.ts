/**
 * One change-capture leader per database (sync/leadership.ts, db/process-lease-store.ts), on a real database: PGlite
 * (two leaderships in one process share the handle) and Postgres through DATABASE_URL (each leadership with its own
 * connection pool, as two processes would have).
 * - of two leaderships exactly one leads; stopping it hands over at the other's next check, long before the lease
 *   would have expired;
 * - a lease that expired is taken over, and its old holder steps down at its next renewal;
 * - a leader that loses the database keeps leading until its lease would have expired, then steps down;
 * - releasing a lease releases only our own, and sync health names the holder.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { leaderLeaseMs } from '../../cli/change-capture.ts';
import { openDatabase } from '../../db/open-database.ts';
import type { Database } from '../../db/open-database.ts';
import { CHANGE_CAPTURE_LEASE, readLease, releaseLease, renewLease, tryAcquireLease } from '../../db/process-lease-store.ts';
import { syncHealth } from '../../db/sync-health.ts';
import { createLogger } from '../../lib/logger.ts';
import { startLeadership } from '../../sync/leadership.ts';
import { useLeaseDatabases } from './support/lease-databases.ts';

const logger = createLogger('test', 'silent');

describe('one change-capture leader per database', () => {
  const dbs = useLeaseDatabases();
  const { running, extra, secondDb } = dbs;
  let n = 0;
  const start = (db: Database, name: string, opts: { leaseMs: number; checkMs?: number; owner?: string }) => {
    const events: string[] = [];
    const l = startLeadership({
      db, name, logger, ...opts,
      onLead: () => { events.push('lead'); },
      onFollow: (holder) => { events.push(`follow:${holder ?? '?'}`); },
    });
    running.push(l);
    return { l, events };
  };
  const leaseName = () => `test-lease-${++n}`;

  it('of two processes exactly one leads; stopping it hands over at the other\'s next check, not at the expiry', async () => {
    const name = CHANGE_CAPTURE_LEASE;
    const a = start(dbs.base.db, name, { leaseMs: 10_000, checkMs: 100, owner: 'process-a' });
    const b = start(await secondDb(), name, { leaseMs: 10_000, checkMs: 100, owner: 'process-b' });
    await Promise.all([a.l.ready, b.l.ready]);
    expect([a.l.isLeader(), b.l.isLeader()].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = a.l.isLeader() ? [a, b] : [b, a];
    expect(follower.events).toEqual([`follow:${leader.l.owner}`]);
    expect(leader.events).toEqual(['lead']);
    // Several checks later, still one leader, never a flap.
    await new Promise((r) => setTimeout(r, 350));
    expect(leader.l.isLeader()).toBe(true);
    expect(follower.l.isLeader()).toBe(false);
    expect(leader.events).toEqual(['lead']);
    const health = await syncHealth(dbs.base.db);
    expect(health.changeCaptureLeader).toMatchObject({ name, owner: leader.l.owner, expired: false });

    const stoppedAt = Date.now();
    await leader.l.stop();
    expect(leader.events).toEqual(['lead', 'follow:?']);
    await expect.poll(() => follower.l.isLeader(), { timeout: 2000, interval: 10 }).toBe(true);
    // Far within the 10 s lease: the released lease was taken at the next check.
    expect(Date.now() - stoppedAt).toBeLessThan(1500);
    expect(follower.events).toEqual([`follow:${leader.l.owner}`, 'lead']);
    expect((await readLease(dbs.base.db, name))?.owner).toBe(follower.l.owner);
  });

  it('an expired lease is taken over, and its old holder steps down at its next renewal', async () => {
    const name = leaseName();
    // A renews only near the end of its 2 s lease (its checks are an hour apart); B checks every 50 ms.
    const a = start(dbs.base.db, name, { leaseMs: 2000, checkMs: 3_600_000, owner: 'process-a' });
    await a.l.ready;
    expect(a.l.isLeader()).toBe(true);
    const b = start(await secondDb(), name, { leaseMs: 2000, checkMs: 50, owner: 'process-b' });
    await b.l.ready;
    expect(b.l.isLeader()).toBe(false);
    // A's process stalls: its lease runs out by the database's clock.
    await dbs.base.db.execute(sql`update process_leases set expires_at = now() - interval '1 second' where name = ${name}`);
    expect((await readLease(dbs.base.db, name))?.expired).toBe(true);
    await expect.poll(() => b.l.isLeader(), { timeout: 1000, interval: 10 }).toBe(true);
    // A still believes it leads until its next renewal finds the lease taken.
    await expect.poll(() => a.l.isLeader(), { timeout: 3000, interval: 20 }).toBe(false);
    expect(a.events).toEqual(['lead', 'follow:process-b']);
    expect(b.l.isLeader()).toBe(true);
    const lease = await readLease(dbs.base.db, name);
    expect(lease).toMatchObject({ owner: 'process-b', expired: false });
  });

  it('a leader that loses the database keeps leading until its lease would expire, then steps down', async () => {
    const name = leaseName();
    // Its own handle, closed below to stand for the database going away under this process.
    const lost = dbs.base.url ? await openDatabase({ url: dbs.base.url, maxConnections: 2 }) : await openDatabase({ dataDir: 'memory://' });
    extra.push(lost);
    const a = start(lost.db, name, { leaseMs: 1500, checkMs: 100, owner: 'process-a' });
    await a.l.ready;
    expect(a.l.isLeader()).toBe(true);
    const lostAt = Date.now();
    await lost.close();
    // Several failed renewals later: still leading (a blip does not stop polling)…
    await new Promise((r) => setTimeout(r, 500));
    expect(a.l.isLeader()).toBe(true);
    expect(a.events).toEqual(['lead']);
    // …and stepped down before the lease ran out, so no other process ever takes it over while this one leads.
    await expect.poll(() => a.l.isLeader(), { timeout: 3000, interval: 10 }).toBe(false);
    expect(Date.now() - lostAt).toBeLessThan(1500);
    expect(a.events).toEqual(['lead', 'follow:?']);
  });

  it('takes, renews and releases a lease by owner: another owner\'s lease is left alone', async () => {
    const name = leaseName();
    const db = dbs.base.db;
    expect(await tryAcquireLease(db, name, 'a', 10_000)).toBe(true);
    const taken = await readLease(db, name);
    expect(await tryAcquireLease(db, name, 'b', 10_000)).toBe(false);
    expect(await renewLease(db, name, 'b', 10_000)).toBe(false);
    expect(await releaseLease(db, name, 'b')).toBe(false);
    expect((await readLease(db, name))?.owner).toBe('a');
    // Taking it again as its holder renews it and keeps the time it was taken.
    expect(await tryAcquireLease(db, name, 'a', 10_000)).toBe(true);
    expect(await renewLease(db, name, 'a', 10_000)).toBe(true);
    expect((await readLease(db, name))?.acquiredAt.getTime()).toBe(taken?.acquiredAt.getTime());
    expect(await releaseLease(db, name, 'a')).toBe(true);
    expect(await readLease(db, name)).toBeUndefined();
    expect(await tryAcquireLease(db, name, 'b', 10_000)).toBe(true);
    expect((await readLease(db, name))?.owner).toBe('b');
  });

  it('two processes racing for a free lease: exactly one gets it', async () => {
    const name = leaseName();
    const other = await secondDb();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => tryAcquireLease(dbs.base.db, name, `a${i}`, 10_000)),
      ...Array.from({ length: 5 }, (_, i) => tryAcquireLease(other, name, `b${i}`, 10_000)),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('CUSTOMER_GRAPH_LEADER_LEASE_MS is a whole number of milliseconds, at least 1000', () => {
    expect(leaderLeaseMs({})).toBe(30_000);
    expect(leaderLeaseMs({ CUSTOMER_GRAPH_LEADER_LEASE_MS: '5000' })).toBe(5000);
    for (const bad of ['999', '0', '-1', '1.5', 'soon']) {
      expect(() => leaderLeaseMs({ CUSTOMER_GRAPH_LEADER_LEASE_MS: bad })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });
});
