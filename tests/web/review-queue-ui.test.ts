/**
 * The admin UI's review queue in a real browser (Debian's chromium driven by playwright-core) against a real
 * gateway on the embedded demo: identity resolution at start queues uncertain pairs; the page lists them, Accept
 * merges a pair (checked through GraphQL: the merged-away id resolves to the survivor), Reject keeps one apart,
 * and a wrong API token is shown with its error code; most likely first puts the highest score on top, and two
 * selected pairs accepted at once leave the list and the count. The HTTP checks (page served, admin operations guarded by
 * CUSTOMER_GRAPH_API_TOKENS) run without a browser too.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { goldenKey, queueReviews } from '../../db/decision-store.ts';
import { runIdentityReview } from '../../sync/identity-review.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-test-token';

interface Review { id: string; leftId: string; rightId: string; left: { id: string; email: string | null } | null; right: { id: string; email: string | null } | null }

describe('admin UI: identity review queue', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const queue = async () => {
    const res = await gql<{ reviewQueue: Review[] }>('{ reviewQueue(first: 50) { id leftId rightId left { id email } right { id email } } }');
    expect(res.errors).toBeUndefined();
    return res.data!.reviewQueue;
  };
  const customerId = async (id: string) => (await gql<{ customer: { id: string } | null }>('query ($id: ID!) { customer(id: $id) { id } }', { id })).data?.customer?.id;

  useAdminUiApp({ tokens: `older-token, ${TOKEN}`, ready: async (app, browser) => {
    t = app;
    session = browser;
    // The start-time link run queues the pairs it was unsure about; the matcher's review run may add more. Only if
    // the demo still yields fewer than two disjoint pairs are two queued by hand (the way those runs queue them).
    await runIdentityReview(t.app.database.db, t.app.mappingConfig());
    if (disjointPairs(await queue()).length < 2) {
      const res = await gql<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(first: 4) { edges { node { id } } } }');
      const [a, b, c, d] = res.data!.customers.edges.map((e) => e.node.id) as [string, string, string, string];
      const reasons = [{ feature: 'lastName', weight: 2, detail: 'same last name' }];
      await t.app.database.db.transaction((tx) => queueReviews(tx, [
        { entityType: 'Customer', a: goldenKey(a), b: goldenKey(b), score: 4, reasons },
        { entityType: 'Customer', a: goldenKey(c), b: goldenKey(d), score: 4, reasons },
      ]));
    }
  } });

  it('serves /admin/ from the gateway and guards admin operations with the API tokens; other queries stay open', async () => {
    const base = t.app.server.url;
    const redirect = await fetch(`${base}/admin`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/admin/');
    const page = await fetch(`${base}/admin/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<script type="module" src="app.js">');
    const js = await fetch(`${base}/admin/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('reviewQueue');
    expect((await fetch(`${base}/admin/app.css`)).headers.get('content-type')).toContain('text/css');

    const q = '{ reviewQueue(first: 1) { id } }';
    for (const token of [null, 'wrong-token']) {
      const res = await gql(q, {}, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data ?? null).toBeNull();
    }
    // Through a fragment at the root too, and for mutations.
    expect((await gql('query { ...Q } fragment Q on Query { reviewQueue { id } }', {}, 'wrong-token')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql('mutation { rejectMatch(id: "424242") }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const m of ['acceptMatches', 'rejectMatches']) {
      expect((await gql(`mutation { ${m}(ids: ["424242"]) { id } }`, {}, 'wrong-token')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await gql(q, {}, 'older-token')).errors).toBeUndefined();
    const open = await gql<{ customers: { totalCount: number } }>('{ customers(first: 1) { totalCount } }', {}, null);
    expect(open.errors).toBeUndefined();
  });

  it.skipIf(!hasChromium)('a wrong token shows the error code; the right one lists the pending pairs side by side', async () => {
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/`);
    // No token yet: the gateway refuses the queue and the page says why, with the code.
    await expect.poll(() => page.locator('#errors').textContent()).toContain('UNAUTHENTICATED');
    await page.getByLabel('API token').fill('not-a-token');
    await page.getByLabel('API token').press('Enter');
    await expect.poll(() => page.locator('#errors').textContent()).toContain('not one of CUSTOMER_GRAPH_API_TOKENS');
    expect(await page.locator('#errors .code').first().textContent()).toBe('UNAUTHENTICATED');

    await useToken(page);
    const pending = await queue();
    await page.locator('article.pair').first().waitFor();
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.locator('article.pair').count()).toBe(pending.length);
    const first = pending[0]!;
    const card = page.locator(`article[data-review-id="${first.id}"]`);
    expect(await card.locator('section.customer').count()).toBe(2);
    const text = await card.textContent();
    for (const c of [first.left, first.right]) {
      expect(text).toContain(c!.id);
      if (c!.email) expect(text).toContain(c!.email);
    }
    expect(await card.locator('ul.reasons li').count()).toBeGreaterThan(0);
    await page.close();
  });

  it.skipIf(!hasChromium)('Accept merges a pair and Reject keeps another apart; each leaves the list with a confirmation', async () => {
    const [toAccept, toReject] = disjointPairs(await queue()) as [Review, Review];
    expect(toReject).toBeDefined();
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/`);
    await useToken(page);

    const acceptCard = page.locator(`article[data-review-id="${toAccept.id}"]`);
    // What tells the two apart is shown next to the matcher's reasons.
    expect(await acceptCard.locator('h4').allTextContents()).toEqual(['What differs', 'Why the matcher was unsure']);
    expect(await acceptCard.locator('.differences').count()).toBe(1);
    await acceptCard.getByRole('button', { name: 'Accept: same person' }).click();
    await acceptCard.waitFor({ state: 'detached', timeout: 15_000 });
    const survivor = [toAccept.leftId, toAccept.rightId].sort()[0]!;
    const mergedAway = [toAccept.leftId, toAccept.rightId].sort()[1]!;
    expect(await page.getByRole('status').textContent()).toContain(`Merged into customer ${survivor}`);
    expect(await customerId(mergedAway)).toBe(survivor);
    expect((await queue()).some((r) => r.id === toAccept.id)).toBe(false);
    // Focus goes to the next pair's title, not its Accept button: a second Enter merges nothing unread.
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('pair-title');
    const recordsOf = async (id: string) => (await gql<{ customer: { id: string; sources: { recordId: string }[] } }>(
      'query ($id: ID!) { customer(id: $id) { id sources { recordId } } }', { id })).data!.customer;
    const mergedRecords = (await recordsOf(survivor)).sources.map((s) => s.recordId);
    expect(mergedRecords.length).toBeGreaterThanOrEqual(2);

    // Undo: the merged-away side's records become a customer of their own again.
    const undoLine = page.locator(`.recent-decisions li[data-review-id="${toAccept.id}"]`);
    await undoLine.getByRole('button', { name: 'Undo merge' }).click();
    await undoLine.filter({ hasText: 'Undone:' }).waitFor({ timeout: 15_000 });
    const split = /and (\S+)\) and will not be matched again/.exec((await undoLine.textContent())!)![1]!;
    const kept = (await recordsOf(survivor)).sources.map((s) => s.recordId);
    const splitOut = (await recordsOf(split)).sources.map((s) => s.recordId);
    expect(kept.length).toBeGreaterThan(0);
    expect(splitOut.length).toBeGreaterThan(0);
    expect([...kept, ...splitOut].sort()).toEqual([...mergedRecords].sort());
    expect(await page.getByRole('status').textContent()).toContain('Undone:');

    const rejectCard = page.locator(`article[data-review-id="${toReject.id}"]`);
    // Keyboard only: the buttons are real buttons.
    await rejectCard.getByRole('button', { name: 'Reject: different people' }).focus();
    await page.keyboard.press('Enter');
    await rejectCard.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.getByRole('status').textContent()).toContain('Kept apart');
    expect(await customerId(toReject.leftId)).toBe(toReject.leftId);
    expect(await customerId(toReject.rightId)).toBe(toReject.rightId);
    expect((await queue()).some((r) => r.id === toReject.id)).toBe(false);
    expect(await page.locator('#errors').textContent()).toBe('');

    // A reload shows the queue as the gateway has it now: neither decided pair comes back.
    await page.reload();
    await page.locator('.summary').filter({ hasText: /waiting|empty/ }).waitFor();
    expect(await page.locator(`article[data-review-id="${toAccept.id}"], article[data-review-id="${toReject.id}"]`).count()).toBe(0);

    // With every other pair decided through the API, the page says the queue is empty.
    for (const r of await queue()) expect((await gql('mutation ($id: ID!) { rejectMatch(id: $id) }', { id: r.id })).errors).toBeUndefined();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('.summary').filter({ hasText: 'The review queue is empty' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('article.pair').count()).toBe(0);
    await page.close();
  });

  it.skipIf(!hasChromium)('a long queue shows the count of every pair waiting and pages on with "Show 50 more"', async () => {
    const res = await gql<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(first: 200) { edges { node { id } } } }');
    const ids = res.data!.customers.edges.map((e) => e.node.id);
    expect(ids.length).toBeGreaterThanOrEqual(140);
    const reasons = [{ feature: 'lastName', weight: 2, detail: 'same last name' }];
    await t.app.database.db.transaction((tx) => queueReviews(tx, Array.from({ length: 70 }, (_, i) => (
      { entityType: 'Customer', a: goldenKey(ids[i]!), b: goldenKey(ids[i + 70]!), score: 4, reasons }))));
    const total = (await gql<{ reviewQueueCount: number }>('{ reviewQueueCount }')).data!.reviewQueueCount;
    expect(total).toBeGreaterThan(50);
    expect(total).toBeLessThanOrEqual(100);

    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/`);
    await useToken(page);
    await page.locator('.summary').filter({ hasText: `${total} pairs waiting for a decision, the oldest 50 shown` }).waitFor();
    expect(await page.locator('article.pair').count()).toBe(50);
    await page.getByRole('button', { name: 'Show 50 more' }).click();
    await expect.poll(() => page.locator('article.pair').count()).toBe(total);
    expect(await page.locator('.summary').textContent()).toBe(`${total} pairs waiting for a decision.`);
    expect(await page.getByRole('button', { name: 'Show 50 more' }).isHidden()).toBe(true);
    // Every pair once, in the gateway's order.
    const shown = await page.locator('article.pair').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-review-id')));
    const listed = (await gql<{ reviewQueue: { id: string }[] }>('{ reviewQueue(first: 500) { id } }')).data!.reviewQueue.map((r) => r.id);
    expect(shown).toEqual(listed);
    await page.close();
  });

  it.skipIf(!hasChromium)('"Most likely first" shows the highest score first; two selected pairs accepted at once leave the list and the count', async () => {
    const res = await gql<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(first: 200) { edges { node { id } } } }');
    const [a, b, c, d] = res.data!.customers.edges.map((e) => e.node.id).slice(-4) as [string, string, string, string];
    const top = (await gql<{ reviewQueue: { score: number | null }[] }>('{ reviewQueue(first: 1, order: MOST_LIKELY_FIRST) { score } }')).data!.reviewQueue[0]?.score ?? 0;
    const reasons = [{ feature: 'email', weight: 5, detail: 'same email' }];
    await t.app.database.db.transaction((tx) => queueReviews(tx, [
      { entityType: 'Customer', a: goldenKey(a), b: goldenKey(b), score: top + 2, reasons },
      { entityType: 'Customer', a: goldenKey(c), b: goldenKey(d), score: top + 1, reasons },
    ]));
    const likely = (await gql<{ reviewQueue: (Review & { score: number })[] }>('{ reviewQueue(first: 50, order: MOST_LIKELY_FIRST) { id leftId rightId score } }')).data!.reviewQueue;
    const [best, second] = likely as [Review & { score: number }, Review & { score: number }];
    expect([best.leftId, best.rightId].sort()).toEqual([a, b].sort());
    expect([second.leftId, second.rightId].sort()).toEqual([c, d].sort());
    const total = (await gql<{ reviewQueueCount: number }>('{ reviewQueueCount }')).data!.reviewQueueCount;
    expect(total).toBeGreaterThanOrEqual(4);
    const shownCount = Math.min(total, 50);

    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/`);
    await useToken(page);
    // Oldest first by default: the pairs just queued are not on top.
    expect(await page.locator('article.pair').first().getAttribute('data-review-id')).not.toBe(best.id);
    await page.getByLabel('Most likely first').check();
    // After the long-queue test (more than 50 waiting) the summary says which 50 are shown; run alone, it lists all.
    await page.locator('.summary').filter({ hasText: total > 50 ? `${total} pairs waiting for a decision, the 50 most likely shown.` : `${total} pairs waiting for a decision.` }).waitFor();
    await expect.poll(() => page.locator('article.pair').first().getAttribute('data-review-id')).toBe(best.id);
    expect(await page.locator('article.pair').first().textContent()).toContain(`Match score ${best.score}`);
    const shown = await page.locator('article.pair').evaluateAll((cards) => cards.map((el) => el.getAttribute('data-review-id')));
    expect(shown).toEqual(likely.map((r) => r.id));
    expect(shown).toHaveLength(shownCount);

    await page.getByLabel(`Select pair ${best.id}`).check();
    await page.getByLabel(`Select pair ${second.id}`).check();
    await page.getByRole('button', { name: 'Accept selected (2)' }).click();
    for (const r of [best, second]) await page.locator(`article[data-review-id="${r.id}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.summary').filter({ hasText: `${total - 2} pairs waiting for a decision` }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Accepted 2 of 2 selected pairs: 2 merged.');
    const results = await page.locator('.bulk-results li').allTextContents();
    expect(results).toHaveLength(2);
    for (const [i, r] of [best, second].entries()) {
      const [survivor, mergedAway] = [r.leftId, r.rightId].sort() as [string, string];
      expect(results[i]).toContain(`Pair ${r.id}`);
      expect(results[i]).toContain(`merged into customer ${survivor}`);
      expect(await customerId(mergedAway)).toBe(survivor);
    }
    expect((await queue()).some((r) => r.id === best.id || r.id === second.id)).toBe(false);
    expect((await gql<{ reviewQueueCount: number }>('{ reviewQueueCount }')).data!.reviewQueueCount).toBe(total - 2);
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.getByRole('button', { name: 'Accept selected (0)' }).isDisabled()).toBe(true);

    // A pair decided elsewhere meanwhile fails alone, with why; the other is kept apart. Both leave the list.
    const [gone, apart] = [likely[2]!, likely[3]!];
    expect((await gql('mutation ($id: ID!) { rejectMatch(id: $id) }', { id: gone.id })).errors).toBeUndefined();
    await page.getByLabel(`Select pair ${gone.id}`).check();
    await page.getByLabel(`Select pair ${apart.id}`).check();
    await page.getByRole('button', { name: 'Reject selected (2)' }).click();
    await page.getByRole('status').filter({ hasText: 'Rejected 1 of 2 selected pairs: 1 kept apart, 1 not decided (see why below).' }).waitFor({ timeout: 30_000 });
    const rejected = await page.locator('.bulk-results li').allTextContents();
    expect(rejected[0]).toContain(`Pair ${gone.id}`);
    expect(rejected[0]).toContain('not decided — ALREADY_DECIDED');
    expect(rejected[1]).toContain(`Pair ${apart.id}`);
    expect(rejected[1]).toContain('kept apart');
    expect(await page.locator(`article[data-review-id="${gone.id}"], article[data-review-id="${apart.id}"]`).count()).toBe(0);
    expect(await customerId(apart.leftId)).toBe(apart.leftId);

    // Select all shown selects every pair on the page, and unticking it selects none.
    await page.getByLabel('Select all shown').check();
    const cards = await page.locator('article.pair').count();
    expect(await page.getByRole('button', { name: `Reject selected (${cards})` }).isEnabled()).toBe(true);
    await page.getByLabel('Select all shown').uncheck();
    expect(await page.getByRole('button', { name: 'Reject selected (0)' }).isDisabled()).toBe(true);
    await page.close();
  });

  async function newPage(): Promise<Page> {
    return session!.newPage();
  }

  async function useToken(page: Page): Promise<void> {
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('.summary').filter({ hasText: /waiting|empty/ }).waitFor();
  }
});

/** Pairs sharing no customer, so deciding one does not change the other. */
function disjointPairs(reviews: readonly Review[]): Review[] {
  const used = new Set<string>();
  const out: Review[] = [];
  for (const r of reviews) {
    if (used.has(r.leftId) || used.has(r.rightId) || r.leftId === r.rightId) continue;
    used.add(r.leftId).add(r.rightId);
    out.push(r);
  }
  return out;
}
