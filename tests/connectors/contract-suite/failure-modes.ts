/**
 * One test per failure mode of issue 4: CRM down, timeout, 429 storm, expired token, partial batch failure,
 * garbage answers, invalid credentials, and secrets kept out of every error.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import { assertAllSucceeded } from '../../../connectors/runtime/index.ts';
import type { SuiteContext } from './context.ts';
import { allRecords, drain, exposedText, rejection, seedPrimary } from './context.ts';
import { GARBAGE_KINDS, deadUrl, startGarbageServer, startRecordingProxy } from './local-servers.ts';
import { countCalls, setFaults, setLatency } from './sandbox-control.ts';

const T0 = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString();
const quickRetry = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 };

export function defineFailureModeTests(ctx: SuiteContext): void {
  const { harness } = ctx;
  const primary = harness.primaryObject;
  const expectNamed = (err: ConnectorError, code: string) => {
    expect(err.code).toBe(code);
    expect(err.crm).toBe(harness.crm);
    expect(err.message.startsWith(`${harness.crm}: `)).toBe(true);
  };
  const firstId = async (sandbox: Awaited<ReturnType<SuiteContext['start']>>) => (await allRecords(ctx.connect(sandbox), harness))[0]!.id;

  describe('failure modes', () => {
    it('CRM down (nothing listening): CRM_UNAVAILABLE naming the CRM, for API calls and for the token endpoint', async () => {
      const sandbox = await ctx.start();
      const url = await deadUrl();
      const direct = ctx.connect(sandbox, { baseUrl: url, retry: quickRetry });
      const err = await rejection(direct.fetchByIds(primary, [harness.unknownId]));
      expectNamed(err, 'CRM_UNAVAILABLE');
      expect(err.retryable).toBe(true);
      expectNamed(await rejection(direct.describeObjects([primary])), 'CRM_UNAVAILABLE');
      const oauth = ctx.connect(sandbox, { baseUrl: url, auth: 'oauth', retry: quickRetry });
      expectNamed(await rejection(oauth.fetchByIds(primary, [harness.unknownId])), 'CRM_UNAVAILABLE');
      // The sandbox itself closed under the connector.
      const live = ctx.connect(sandbox, { retry: quickRetry });
      await sandbox.close();
      expectNamed(await rejection(live.fetchByIds(primary, [harness.unknownId])), 'CRM_UNAVAILABLE');
    });

    it('timeout: latency beyond the per-call timeout gives CRM_TIMEOUT without waiting for the answer', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 1, T0));
      const id = await firstId(sandbox);
      await setLatency(sandbox, { fixedMs: 2_000 });
      const connector = ctx.connect(sandbox, { timeoutMs: 200, retry: quickRetry });
      const started = Date.now();
      expectNamed(await rejection(connector.fetchByIds(primary, [id])), 'CRM_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(1_500);
      await setLatency(sandbox, {});
      expect((await connector.fetchByIds(primary, [id])).has(id)).toBe(true);
    });

    it('429 storm: nothing is sent before Retry-After has passed, every call succeeds, the daily budget is never exceeded', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 1, T0));
      const id = await firstId(sandbox);
      const proxy = ctx.track(await startRecordingProxy(sandbox.url));
      const usage = await harness.dailyUsage(sandbox);
      const limit = usage.used + 20;
      await harness.setDailyLimit(sandbox, limit);
      await setFaults(sandbox, [{ kind: 'rate-limit', schedule: [1, 2, 3, 4, 5], retryAfterSeconds: 1 }]);
      const connector = ctx.connect(sandbox, { baseUrl: proxy.url, budget: { concurrency: 4 }, retry: { maxAttempts: 6, baseDelayMs: 20 } });

      const storm = await Promise.all(Array.from({ length: 10 }, () => connector.fetchByIds(primary, [id], { fields: harness.readFields })));
      expect(storm.every((m) => m.has(id))).toBe(true);
      const limited = proxy.calls.filter((c) => c.status === 429);
      expect(limited).toHaveLength(5);
      // Slack for requests already on the wire when the 429 was written (the proxy stamps both ends).
      const early = proxy.calls.filter((c) => limited.some((l) => c.sentAt > l.answeredAt + 25 && c.sentAt < l.answeredAt + (l.retryAfterMs ?? 1000)));
      expect(early).toEqual([]);

      // Spend the rest of the daily budget and more: the connector refuses unsent rather than overspend.
      const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => connector.fetchByIds(primary, [id])));
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as ConnectorError);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((e) => e.code === 'CRM_BUDGET_EXHAUSTED')).toBe(true);
      const after = await harness.dailyUsage(sandbox);
      expect(after.used).toBeLessThanOrEqual(limit);
      // The CRM never had to refuse anything itself beyond the five injected 429s.
      expect(proxy.calls.filter((c) => c.status >= 400)).toHaveLength(5);
    });

    it('expired token: 50 concurrent calls cause exactly ONE token refresh and 50 successes', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 1, T0));
      const id = await firstId(sandbox);
      const connector = ctx.connect(sandbox, { auth: 'oauth', budget: { concurrency: 8 } });
      expect((await connector.fetchByIds(primary, [id])).has(id)).toBe(true);
      await harness.expireTokens(sandbox);
      const { result, calls } = await countCalls(sandbox, () =>
        Promise.allSettled(Array.from({ length: 50 }, () => connector.fetchByIds(primary, [id], { fields: harness.readFields }))));
      expect(result.filter((o) => o.status === 'fulfilled' && o.value.has(id))).toHaveLength(50);
      expect(calls.routes[harness.tokenRoute]).toBe(1);
      // The expired token really went out and was refused before the refresh (51 = 50 calls + the refresh).
      expect(calls.total).toBeGreaterThan(51);
    });

    it('partial batch failure across several chunks: results in input order, only the bad items fail, assertAllSucceeded lists them', async () => {
      const sandbox = await ctx.start(seedPrimary(harness, 2, T0));
      const connector = ctx.connect(sandbox);
      const bad = new Set([3, 120]);
      const items = Array.from({ length: 150 }, (_, i) => ({ fields: bad.has(i) ? harness.invalidRecord() : harness.validRecord(1000 + i) }));
      const results = await connector.createMany(primary, items);
      expect(results).toHaveLength(150);
      expect(results.flatMap((r, i) => (r.ok ? [] : [i]))).toEqual([3, 120]);
      for (const i of bad) expect(!results[i]!.ok && results[i]!.error.code).toBe('CRM_VALIDATION');
      const ids = results.flatMap((r) => (r.ok ? [r.id] : []));
      expect(new Set(ids).size).toBe(148);
      const stored = await connector.fetchByIds(primary, ids, { fields: harness.readFields });
      results.forEach((r, i) => {
        if (r.ok) expect(stored.get(r.id)?.fields[harness.keyField]).toEqual(harness.validRecord(1000 + i)[harness.keyField]);
      });
      try {
        assertAllSucceeded(harness.crm, results);
        expect.unreachable('assertAllSucceeded must throw');
      } catch (err) {
        expect(err).toBeInstanceOf(ConnectorError);
        expect((err as ConnectorError).code).toBe('CRM_PARTIAL_FAILURE');
        expect(((err as ConnectorError).details?.failures as { index: number }[]).map((f) => f.index)).toEqual([3, 120]);
      }
      const updates = await connector.updateMany(primary, [
        { id: ids[0]!, fields: harness.validUpdate(0) }, { id: harness.unknownId, fields: harness.validUpdate(1) }, { id: ids[1]!, fields: harness.validUpdate(2) },
      ]);
      expect(updates.map((r) => r.ok)).toEqual([true, false, true]);
      expect(!updates[1]!.ok && updates[1]!.error.code).toBe('CRM_NOT_FOUND');
    });

    it('garbage answers (HTML, truncated JSON, a cut connection) give CRM_UNAVAILABLE naming the CRM, never a crash', async () => {
      const sandbox = await ctx.start();
      for (const kind of GARBAGE_KINDS) {
        const garbage = ctx.track(await startGarbageServer(kind));
        for (const auth of ['static', 'oauth'] as const) {
          const connector = ctx.connect(sandbox, { baseUrl: garbage.url, auth, retry: { maxAttempts: 1 } });
          expectNamed(await rejection(connector.fetchByIds(primary, [harness.unknownId])), 'CRM_UNAVAILABLE');
          expectNamed(await rejection(connector.describeObjects([primary])), 'CRM_UNAVAILABLE');
          expectNamed(await rejection(drain(connector.pageRecords(primary))), 'CRM_UNAVAILABLE');
          expectNamed(await rejection(drain(connector.readChanges(primary, null))), 'CRM_UNAVAILABLE');
          const written = await connector.createMany(primary, [{ fields: harness.validRecord(1) }]);
          expect(written).toHaveLength(1);
          expect(!written[0]!.ok && written[0]!.error.code).toBe('CRM_UNAVAILABLE');
        }
        expect(garbage.requests).toBeGreaterThan(0);
      }
    });

    it('invalid credentials: CRM_AUTH_FAILED, the connector is marked for re-authorisation once and stops calling the CRM', async () => {
      const sandbox = await ctx.start();
      for (const auth of ['invalid-static', 'invalid-refresh-token'] as const) {
        const marked: Array<[string, string]> = [];
        const connectorId = `${harness.crm}-invalid-${auth}-${Date.now()}`;
        const connector = ctx.connect(sandbox, { connectorId, auth, onNeedsReauthorisation: (id, reason) => void marked.push([id, reason]) });
        expectNamed(await rejection(connector.fetchByIds(primary, [harness.unknownId])), 'CRM_AUTH_FAILED');
        expect(marked.map(([id]) => id)).toEqual([connectorId]);
        const { result, calls } = await countCalls(sandbox, () => rejection(connector.describeObjects([primary])));
        expectNamed(result, 'CRM_AUTH_FAILED');
        expect(calls.total).toBe(0);
        expect(marked).toHaveLength(1);
      }
    });

    it('secrets never appear in errors', async () => {
      const sandbox = await ctx.start();
      const garbage = ctx.track(await startGarbageServer('html-502'));
      const errors: unknown[] = [];
      for (const auth of ['invalid-static', 'invalid-refresh-token', 'static', 'oauth'] as const) {
        const baseUrl = auth.startsWith('invalid') ? sandbox.url : garbage.url;
        const connector = ctx.connect(sandbox, { baseUrl, auth, retry: { maxAttempts: 1 } });
        errors.push(await rejection(connector.fetchByIds(primary, [harness.unknownId])));
        const written = await connector.createMany(primary, [{ fields: harness.validRecord(1) }]);
        errors.push(...written.flatMap((r) => (r.ok ? [] : [r.error])));
      }
      expect(errors.length).toBeGreaterThanOrEqual(8);
      for (const error of errors) {
        const text = exposedText(error);
        for (const secret of harness.secrets) expect(text, `leaks ${secret.slice(0, 4)}…`).not.toContain(secret);
      }
    });
  });
}
