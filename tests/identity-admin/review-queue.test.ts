/**
 * The review queue end to end on the demo app: identity resolution at start (and the review run) queues pairs with
 * score and reasons, once; accepting a pair merges it, rejecting it keeps its records apart, and decided pairs are not queued again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyDecisionBetween, decisionKeysOf, goldenKey, queueReviews } from '../../db/decision-store.ts';
import { runIdentityReview } from '../../sync/identity-review.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Review { id: string; entityType: string; leftId: string; rightId: string; score: number | null; reasons: string[] }
const QUEUE = '{ reviewQueue(first: 500) { id entityType leftId rightId score reasons } }';

describe('identity review queue', () => {
  let t: TestApp;
  let ids: string[];
  const queue = async () => {
    const res = await t.gql<{ reviewQueue: Review[] }>(QUEUE);
    expect(res.errors).toBeUndefined();
    return res.data!.reviewQueue;
  };
  const pairOf = (r: Review) => [r.leftId, r.rightId].sort().join('|');

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.gql<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(first: 50) { edges { node { id } } } }');
    ids = res.data!.customers.edges.map((e) => e.node.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
  }, 120_000);
  afterAll(async () => t?.close());

  it('the start-time link run queues the matcher\'s review pairs with score and reasons; the review run adds no duplicate', async () => {
    const db = t.app.database.db;
    const listed = await queue();
    expect(listed.length).toBeGreaterThan(0); // queued by identity resolution on the sync path
    for (const r of listed) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.reasons.length).toBeGreaterThan(0);
    }
    const first = await runIdentityReview(db, t.app.mappingConfig());
    expect(first.customers).toBeGreaterThan(0);
    const after = await queue();
    expect(after.length).toBe(listed.length + first.queued);
    expect(new Set(after.map(pairOf)).size).toBe(after.length);
    const again = await runIdentityReview(db, t.app.mappingConfig());
    expect(again.queued).toBe(0);
    await t.app.link();
    expect(await queue()).toHaveLength(after.length);
  });

  it('pages through the queue by the last id seen (keyset: no pair twice, none skipped) and counts what waits', async () => {
    const all = await queue();
    const count = await t.gql<{ reviewQueueCount: number }>('{ reviewQueueCount }');
    expect(count.data!.reviewQueueCount).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const page = async (after: string | null) => {
      const res = await t.gql<{ reviewQueue: Review[] }>('query ($after: ID) { reviewQueue(first: 2, after: $after) { id } }', { after });
      expect(res.errors).toBeUndefined();
      return res.data!.reviewQueue.map((r) => r.id);
    };
    const first = await page(null);
    expect(first).toEqual(all.slice(0, 2).map((r) => r.id));
    const seen = [...first];
    for (let next = await page(seen.at(-1)!); next.length > 0; next = await page(seen.at(-1)!)) seen.push(...next);
    expect(seen).toEqual(all.map((r) => r.id));
    const bad = await t.gql('{ reviewQueue(after: "not-an-id") { id } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejectMatch keeps the records apart, and the pair is not queued again', async () => {
    const db = t.app.database.db;
    const [c, d] = [ids[0]!, ids[1]!];
    await db.transaction((tx) => queueReviews(tx, [{ entityType: 'Customer', a: goldenKey(c), b: goldenKey(d), score: 5, reasons: [{ feature: 'test' }] }]));
    const review = (await queue()).find((r) => pairOf(r) === [c, d].sort().join('|'))!;
    expect(review).toBeDefined();
    expect(review.reasons).toEqual([JSON.stringify({ feature: 'test' })]);
    const res = await t.gql('mutation ($id: ID!) { rejectMatch(id: $id) }', { id: review.id });
    expect(res.errors).toBeUndefined();
    expect((await queue()).some((r) => r.id === review.id)).toBe(false);
    expect(await anyDecisionBetween(db, 'Customer', await decisionKeysOf(db, c), await decisionKeysOf(db, d), 'cannot_link')).toBe(true);
    // A decided pair is not queued again by a later run.
    expect(await db.transaction((tx) => queueReviews(tx, [{ entityType: 'Customer', a: goldenKey(d), b: goldenKey(c) }]))).toBe(0);
    await t.app.link();
    const after = await t.gql<{ a: { id: string }; b: { id: string } }>('query ($a: ID!, $b: ID!) { a: customer(id: $a) { id } b: customer(id: $b) { id } }', { a: c, b: d });
    expect(after.data!.a.id).toBe(c);
    expect(after.data!.b.id).toBe(d);
  });

  it('acceptMatch merges the pair (older survives) and the merge holds after a linker re-run', async () => {
    const db = t.app.database.db;
    const [e, f] = [ids[2]!, ids[3]!].sort() as [string, string];
    await db.transaction((tx) => queueReviews(tx, [{ entityType: 'Customer', a: goldenKey(f), b: goldenKey(e), score: 5 }]));
    const review = (await queue()).find((r) => pairOf(r) === `${e}|${f}`)!;
    const res = await t.gql<{ acceptMatch: { customer: { id: string; sources: unknown[] } } }>('mutation ($id: ID!) { acceptMatch(id: $id) { customer { id sources { recordId } } } }', { id: review.id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.acceptMatch.customer.id).toBe(e);
    expect((await queue()).some((r) => r.id === review.id)).toBe(false);
    await t.app.link();
    const merged = await t.gql<{ customer: { id: string } }>('query ($id: ID!) { customer(id: $id) { id } }', { id: f });
    expect(merged.data!.customer.id).toBe(e);
  });

  it('unknown review ids are BAD_USER_INPUT naming the id', async () => {
    for (const m of ['rejectMatch(id: "424242")', 'acceptMatch(id: "424242") { customer { id } }']) {
      const res = await t.gql(`mutation { ${m} }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toContain('424242');
    }
  });
});
