/**
 * Convergence queueing (sync/writeback/convergence-queue.ts) on a real database: what change capture adds to the
 * write-back outbox in its transaction — once per captured change, never beside a write already waiting for that
 * record field, never for an echo, nothing in mode plan — with an audit row saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { NativeRecord } from '../../connectors/contract/index.ts';
import type { GoldenLink } from '../../db/golden-store.ts';
import { completeOutbox } from '../../db/outbox-store.ts';
import { auditLog } from '../../db/schema.ts';
import { outboxRowsOf } from '../../db/writeback-store.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT, parseMappingConfig } from '../../resolver-engine/index.ts';
import type { ConvergenceMode, MappingConfig, MappingConfigInput } from '../../resolver-engine/index.ts';
import { queueConvergence } from '../../sync/writeback/convergence-queue.ts';
import type { ConvergenceCandidate } from '../../sync/writeback/convergence-queue.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const GOLDEN = 'cus_01JCONVERGENCEQUEUE00000000';
const SF: GoldenLink = { goldenId: GOLDEN, connectorId: 'sf-1', crm: 'salesforce', objectType: 'Contact', recordId: '003Q' };
const HS: GoldenLink = { goldenId: GOLDEN, connectorId: 'hs-1', crm: 'hubspot', objectType: 'contacts', recordId: '777' };

function titleMode(mode: ConvergenceMode): MappingConfig {
  const doc = structuredClone(DEFAULT_MAPPING_CONFIG_INPUT) as MappingConfigInput;
  (doc.types.Customer!.fields.title as { convergence?: ConvergenceMode }).convergence = mode;
  return parseMappingConfig(doc);
}

/** Salesforce holds the winning title; HubSpot a loser, as last modified at `hsModifiedAt`. */
function candidate(hsModifiedAt: string, echo = false): ConvergenceCandidate {
  const sf: NativeRecord = { id: SF.recordId, objectType: 'Contact', modifiedAt: '2026-01-01T00:00:00Z', fields: { Title: 'CTO' } };
  const hs: NativeRecord = { id: HS.recordId, objectType: 'contacts', modifiedAt: hsModifiedAt, fields: { jobtitle: 'Intern' } };
  return { goldenId: GOLDEN, typeName: 'Customer', winners: { title: 'CTO' }, records: [{ link: SF, record: sf }, { link: HS, record: hs }], echoes: echo ? [HS] : [] };
}

describe('queueConvergence', () => {
  let database: TestDatabase;
  const queue = (config: MappingConfig, c: ConvergenceCandidate) => database.db.transaction((tx) => queueConvergence(tx, config, [c]));

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => database?.close());

  it('queues the winner once per captured change, with $expected and an audit row', async () => {
    const first = await queue(titleMode('on'), candidate('2026-02-01T00:00:00Z'));
    expect(first.enqueued).toBe(1);
    const rows = await outboxRowsOf(database.db, [GOLDEN]);
    expect(rows).toEqual([expect.objectContaining({ connectorId: 'hs-1', objectType: 'contacts', recordId: '777', status: 'pending', fields: { jobtitle: 'CTO', $expected: { jobtitle: 'Intern' } } })]);
    const audit = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'convergeCustomer'), eq(auditLog.entityId, GOLDEN)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!).toMatchObject({ actor: 'convergence', detail: { outboxIds: [rows[0]!.id] } });
    // The same change captured again (webhook, then poll): nothing new, no second audit row.
    expect((await queue(titleMode('on'), candidate('2026-02-01T00:00:00Z'))).enqueued).toBe(0);
    expect(await outboxRowsOf(database.db, [GOLDEN])).toHaveLength(1);
    expect(await database.db.select().from(auditLog).where(eq(auditLog.action, 'convergeCustomer'))).toHaveLength(1);
  });

  it('adds nothing beside a write still waiting for that record field; corrects a later edit once it is delivered', async () => {
    const edited = await queue(titleMode('on'), candidate('2026-03-01T00:00:00Z'));
    expect(edited.enqueued).toBe(0);
    expect(edited.held).toEqual([{ goldenId: GOLDEN, recordId: '777', field: 'title', reason: 'the same value is already waiting in the outbox' }]);
    await completeOutbox(database.db, (await outboxRowsOf(database.db, [GOLDEN])).map((r) => r.id));
    expect((await queue(titleMode('on'), candidate('2026-03-01T00:00:00Z'))).enqueued).toBe(1);
    expect((await outboxRowsOf(database.db, [GOLDEN])).map((r) => r.status)).toEqual(['done', 'pending']);
    await completeOutbox(database.db, (await outboxRowsOf(database.db, [GOLDEN])).map((r) => r.id));
  });

  it('queues nothing for our own echo, nor in mode plan or off', async () => {
    const echo = await queue(titleMode('on'), candidate('2026-04-01T00:00:00Z', true));
    expect(echo).toMatchObject({ enqueued: 0, held: [expect.objectContaining({ reason: 'the record reports our own write (echo)' })] });
    for (const mode of ['plan', 'off'] as const) expect(await queue(titleMode(mode), candidate('2026-05-01T00:00:00Z'))).toEqual({ enqueued: 0, outboxIds: [], held: [] });
    expect(await outboxRowsOf(database.db, [GOLDEN])).toHaveLength(2);
  });
});
