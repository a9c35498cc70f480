/**
 * Dead-letter replay and write-back status through the write-back subgraph's own schema, on a real (embedded or
 * Postgres) database: a refused write is listed for its customer and for admins, a replay re-enqueues it once as a
 * new outbox row and marks it replayed, (delivery through the real worker and sandboxes: write-back.test.ts).
 */
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOutbox } from '../../db/outbox-store.ts';
import { deadLetterOutbox, outboxRowsOf } from '../../db/writeback-store.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { createWriteBackSubgraph } from '../../subgraphs/writeback/index.ts';
import type { WriteBackSubgraph } from '../../subgraphs/writeback/index.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const GOLDEN = 'cus_01JABCDEFGHJKMNPQRSTVWXYZ0';

describe('dead-letter replay and write-back status', () => {
  let database: TestDatabase;
  let subgraph: WriteBackSubgraph;
  const gql = async <T>(query: string, variables?: Record<string, unknown>) => {
    const res = await execute({ schema: subgraph.schema(), document: parse(query), variableValues: variables ?? {} });
    if (res.errors) throw new Error(res.errors.map((e) => e.message).join('; '));
    return res.data as T;
  };

  beforeAll(async () => {
    database = await openTestDatabase();
    subgraph = createWriteBackSubgraph({ db: database.db, getConfig: () => DEFAULT_MAPPING_CONFIG, connectors: new Map() });
    const db = database.db;
    await enqueueOutbox(db, [
      { connectorId: 'hubspot-x', objectType: 'contacts', recordId: '501', goldenId: GOLDEN, fields: { lifecyclestage: 'not-a-stage' }, idempotencyKey: 'dl-1' },
      { connectorId: 'sf-x', objectType: 'Contact', recordId: '003A', goldenId: GOLDEN, fields: { Title: 'CEO' }, idempotencyKey: 'dl-2' },
    ]);
    const rows = await outboxRowsOf(db, [GOLDEN]);
    await deadLetterOutbox(db, [{ row: rows[0]!, code: 'CRM_VALIDATION', nativeCode: 'INVALID_OPTION', reason: 'lifecyclestage: not-a-stage is not a valid option' }]);
  });
  afterAll(async () => database?.close());

  it('writeBackStatus shows pending, done and failed rows with the CRM reason, and deadLetters lists it for admins', async () => {
    const data = await gql<{ writeBackStatus: { pending: number; done: number; failed: number; rows: { state: string; lastError: string | null; fields: string }[]; deadLetters: { reason: string; code: string; replayedAt: string | null }[] } }>(
      'query($id: ID!) { writeBackStatus(id: $id) { pending done failed rows { state lastError fields } deadLetters { reason code replayedAt } } }', { id: GOLDEN });
    expect(data.writeBackStatus).toMatchObject({ pending: 1, done: 0, failed: 1 });
    expect(data.writeBackStatus.rows.find((r) => r.state === 'FAILED')!.lastError).toMatch(/not a valid option/);
    expect(data.writeBackStatus.deadLetters).toEqual([{ reason: 'lifecyclestage: not-a-stage is not a valid option', code: 'CRM_VALIDATION', replayedAt: null }]);
    const admin = await gql<{ deadLetters: { goldenId: string; fields: string }[]; writeBackOutboxDepth: { status: string; rows: number }[] }>('{ deadLetters(first: 10) { goldenId fields } writeBackOutboxDepth { status rows } }');
    expect(admin.deadLetters).toEqual([{ goldenId: GOLDEN, fields: JSON.stringify({ lifecyclestage: 'not-a-stage' }) }]);
    expect(admin.writeBackOutboxDepth.sort((a, b) => a.status.localeCompare(b.status))).toEqual([{ status: 'dead', rows: 1 }, { status: 'pending', rows: 1 }]);
  });

  it('replayDeadLetters re-enqueues each dead letter once as a new outbox row and marks it replayed', async () => {
    const [dead] = (await gql<{ deadLetters: { id: string }[] }>('{ deadLetters { id } }')).deadLetters;
    const REPLAY = 'mutation($ids: [ID!]) { replayDeadLetters(ids: $ids) { replayed { deadLetterId outboxId } skipped { deadLetterId reason } } }';
    const first = await gql<{ replayDeadLetters: { replayed: { deadLetterId: string; outboxId: string }[]; skipped: unknown[] } }>(REPLAY, { ids: [dead!.id, '999999'] });
    expect(first.replayDeadLetters.replayed).toHaveLength(1);
    expect(first.replayDeadLetters.skipped).toEqual([{ deadLetterId: '999999', reason: 'no dead letter 999999' }]);
    const again = await gql<{ replayDeadLetters: { replayed: unknown[]; skipped: { reason: string }[] } }>(REPLAY, { ids: [dead!.id] });
    expect(again.replayDeadLetters.replayed).toEqual([]);
    expect(again.replayDeadLetters.skipped[0]!.reason).toMatch(/already replayed/);
    // Without ids: every open dead letter — none left.
    expect((await gql<{ replayDeadLetters: { replayed: unknown[] } }>(REPLAY)).replayDeadLetters.replayed).toEqual([]);
    const rows = await outboxRowsOf(database.db, [GOLDEN]);
    const replayed = rows.find((r) => String(r.id) === first.replayDeadLetters.replayed[0]!.outboxId)!;
    expect(replayed).toMatchObject({ status: 'pending', connectorId: 'hubspot-x', recordId: '501', fields: { lifecyclestage: 'not-a-stage' } });
    const status = await gql<{ writeBackStatus: { pending: number; failed: number; deadLetters: { replayedAt: string | null }[] } }>('query($id: ID!) { writeBackStatus(id: $id) { pending failed deadLetters { replayedAt } } }', { id: GOLDEN });
    expect(status.writeBackStatus).toMatchObject({ pending: 2, failed: 1 });
    expect(status.writeBackStatus.deadLetters[0]!.replayedAt).not.toBeNull();
  });

  it('refuses an id that is not a golden id or a dead letter id', async () => {
    await expect(gql('{ writeBackStatus(id: "nope") { pending } }')).rejects.toThrow(/not a golden id/);
    await expect(gql('mutation { replayDeadLetters(ids: ["x"]) { replayed { outboxId } } }')).rejects.toThrow(/not a dead letter id/);
  });
});
