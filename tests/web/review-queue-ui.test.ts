/**
 * The admin UI's review queue in a real browser (Debian's chromium driven by playwright-core) against a real
 * gateway on the embedded demo: identity resolution at start queues uncertain pairs; the page lists them, Accept
 * merges a pair (checked through GraphQL: the merged-away id resolves to the survivor), Reject keeps one apart,
 * and a wrong API token is shown with its error code. The HTTP checks (page served, admin operations guarded by
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
    await acceptCard.getByRole('button', { name: 'Accept: same person' }).click();
    await acceptCard.waitFor({ state: 'detached', timeout: 15_000 });
    const survivor = [toAccept.leftId, toAccept.rightId].sort()[0]!;
    const mergedAway = [toAccept.leftId, toAccept.rightId].sort()[1]!;
    expect(await page.getByRole('status').textContent()).toContain(`Merged into customer ${survivor}`);
    expect(await customerId(mergedAway)).toBe(survivor);
    expect((await queue()).some((r) => r.id === toAccept.id)).toBe(false);

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
