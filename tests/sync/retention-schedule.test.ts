import { afterEach, describe, expect, it, vi } from 'vitest';
import { retentionSchedule } from '../../sync/retention-schedule.ts';

const HOUR = 3_600_000;

describe('retention schedule (shared by the inbox and outbox workers)', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('runs one pruning at a time and passes the cutoff of its retention', async () => {
    const cutoffs: Date[] = [];
    let release!: (n: number) => void;
    const schedule = retentionSchedule({
      retentionMs: 2 * HOUR,
      prune: (cutoff) => { cutoffs.push(cutoff); return new Promise<number>((r) => { release = r; }); },
      onError: () => { throw new Error('unexpected'); },
    });
    const before = Date.now();
    const a = schedule.runNow();
    const b = schedule.runNow();
    expect(cutoffs).toHaveLength(1);
    expect(before - 2 * HOUR - cutoffs[0]!.getTime()).toBeLessThanOrEqual(0);
    expect(Date.now() - 2 * HOUR - cutoffs[0]!.getTime()).toBeGreaterThanOrEqual(0);
    release(3);
    expect(await a).toBe(3);
    expect(await b).toBe(3);
    schedule.runNow();
    expect(cutoffs).toHaveLength(2); // a new pruning once the first settled
    release(0);
    await schedule.stop();
  });

  it('reports rows that went and failures, and a failure is not thrown at the caller', async () => {
    const pruned: number[] = [];
    const errors: unknown[] = [];
    const results: (number | Error)[] = [0, 4, new Error('database went away')];
    const schedule = retentionSchedule({
      retentionMs: HOUR,
      prune: () => { const r = results.shift()!; return r instanceof Error ? Promise.reject(r) : Promise.resolve(r); },
      onPruned: (n) => pruned.push(n),
      onError: (err) => errors.push(err),
    });
    expect(await schedule.runNow()).toBe(0);
    expect(await schedule.runNow()).toBe(4);
    expect(await schedule.runNow()).toBe(0);
    expect(pruned).toEqual([4]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database went away']);
  });

  it('prunes soon after start and then hourly, never once stopped, and again after a restart', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const schedule = retentionSchedule({ retentionMs: HOUR, prune: () => { calls++; return Promise.resolve(0); }, onError: () => undefined });
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(calls).toBe(0); // not started: no timer
    schedule.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(calls).toBe(3);
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(3 * HOUR);
    expect(await schedule.runNow()).toBe(0);
    expect(calls).toBe(3);
    schedule.start();
    expect(await schedule.runNow()).toBe(0);
    expect(calls).toBe(4);
    await schedule.stop();
  });

  it('without a retention it never prunes and arms no timer', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const schedule = retentionSchedule({ retentionMs: 0, prune: () => { calls++; return Promise.resolve(1); }, onError: () => undefined });
    schedule.start();
    expect(vi.getTimerCount()).toBe(0);
    expect(await schedule.runNow()).toBe(0);
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(calls).toBe(0);
  });
});
