/**
 * The backfill bench's `--restart` at a small size: after a Salesforce backfill, `customer-graph start` as a process
 * on its database twice. `always` reads every record again at start (at least the backfill's page calls); `auto`
 * reads nothing before it is ready (no page call, no record) because every mapped object has a change cursor. No
 * timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { runBackfillBench } from '../../bench/backfill/backfill.ts';
import type { BackfillBenchReport, RunResult } from '../../bench/backfill/backfill.ts';
import { parseBackfillArgs, renderRestarts } from '../../bench/backfill/report.ts';
import { parseStartOutput, startEnv } from '../../bench/backfill/restart.ts';
import type { StartRun } from '../../bench/backfill/restart.ts';

describe('backfill bench: restart on a linked database', () => {
  it('reads the start logs, sets the start environment and renders both starts', () => {
    expect(parseBackfillArgs(['--restart'])).toMatchObject({ restart: true });
    expect(parseBackfillArgs([])).toMatchObject({ restart: false });
    const linked = [
      '{"level":30,"msg":"reading at start the golden types with CRM objects never read completely"}',
      '{"level":30,"recordsRead":360,"goldenCreated":0,"msg":"linked native records to golden records"}',
      'customer-graph is ready: http://127.0.0.1:41234/graphql (GraphQL API and IDE), …',
    ].join('\n');
    expect(parseStartOutput(linked)).toEqual({ ready: true, linked: true, recordsRead: 360, resumedObjects: 0 });
    const skipped = '{"level":30,"objects":["salesforce Contact","salesforce Account"],"msg":"not read again at start: these CRM objects were read completely before"}\n';
    expect(parseStartOutput(skipped)).toEqual({ ready: false, linked: false, recordsRead: 0, resumedObjects: 2 });
    expect(startEnv({ DATABASE_URL: 'postgres://x/db', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0' }, 'auto')).toMatchObject({
      DATABASE_URL: 'postgres://x/db', PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_LINK_ON_START: 'auto', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000',
    });
    const start = (mode: StartRun['mode'], recordsRead: number, pageCalls: number): StartRun => ({
      mode, ready: true, readySeconds: 12.34, recordsRead, linked: recordsRead > 0, resumedObjects: recordsRead ? 0 : 3, crms: {}, pageCalls,
      totalCalls: pageCalls + 4, exitCode: 0, exitSignal: null, stopSeconds: 0.5, load: { start: 1, end: 2 }, output: '',
    });
    const run = { scenario: 'salesforce', driver: 'pglite', crms: { salesforce: { pageCalls: 3 } }, restart: { always: start('always', 360, 3), auto: start('auto', 0, 0) } };
    expect(renderRestarts({ runs: [run as unknown as RunResult] } as BackfillBenchReport).split('\n').slice(2)).toEqual([
      '| salesforce | pglite | always | 12.3 | 3 | 7 | 360 | 0 | 3 | 0 |',
      '| salesforce | pglite | auto | 12.3 | 0 | 4 | 0 | 3 | 3 | 0 |',
    ]);
  });

  it('starts on the backfilled database: always reads every record again, auto reads none and makes no page call', async () => {
    const report = await runBackfillBench({
      people: 300, scenarios: ['salesforce'], restart: true, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    });
    const [run] = report.runs;
    expect(run!.exitCode, run!.stderr).toBe(0);
    const backfill = run!.crms.salesforce!;
    expect(run!.recordsRead).toBe(backfill.records);
    expect(backfill.records).toBeGreaterThan(300);
    const { always, auto } = run!.restart!;
    for (const s of [always, auto]) {
      expect(s.ready, s.output).toBe(true);
      expect(s.readySeconds).toBeGreaterThan(0);
      // SIGTERM: a clean stop.
      expect(s.exitCode, s.output).toBe(0);
    }
    expect(always.linked).toBe(true);
    expect(always.recordsRead).toBe(run!.recordsRead);
    expect(always.pageCalls).toBeGreaterThanOrEqual(backfill.pageCalls);
    expect(always.pageCalls).toBeGreaterThanOrEqual(backfill.floorCalls);
    // Every mapped object has its cursor from the backfill: nothing is read before ready, every object is resumed.
    expect(auto.linked).toBe(false);
    expect(auto.recordsRead).toBe(0);
    expect(auto.pageCalls).toBe(0);
    expect(auto.resumedObjects).toBeGreaterThan(0);
    expect(auto.totalCalls).toBeLessThan(always.totalCalls);
  }, 600_000);
});
