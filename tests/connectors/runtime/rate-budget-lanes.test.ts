/**
 * Lane fairness of the rate budget: interactive first, but a waiting write-back or sync permit is served within
 * `maxPassOver + 1` permits however constant the interactive load; FIFO within a lane; a 429 still blocks all lanes.
 */
import { describe, expect, it } from 'vitest';
import type { Lane } from '../../../connectors/contract/index.ts';
import { DEFAULT_MAX_PASS_OVER, RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import type { Permit, RateBudget } from '../../../connectors/runtime/index.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One call: waits for a permit in `lane`, notes `label` in the grant log, holds the permit `holdMs`, releases. */
async function call(budget: RateBudget, lane: Lane, label: string, log: string[], holdMs = 2): Promise<void> {
  const permit = await budget.acquire(lane);
  log.push(label);
  await sleep(holdMs);
  permit.release();
}

/**
 * A constant interactive load: `workers` callers that each ask again as soon as they released. With concurrency 1
 * and more than one worker, the interactive queue is never empty when a permit is handed out.
 */
function interactiveLoad(budget: RateBudget, log: string[], workers = 3) {
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) await call(budget, 'interactive', 'I', log);
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(5);
  return condition();
}

function budgetFor(accountId: string, extra: { maxPassOver?: number } = {}): RateBudget {
  return new RateBudgetRegistry().forAccount({ crm: 'hubspot', accountId, concurrency: 1, ...extra });
}

describe('lane fairness under a constant interactive load', () => {
  it('a sync waiter is served after exactly the default bound of interactive permits, not never', async () => {
    const log: string[] = [];
    const budget = budgetFor('portal-default');
    const stop = interactiveLoad(budget, log);
    await until(() => log.length >= 5, 1000);
    const from = log.length;
    let done = false;
    void call(budget, 'sync', 'S', log).then(() => { done = true; });
    // Strict priority would keep serving the load: hundreds of interactive permits within this second.
    const served = await until(() => done, 1000);
    await stop();
    expect(served).toBe(true);
    const sinceEnqueued = log.slice(from);
    expect(sinceEnqueued.indexOf('S')).toBe(DEFAULT_MAX_PASS_OVER);
    expect(sinceEnqueued.slice(0, DEFAULT_MAX_PASS_OVER).every((l) => l === 'I')).toBe(true);
  });

  it('forAccount takes the bound as an option: with maxPassOver 3, sync gets 1 of every 4 permits', async () => {
    const log: string[] = [];
    const budget = budgetFor('portal-3', { maxPassOver: 3 });
    const stop = interactiveLoad(budget, log);
    await until(() => log.length >= 3, 1000);
    const from = log.length;
    const syncCalls = Array.from({ length: 4 }, (_, i) => call(budget, 'sync', `S${i}`, log));
    const served = await until(() => log.filter((l) => l.startsWith('S')).length === 4, 2000);
    await stop();
    await Promise.all(syncCalls);
    expect(served).toBe(true);
    expect(log.slice(from, from + 16).join(' ')).toBe('I I I S0 I I I S1 I I I S2 I I I S3');
  });

  it('write-back and sync both waiting: each lane FIFO, each first waiter served within maxPassOver + 1 permits, interactive first', async () => {
    const log: string[] = [];
    const budget = budgetFor('portal-mixed', { maxPassOver: 4 });
    const stop = interactiveLoad(budget, log);
    await until(() => log.length >= 3, 1000);
    const from = log.length;
    const lower = [
      ...Array.from({ length: 5 }, (_, i) => call(budget, 'sync', `S${i}`, log)),
      ...Array.from({ length: 3 }, (_, i) => call(budget, 'writeback', `W${i}`, log)),
    ];
    const served = await until(() => log.filter((l) => l !== 'I').length === 8, 3000);
    await stop();
    await Promise.all(lower);
    expect(served).toBe(true);
    const grants = log.slice(from);
    // Under normal priority the load is served first: the first 4 permits are interactive.
    expect(grants.slice(0, 4)).toEqual(['I', 'I', 'I', 'I']);
    expect(grants.filter((l) => l.startsWith('S'))).toEqual(['S0', 'S1', 'S2', 'S3', 'S4']);
    expect(grants.filter((l) => l.startsWith('W'))).toEqual(['W0', 'W1', 'W2']);
    // Between two permits of one lane (or from the enqueue to its first), at most maxPassOver + 1 went elsewhere.
    for (const prefix of ['S', 'W']) {
      let gap = 0;
      let worst = 0;
      for (const label of grants.slice(0, grants.findLastIndex((l) => l.startsWith(prefix)) + 1)) {
        if (!label.startsWith(prefix)) gap++;
        else [worst, gap] = [Math.max(worst, gap), 0];
      }
      expect(worst, `${prefix} in ${grants.join(' ')}`).toBeLessThanOrEqual(4 + 1);
    }
    // Interactive still had most permits while the others waited.
    const untilLast = grants.slice(0, Math.max(...['S4', 'W2'].map((l) => grants.indexOf(l))) + 1);
    expect(untilLast.filter((l) => l === 'I').length).toBeGreaterThanOrEqual(untilLast.length / 2);
  });

  it('maxPassOver: Infinity is the strict priority of old: sync starves while the load lasts', async () => {
    const log: string[] = [];
    const budget = budgetFor('portal-strict', { maxPassOver: Number.POSITIVE_INFINITY });
    const stop = interactiveLoad(budget, log);
    let done = false;
    const sync = call(budget, 'sync', 'S', log).then(() => { done = true; });
    expect(await until(() => done, 300)).toBe(false);
    expect(log.length).toBeGreaterThan(3 * DEFAULT_MAX_PASS_OVER);
    expect(budget.state().waiting.sync).toBe(1);
    await stop();
    await sync;
    expect(log.at(-1)).toBe('S');
  });

  it('configure() changes the bound at runtime', async () => {
    const log: string[] = [];
    const budget = budgetFor('portal-configure', { maxPassOver: Number.POSITIVE_INFINITY });
    const stop = interactiveLoad(budget, log);
    let done = false;
    const sync = call(budget, 'sync', 'S', log).then(() => { done = true; });
    expect(await until(() => done, 100)).toBe(false);
    budget.configure({ maxPassOver: 2 });
    expect(await until(() => done, 1000)).toBe(true);
    await stop();
    await sync;
  });
});

