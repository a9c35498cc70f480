/**
 * The review queue end to end on the demo app: identity resolution at start (and the review run) queues pairs with
 * score and reasons, once; accepting a pair merges it, rejecting it keeps its records apart, and decided pairs are not queued again.
 * Most likely first pages by (score, id); acceptMatches / rejectMatches decide many pairs, each as the single mutation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyDecisionBetween, decisionKeysOf, goldenKey, queueReviews } from '../../db/decision-store.ts';
import { REVIEW_BULK_MAX_IDS } from '../../subgraphs/admin/page-limits.ts';
import { runIdentityReview } from '../../sync/identity-review.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

interface Review { id: string; entityType: string; leftId: string; rightId: string; score: number | null; reasons: string[] }
interface Outcome { id: string; ok: boolean; code: string | null; message: string | null; customer: { id: string } | null }
const OUTCOME = '{ id ok code message customer { id } }';
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

  it('most likely first: score descending then id, paged across a page boundary by the last id; minScore filters', async () => {
    const db = t.app.database.db;
    // Ties at 60 and a pair below every matcher score: the id breaks ties, and paging must cross them.
    const [g, h, i, j, k, l] = ids.slice(4, 10) as [string, string, string, string, string, string];
    await db.transaction((tx) => queueReviews(tx, [
      { entityType: 'Customer', a: goldenKey(g), b: goldenKey(h), score: 60 },
      { entityType: 'Customer', a: goldenKey(i), b: goldenKey(j), score: 60 },
      { entityType: 'Customer', a: goldenKey(k), b: goldenKey(l), score: 61 },
      { entityType: 'Customer', a: goldenKey(g), b: goldenKey(l), score: 0.001 },
    ]));
    const res = await t.gql<{ reviewQueue: Review[] }>('{ reviewQueue(first: 500, order: MOST_LIKELY_FIRST) { id score } }');
    expect(res.errors).toBeUndefined();
    const all = res.data!.reviewQueue;
    const oldest = await queue();
    expect(all.map((r) => r.id).sort()).toEqual(oldest.map((r) => r.id).sort());
    const expected = [...oldest].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || Number(a.id) - Number(b.id));
    expect(all.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(all[0]!.score).toBe(Math.max(...oldest.map((r) => r.score ?? -Infinity)));
    const tied = all.filter((r) => r.score === 60);
    expect(tied).toHaveLength(2);
    expect(Number(tied[0]!.id)).toBeLessThan(Number(tied[1]!.id));

    // Pages of 2 whose boundary falls between the two pairs scored 60.
    const size = all.findIndex((r) => r.score === 60) + 1;
    const page = async (after: string | null) => {
      const r = await t.gql<{ reviewQueue: Review[] }>('query ($after: ID, $n: Int) { reviewQueue(first: $n, after: $after, order: MOST_LIKELY_FIRST) { id } }', { after, n: size });
      expect(r.errors).toBeUndefined();
      return r.data!.reviewQueue.map((x) => x.id);
    };
    const seen = await page(null);
    expect(seen.at(-1)).toBe(tied[0]!.id);
    for (let next = await page(seen.at(-1)!); next.length > 0; next = await page(seen.at(-1)!)) seen.push(...next);
    expect(seen).toEqual(all.map((r) => r.id));

    const filtered = await t.gql<{ reviewQueue: Review[]; reviewQueueCount: number }>('{ reviewQueue(first: 500, order: MOST_LIKELY_FIRST, minScore: 60) { id score } reviewQueueCount(minScore: 60) }');
    expect(filtered.data!.reviewQueue.map((r) => r.id)).toEqual(all.filter((r) => (r.score ?? -Infinity) >= 60).map((r) => r.id));
    expect(filtered.data!.reviewQueueCount).toBe(filtered.data!.reviewQueue.length);

    // An unknown or decided pair cannot place the next page of the score order.
    const low = all.find((r) => r.score === 0.001)!;
    expect((await t.gql('mutation ($id: ID!) { rejectMatch(id: $id) }', { id: low.id })).errors).toBeUndefined();
    for (const after of ['424242', low.id]) {
      const bad = await t.gql('query ($after: ID) { reviewQueue(after: $after, order: MOST_LIKELY_FIRST) { id } }', { after });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message).toContain(`'${after}'`);
    }
  });

  it('acceptMatches merges each pair as acceptMatch does, one outcome per id in input order; an unknown id fails alone', async () => {
    const db = t.app.database.db;
    const [m, n, o, p] = ids.slice(10, 14).sort() as [string, string, string, string];
    await db.transaction((tx) => queueReviews(tx, [
      { entityType: 'Customer', a: goldenKey(n), b: goldenKey(m), score: 7 },
      { entityType: 'Customer', a: goldenKey(p), b: goldenKey(o), score: 7 },
    ]));
    const listed = await queue();
    const first = listed.find((r) => pairOf(r) === `${m}|${n}`)!;
    const second = listed.find((r) => pairOf(r) === `${o}|${p}`)!;
    const res = await t.gql<{ acceptMatches: Outcome[] }>(`mutation ($ids: [ID!]!) { acceptMatches(ids: $ids) ${OUTCOME} }`, { ids: [first.id, '424242', second.id] });
    expect(res.errors).toBeUndefined();
    const [a, unknown, b] = res.data!.acceptMatches;
    expect(res.data!.acceptMatches).toHaveLength(3);
    expect(a).toMatchObject({ id: first.id, ok: true, code: null, customer: { id: m } });
    expect(unknown).toMatchObject({ id: '424242', ok: false, code: 'NOT_FOUND', customer: null });
    expect(unknown!.message).toContain('424242');
    expect(b).toMatchObject({ id: second.id, ok: true, code: null, customer: { id: o } });
    const now = await t.gql<{ n: { id: string }; p: { id: string } }>('query ($n: ID!, $p: ID!) { n: customer(id: $n) { id } p: customer(id: $p) { id } }', { n, p });
    expect(now.data).toEqual({ n: { id: m }, p: { id: o } });
    expect((await queue()).some((r) => r.id === first.id || r.id === second.id)).toBe(false);

    // Deciding them again (single or bulk) is refused per pair, and nothing changes.
    const again = await t.gql<{ rejectMatches: Outcome[] }>(`mutation ($ids: [ID!]!) { rejectMatches(ids: $ids) ${OUTCOME} }`, { ids: [second.id] });
    expect(again.data!.rejectMatches).toEqual([expect.objectContaining({ id: second.id, ok: false, code: 'ALREADY_DECIDED' })]);
    expect(await anyDecisionBetween(db, 'Customer', await decisionKeysOf(db, o), [goldenKey(p)], 'cannot_link')).toBe(false);
  });

  it('rejectMatches keeps each pair apart, and a later matching run respects it', async () => {
    const db = t.app.database.db;
    const [q, r, s, u] = ids.slice(14, 18) as [string, string, string, string];
    await db.transaction((tx) => queueReviews(tx, [
      { entityType: 'Customer', a: goldenKey(q), b: goldenKey(r), score: 6 },
      { entityType: 'Customer', a: goldenKey(s), b: goldenKey(u), score: 6 },
    ]));
    const listed = await queue();
    const pairs = [[q, r], [s, u]].map(([x, y]) => listed.find((p) => pairOf(p) === [x, y].sort().join('|'))!);
    const res = await t.gql<{ rejectMatches: Outcome[] }>(`mutation ($ids: [ID!]!) { rejectMatches(ids: $ids) ${OUTCOME} }`, { ids: pairs.map((p) => p.id) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.rejectMatches).toEqual(pairs.map((p) => ({ id: p.id, ok: true, code: null, message: null, customer: null })));
    for (const [x, y] of [[q, r], [s, u]] as [string, string][]) {
      expect(await anyDecisionBetween(db, 'Customer', await decisionKeysOf(db, x), await decisionKeysOf(db, y), 'cannot_link')).toBe(true);
      expect(await db.transaction((tx) => queueReviews(tx, [{ entityType: 'Customer', a: goldenKey(y), b: goldenKey(x) }]))).toBe(0);
    }
    await t.app.link();
    const after = await t.gql<Record<string, { id: string }>>('query ($q: ID!, $r: ID!, $s: ID!, $u: ID!) { q: customer(id: $q) { id } r: customer(id: $r) { id } s: customer(id: $s) { id } u: customer(id: $u) { id } }', { q, r, s, u });
    expect(after.data).toEqual({ q: { id: q }, r: { id: r }, s: { id: s }, u: { id: u } });
  });

  it(`more than ${REVIEW_BULK_MAX_IDS} ids in one bulk call are BAD_USER_INPUT and decide nothing`, async () => {
    const before = await queue();
    const pending = before.map((r) => r.id);
    expect(pending.length).toBeGreaterThan(0);
    const ids101 = Array.from({ length: REVIEW_BULK_MAX_IDS + 1 }, (_, i) => pending[i % pending.length]!);
    for (const m of ['acceptMatches', 'rejectMatches']) {
      const res = await t.gql(`mutation ($ids: [ID!]!) { ${m}(ids: $ids) { id ok } }`, { ids: ids101 });
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message).toContain(`At most ${REVIEW_BULK_MAX_IDS}`);
    }
    expect(await queue()).toEqual(before);
    const empty = await t.gql<{ acceptMatches: Outcome[] }>('mutation { acceptMatches(ids: []) { id } }');
    expect(empty.data!.acceptMatches).toEqual([]);
  });
});
