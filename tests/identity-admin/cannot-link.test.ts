/**
 * A cannot_link decision is respected by the auto-linkers' lookup (find-golden.ts): a native record is never joined
 * to a golden record holding a record it was split from, even when their match keys are equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeKey, recordDecisions } from '../../db/decision-store.ts';
import { createGoldenRecord, upsertLink } from '../../db/link-store.ts';
import { findGolden } from '../../sync/find-golden.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

describe('cannot_link in the linkers lookup', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  }, 60_000);
  afterAll(async () => db?.close());

  it('joins by key without a decision, and not once the records were split apart', async () => {
    const key = 'email:ada@example.com';
    const goldenId = await createGoldenRecord(db.db, 'Customer');
    await upsertLink(db.db, { goldenId, entityType: 'Customer', connectorId: 'salesforce', crm: 'salesforce', objectType: 'Contact', recordId: 's1', matchKey: key });
    const incoming = nativeKey('hubspot', 'contacts', 'h1');
    expect(await findGolden(db.db, 'Customer', { key }, incoming)).toBe(goldenId);

    await recordDecisions(db.db, [{ entityType: 'Customer', a: incoming, b: nativeKey('salesforce', 'Contact', 's1'), decision: 'cannot_link' }]);
    expect(await findGolden(db.db, 'Customer', { key }, incoming)).toBeNull();
    // Other records with the same key still join.
    expect(await findGolden(db.db, 'Customer', { key }, nativeKey('hubspot', 'contacts', 'h2'))).toBe(goldenId);
  });
});