describe('a 429 still blocks every lane', () => {
  it('a lane due after its pass-overs waits out Retry-After like the others, then goes first', async () => {
    const budget = budgetFor('portal-429', { maxPassOver: 1 });
    const granted: Array<{ label: string; at: number; permit: Permit }> = [];
    const take = (lane: Lane, label: string) => void budget.acquire(lane).then((permit) => granted.push({ label, at: Date.now(), permit }));
    take('interactive', 'I0');
    await until(() => granted.length === 1, 1000);
    take('sync', 'S');
    take('interactive', 'I1');
    take('interactive', 'I2');
    granted[0]?.permit.release();
    // I1 passes over the sync waiter once: with maxPassOver 1 sync is due next.
    await until(() => granted.length === 2, 1000);
    const refusedAt = Date.now();
    granted[1]?.permit.release({ status: 429, headers: { 'retry-after': '0.4' } });
    await sleep(150);
    expect(granted.map((g) => g.label)).toEqual(['I0', 'I1']);
    expect(budget.state().blockedUntil).toBeGreaterThan(Date.now());
    expect(budget.state().waiting).toEqual({ interactive: 1, writeback: 0, sync: 1 });
    await until(() => granted.length === 3, 1000);
    expect(granted.map((g) => g.label)).toEqual(['I0', 'I1', 'S']);
    expect((granted[2]?.at ?? 0) - refusedAt).toBeGreaterThanOrEqual(400);
    granted[2]?.permit.release();
    await until(() => granted.length === 4, 1000);
    granted[3]?.permit.release();
    expect(budget.state().totals).toMatchObject({ sent: 4, rateLimited: 1 });
  });
});
