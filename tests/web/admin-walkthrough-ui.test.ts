/**
 * What a data steward or integration admin sees on the admin UI between a click and its outcome, in a real browser
 * (Debian's chromium through playwright-core) against a real gateway on the embedded demo:
 * - a save on Field rules, Field mapping or Data quality says "Saving…" (status line and button) while the gateway has
 *   not answered yet — the answer is held back in the browser, so the check does not depend on how fast the save is —
 *   and "Saved" once it has; the save itself is real and stores a version;
 * - the review queue names the CRMs behind each side as people know them ("HubSpot contacts 1044", not "hubspot …"),
 *   and once the last pair is decided the empty queue shows no bulk controls ("Accept selected (0)").
 */
import { describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { goldenKey, queueReviews } from '../../db/decision-store.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-walkthrough-token';
const SAVING = /^Saving… The gateway checks the configuration/;

describe('admin UI: feedback while saving, and the review queue in words', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const version = async () => (await gql<{ mappingConfiguration: { version: number } }>('{ mappingConfiguration { version } }')).data!.mappingConfiguration.version;

  useAdminUiApp({ tokens: TOKEN, ready: (app, browser) => {
    t = app;
    session = browser;
  } });

  async function open(hash: string): Promise<Page> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/${hash}`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    return page;
  }

  /** Holds the gateway's answer to the next saveMappingConfiguration until `release` (the request itself goes through). */
  async function holdSave(page: Page): Promise<{ release(): void; sent: Promise<void> }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let sent!: () => void;
    const wasSent = new Promise<void>((resolve) => (sent = resolve));
    await page.route('**/graphql', async (route: Route) => {
      if (!(route.request().postData() ?? '').includes('saveMappingConfiguration')) return route.continue();
      const response = await route.fetch();
      sent();
      await released;
      return route.fulfill({ response });
    });
    return { release, sent: wasSent };
  }

  /** While the answer is held: the status line and the button say it is saving; after it: saved, and a version stored. */
  async function expectSavingThenSaved(page: Page, save: () => Promise<void>, savingButton: string, saved: RegExp): Promise<void> {
    const before = await version();
    const held = await holdSave(page);
    await save();
    await held.sent;
    expect(await page.locator('#status').textContent()).toMatch(SAVING);
    const busy = page.getByRole('button', { name: savingButton, exact: true });
    expect(await busy.isDisabled()).toBe(true);
    held.release();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 30_000 }).toMatch(saved);
    expect(await version()).toBe(before + 1);
    expect(await busy.count()).toBe(0);
  }

  it.skipIf(!hasChromium)('Field rules: Save says "Saving…" until the gateway answers, then the version', async () => {
    const page = await open('rules');
    const rule = page.getByLabel('Rule for Customer department', { exact: true });
    await rule.waitFor();
    await rule.selectOption({ label: 'Most complete value wins' });
    await expectSavingThenSaved(page, () => page.locator('#rules-form button.save').click(), 'Saving…', /^Saved as version \d+: new rule for Customer department/);
    expect(await page.locator('#rules-form button.save').textContent()).toBe('Save');
    await page.close();
  });

  it.skipIf(!hasChromium)('Field mapping: Save says "Saving…" until the gateway answers, then the version', async () => {
    const page = await open('mapping');
    await page.locator('#field-mapping .summary').filter({ hasText: /is in force/ }).waitFor();
    await page.getByRole('button', { name: 'Deprecate… leadSource', exact: true }).click();
    await page.getByLabel('Why is leadSource deprecated?').fill('Use lifecycleStage instead');
    await page.getByRole('button', { name: 'Deprecate leadSource', exact: true }).click();
    await expectSavingThenSaved(page, () => page.getByRole('button', { name: 'Save 1 change' }).click(), 'Saving…', /^Saved version \d+: leadSource: deprecate/);
    expect(await page.locator('#mapping-form button.save').textContent()).toBe('Save 0 changes');
    await page.close();
  });

  it.skipIf(!hasChromium)('Data quality: Save checks says "Saving…" until the gateway answers, then the version', async () => {
    const page = await open('quality');
    const title = page.locator('fieldset[data-field="title"]');
    await title.waitFor();
    await title.getByLabel('name-case', { exact: true }).check();
    await expectSavingThenSaved(page, () => page.getByRole('button', { name: 'Save checks' }).click(), 'Saving…', /^Saved version \d+: title now checks/);
    expect(await page.locator('#data-quality button.save').textContent()).toBe('Save checks');
    await page.close();
  });

  it.skipIf(!hasChromium)('the review queue names the CRMs as people know them and, once empty, offers no bulk controls', async () => {
    interface Pair { id: string }
    const queue = async () => (await gql<{ reviewQueue: Pair[] }>('{ reviewQueue(first: 50) { id } }')).data!.reviewQueue;
    if ((await queue()).length === 0) {
      // The demo's start-time link run usually queues some; if not, one is queued the way that run does.
      const res = await gql<{ customers: { edges: { node: { id: string } }[] } }>('{ customers(first: 2) { edges { node { id } } } }');
      const [a, b] = res.data!.customers.edges.map((e) => e.node.id) as [string, string];
      await t.app.database.db.transaction((tx) => queueReviews(tx, [
        { entityType: 'Customer', a: goldenKey(a), b: goldenKey(b), score: 4, reasons: [{ feature: 'lastName', weight: 2, detail: 'same last name' }] },
      ]));
    }
    // All pairs but one decided elsewhere: the page is left with one to reject.
    const [last, ...rest] = await queue();
    if (rest.length) expect((await gql('mutation ($ids: [ID!]!) { rejectMatches(ids: $ids) { id } }', { ids: rest.map((r) => r.id) })).errors).toBeUndefined();

    const page = await open('review');
    const card = page.locator(`article.pair[data-review-id="${last!.id}"]`);
    await card.waitFor();
    const sources = await card.locator('ul.sources li').allTextContents();
    const bulk = page.getByRole('group', { name: 'Decide selected pairs' });
    expect(await bulk.isVisible()).toBe(true);

    await card.getByRole('button', { name: 'Reject: different people' }).click();
    await expect.poll(() => page.locator('p.summary').textContent()).toBe('The review queue is empty: no pairs are waiting for a decision.');
    expect(await bulk.isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: /selected \(0\)/ }).count()).toBe(0);
    // Read before the pair was decided, checked last so that each fix is shown failing on its own.
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(s).toMatch(/^(Salesforce|HubSpot|Pipedrive|Dynamics 365|Zoho CRM) \S+ \S+$/);
    await page.close();
  });
});
