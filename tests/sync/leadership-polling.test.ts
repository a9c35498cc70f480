/**
 * The change-capture lease and polling (sync/leadership.ts `pollMs`, db/process-lease-store.ts `takeOverLease`), on a
 * real database: PGlite (two leaderships in one process share the handle) and Postgres through DATABASE_URL (each
 * leadership with its own connection pool, as two processes would have).
 * - the owner name says whether the process polls and how often;
 * - a polling process takes the lease over from a holder that does not poll at its first check (on start, or as a
 *   follower once such a holder has it), and the old holder steps down at its next renewal; a process that does not poll never takes it from a polling one, nor from another
 *   that does not poll; two polling processes never take it from each other; a holder whose name states no interval
 *   (an older version) is left alone;
 * - a follower whose interval differs from the leader's warns once per leader, naming both; the same interval is quiet;
 * - the compare-and-set: only from the current owner, exactly one of many racers.
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/open-database.ts';
import { readLease, renewLease, takeOverLease, tryAcquireLease } from '../../db/process-lease-store.ts';
import { pollIntervalOf, pollSuffix, startLeadership } from '../../sync/leadership.ts';
import { useLeaseDatabases } from './support/lease-databases.ts';

interface LogLine { level: number; msg: string; owner?: string; leader?: string; pollMs?: number; leaderPollMs?: number }

describe('change-capture lease and polling', () => {
  const dbs = useLeaseDatabases();
  const { running, secondDb } = dbs;
  let n = 0;
  /** A leadership with its own log (warnings and above): what an operator of that process would read. */
  const start = (db: Database, name: string, opts: { pollMs?: number; owner?: string; checkMs?: number }) => {
    const events: string[] = [];
    const warnings: LogLine[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as LogLine) });
    const l = startLeadership({
      db, name, logger, leaseMs: 10_000, checkMs: 50, ...opts,
      onLead: () => { events.push('lead'); },
      onFollow: (holder) => { events.push(`follow:${holder ?? '?'}`); },
    });
    running.push(l);
    return { l, events, warnings, differs: () => warnings.filter((w) => w.msg.startsWith('the poll interval differs')) };
  };
  const leaseName = () => `test-poll-lease-${++n}`;
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('the owner name says whether the process polls and how often', async () => {
    expect(pollSuffix(15_000)).toBe(' poll=15000ms');
    expect(pollSuffix(0)).toBe(' poll=off');
    expect(pollIntervalOf('web-1:42:abcd1234 poll=15000ms')).toBe(15_000);
    expect(pollIntervalOf('web-1:42:abcd1234 poll=off')).toBe(0);
    expect(pollIntervalOf('web-1:42:abcd1234')).toBeUndefined();
    expect(pollIntervalOf('web-1:42:abcd1234 poll=soon')).toBeUndefined();
    const name = leaseName();
    const a = start(dbs.base.db, name, { pollMs: 15_000 });
    await a.l.ready;
    expect(a.l.owner).toMatch(new RegExp(`^${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${process.pid}:[0-9a-f]{8} poll=15000ms$`));
    expect((await readLease(dbs.base.db, name))?.owner).toBe(a.l.owner);
    const b = start(await secondDb(), name, { pollMs: 0, owner: 'api-replica' });
    await b.l.ready;
    expect(b.l.owner).toBe('api-replica poll=off');
  });

  it('a polling process takes the lease from a holder that does not poll at its first check; the old holder steps down', async () => {
    const name = leaseName();
    const off = start(dbs.base.db, name, { pollMs: 0, owner: 'api-replica' });
    await off.l.ready;
    expect(off.l.isLeader()).toBe(true);
    const before = await readLease(dbs.base.db, name);
    const polling = start(await secondDb(), name, { pollMs: 15_000, owner: 'worker' });
    await polling.l.ready;
    // Its first try: the lease is taken over, not waited for.
    expect(polling.l.isLeader()).toBe(true);
    expect(polling.events).toEqual(['lead']);
    const after = await readLease(dbs.base.db, name);
    expect(after).toMatchObject({ owner: 'worker poll=15000ms', expired: false });
    expect(after!.acquiredAt.getTime()).toBeGreaterThanOrEqual(before!.acquiredAt.getTime());
    // The old holder's next renewal finds the lease taken: it steps down and does not take it back.
    await expect.poll(() => off.l.isLeader(), { timeout: 3000, interval: 10 }).toBe(false);
    expect(off.events).toEqual(['lead', 'follow:worker poll=15000ms']);
    await pause(300);
    expect(polling.l.isLeader()).toBe(true);
    expect(off.l.isLeader()).toBe(false);
    expect(polling.events).toEqual(['lead']);
    // The process that does not poll is told once that the leader's interval applies.
    expect(off.differs()).toHaveLength(1);
    expect(off.differs()[0]).toMatchObject({ leader: 'worker poll=15000ms', pollMs: 0, leaderPollMs: 15_000 });
    expect(off.differs()[0]!.msg).toContain('0 (off) here and 15000 ms in the leader');
    expect(off.differs()[0]!.msg).toContain('the leader\'s applies');
  });

  it('a polling follower takes the lease over at its next check once a holder that does not poll has it', async () => {
    const name = leaseName();
    // The lease's holders stand for other processes: a polling one, then (its lease handed on) one that does not poll.
    expect(await tryAcquireLease(dbs.base.db, name, 'worker-1 poll=15000ms', 10_000)).toBe(true);
    const polling = start(await secondDb(), name, { pollMs: 15_000, owner: 'worker-2', checkMs: 100 });
    await polling.l.ready;
    expect(polling.l.isLeader()).toBe(false);
    expect(polling.events).toEqual(['follow:worker-1 poll=15000ms']);
    await dbs.base.db.execute(sql`update process_leases set owner = 'api-replica poll=off', acquired_at = now() where name = ${name}`);
    await expect.poll(() => polling.l.isLeader(), { timeout: 3000, interval: 10 }).toBe(true);
    expect(polling.events).toEqual(['follow:worker-1 poll=15000ms', 'lead']);
    expect(await readLease(dbs.base.db, name)).toMatchObject({ owner: 'worker-2 poll=15000ms', expired: false });
    expect(await renewLease(dbs.base.db, name, 'api-replica poll=off', 10_000)).toBe(false);
    expect(polling.warnings).toEqual([]);
  });

  it('a process that does not poll never takes the lease from a polling one; it warns once that the leader\'s interval applies', async () => {
    const name = leaseName();
    const polling = start(dbs.base.db, name, { pollMs: 15_000, owner: 'worker' });
    await polling.l.ready;
    const taken = await readLease(dbs.base.db, name);
    const off = start(await secondDb(), name, { pollMs: 0, owner: 'api-replica' });
    await off.l.ready;
    await pause(500);
    expect(polling.l.isLeader()).toBe(true);
    expect(off.l.isLeader()).toBe(false);
    expect(polling.events).toEqual(['lead']);
    expect(off.events).toEqual(['follow:worker poll=15000ms']);
    expect((await readLease(dbs.base.db, name))?.acquiredAt.getTime()).toBe(taken?.acquiredAt.getTime());
    // About ten checks, one warning.
    expect(off.differs()).toHaveLength(1);
    expect(polling.warnings).toEqual([]);
  });

  it('two polling processes never take the lease from each other; different intervals warn once per leader, equal ones never', async () => {
    const name = leaseName();
    const first = start(dbs.base.db, name, { pollMs: 15_000, owner: 'gateway-1' });
    await first.l.ready;
    const taken = await readLease(dbs.base.db, name);
    const faster = start(await secondDb(), name, { pollMs: 5000, owner: 'gateway-2' });
    const same = start(await secondDb(), name, { pollMs: 15_000, owner: 'gateway-3' });
    await Promise.all([faster.l.ready, same.l.ready]);
    await pause(500);
    expect([first.l.isLeader(), faster.l.isLeader(), same.l.isLeader()]).toEqual([true, false, false]);
    expect(first.events).toEqual(['lead']);
    expect((await readLease(dbs.base.db, name))?.acquiredAt.getTime()).toBe(taken?.acquiredAt.getTime());
    expect(faster.differs()).toHaveLength(1);
    expect(faster.differs()[0]).toMatchObject({ owner: 'gateway-2 poll=5000ms', leader: 'gateway-1 poll=15000ms', pollMs: 5000, leaderPollMs: 15_000 });
    expect(faster.differs()[0]!.msg).toContain('5000 ms here and 15000 ms in the leader (gateway-1 poll=15000ms)');
    expect(same.warnings).toEqual([]);

    // A new leader (the first stops): the follower whose interval differs from it is told again, once.
    await first.l.stop();
    await expect.poll(() => faster.l.isLeader() || same.l.isLeader(), { timeout: 3000, interval: 10 }).toBe(true);
    await pause(300);
    const [leader, follower] = faster.l.isLeader() ? [faster, same] : [same, faster];
    expect(leader.events).toEqual([`follow:${first.l.owner}`, 'lead']);
    expect(follower.events).toEqual([`follow:${first.l.owner}`]);
    expect(follower.differs().map((w) => w.leader)).toEqual([...(follower === faster ? [first.l.owner] : []), leader.l.owner]);
  });

  it('two processes that do not poll never take it from each other, nor does a polling one from a holder that states no interval', async () => {
    const name = leaseName();
    const a = start(dbs.base.db, name, { pollMs: 0, owner: 'api-1' });
    await a.l.ready;
    const b = start(await secondDb(), name, { pollMs: 0, owner: 'api-2' });
    await b.l.ready;
    await pause(300);
    expect([a.l.isLeader(), b.l.isLeader()]).toEqual([true, false]);
    expect(b.warnings).toEqual([]);

    // A process of an earlier version (its name states no interval) is left alone: it may well poll.
    const older = leaseName();
    const old = start(dbs.base.db, older, { owner: 'gateway-old' });
    await old.l.ready;
    expect(old.l.owner).toBe('gateway-old');
    const polling = start(await secondDb(), older, { pollMs: 15_000, owner: 'gateway-new' });
    await polling.l.ready;
    await pause(300);
    expect([old.l.isLeader(), polling.l.isLeader()]).toEqual([true, false]);
    expect(polling.warnings).toEqual([]);
  });

  it('takeOverLease is a compare-and-set on the current owner: exactly one of several racers gets it', async () => {
    const name = leaseName();
    const db = dbs.base.db;
    expect(await takeOverLease(db, name, 'nobody', 'b', 10_000)).toBe(false);
    expect(await readLease(db, name)).toBeUndefined();
    expect(await tryAcquireLease(db, name, 'a poll=off', 10_000)).toBe(true);
    expect(await takeOverLease(db, name, 'someone-else', 'b', 10_000)).toBe(false);
    expect((await readLease(db, name))?.owner).toBe('a poll=off');
    const other = await secondDb();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => takeOverLease(db, name, 'a poll=off', `x${i} poll=100ms`, 10_000)),
      ...Array.from({ length: 5 }, (_, i) => takeOverLease(other, name, 'a poll=off', `y${i} poll=100ms`, 10_000)),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = (await readLease(db, name))!;
    expect(winner.owner).toMatch(/^[xy]\d poll=100ms$/);
    expect(winner.expired).toBe(false);
    // The old owner's renewal finds it gone; the new owner's renews it.
    expect(await renewLease(db, name, 'a poll=off', 10_000)).toBe(false);
    expect(await renewLease(db, name, winner.owner, 10_000)).toBe(true);
  });
});
