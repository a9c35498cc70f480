/**
 * Write-back under chaos, small: 40 customers in both CRM sandboxes, 3 golden updates each queued through the
 * gateway, then `customer-graph worker` as a separate OS process against sandboxes failing 20% of requests
 * (429 + Retry-After, 5xx, connection reset after the write was applied; timeouts only while workers get killed),
 * killed with SIGKILL twice while draining and restarted. Every intended value must be in both CRMs, nothing created,
 * the outbox settled, and change capture plus convergence afterwards must queue and send nothing (no ping-pong).
 * The full-size run is `npx tsx bench/writeback/chaos.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/writeback/chaos-harness.ts';
import type { ChaosReport } from '../../bench/writeback/chaos-harness.ts';
import { createFreshDatabase } from '../support/test-database.ts';

describe('write-back chaos: faults, SIGKILLed worker processes, restarts', () => {
  let report: ChaosReport;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const fresh = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
    drop = fresh?.drop;
    report = await runChaos({ customers: 40, perCustomer: 3, kills: 2, timeouts: 'kill-phases', leaseMs: 2000, deadlineMs: 420_000, ...(fresh ? { databaseUrl: fresh.url } : {}) });
    // No timing assertion: a few minutes on two cores shared by a full suite (four app starts, three of them processes).
  }, 480_000);
  afterAll(async () => drop?.());

  it('killed the worker while it drained, and every intended value reached both CRMs', () => {
    expect(report.kills).toHaveLength(2);
    expect(report.workerStarts).toBeGreaterThanOrEqual(3);
    expect(report.outboxRows).toBe(40 * 3 * 2);
    expect(report.finals.missing, JSON.stringify(report.finals.examples)).toBe(0);
    expect(report.finals.checked).toBe(40 * 3 * 2 - 40 * 2); // title is set twice: checked once per CRM
  });

  it('applied no create or delete: updates by id only', () => {
    for (const crm of ['salesforce', 'hubspot'] as const) {
      expect(report.crm[crm].creates).toBe(0);
      expect(report.crm[crm].deletes).toBe(0);
      expect(report.crm[crm].records).toBe(40);
    }
  });

  it('settled the outbox: nothing pending, in flight, dead or stale', () => {
    expect(report.outbox.pending ?? 0).toBe(0);
    expect(report.outbox.in_flight ?? 0).toBe(0);
    expect(report.outbox.dead ?? 0).toBe(0);
    expect(report.outbox.stale ?? 0).toBe(0);
    expect(report.outbox.done).toBe(report.outboxRows);
  });

  it('change capture and convergence afterwards queue nothing and the CRM writes stop (no ping-pong)', () => {
    const s = report.settle;
    expect(s.polledRecords).toBeGreaterThanOrEqual(80);
    expect(s.convergenceWrites).toBe(0);
    expect(s.outboxRowsAfter).toBe(s.outboxRowsBefore);
    expect(s.ledgerAfter).toBe(s.ledgerBefore);
    expect(s.writeCallsAfter).toBe(s.writeCallsBefore);
  });
});
