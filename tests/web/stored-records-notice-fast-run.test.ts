/**
 * Sync health's stale stored records notice when the run its button starts has already ended by the time the page
 * first asks how it goes (a small org: a few records read in well under a second). The page then shows "Last run
 * ended" and the notice must not keep saying "Re-reading the Company records now…": it asks again which types are
 * stale and, none being left, goes. The page's first resyncStatus question after the click is held until the run is
 * done, so the run is over when it is answered, whatever the speed of the machine.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'stored-records-fast-run-token';

describe('admin UI: stale stored records notice after a run that ended at once', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const lastRun = async () => (await gql<{ resyncStatus: { state: string; goldenTypes: string[] | null } }>('{ resyncStatus { state goldenTypes } }')).data!.resyncStatus;

  useAdminUiApp({ tokens: TOKEN, ready: (app, browser) => {
    t = app;
    session = browser;
  } });

  const open = async (hash: string): Promise<Page> => {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/${hash}`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    return page;
  };

  it.skipIf(!hasChromium)('Sync health: the notice goes once the run it started has ended, even when it ended before the first status', async () => {
    const current = await gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as { types: { Company: { fields: Record<string, { rule?: unknown }> } } };
    doc.types.Company.fields.name!.rule = { strategy: 'most-complete' };
    const saved = await gql<{ saveMappingConfiguration: { version: number } }>('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) });
    expect(saved.errors).toBeUndefined();

    const page = await open('sync');
    const notice = page.locator('#sync-resync .stored-records-notice');
    await notice.locator('[data-stale-type="Company"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#resync-status').textContent()).toMatch(/^Never run/);

    // The page's questions about the run are answered only once the run is done.
    let held = 0;
    await page.route('**/graphql', async (route) => {
      if (!(route.request().postData() ?? '').includes('query ResyncStatus')) return route.continue();
      held++;
      await expect.poll(async () => (await lastRun()).state, { timeout: 60_000, interval: 100 }).toBe('done');
      return route.continue();
    });
    await notice.getByRole('button', { name: 'Re-read Company records now' }).click();

    await expect.poll(() => page.locator('#resync-status').textContent(), { timeout: 60_000, interval: 250 }).toMatch(/^Last run ended /);
    expect(held).toBeGreaterThan(0);
    expect(await lastRun()).toMatchObject({ state: 'done', goldenTypes: ['Company'] });
    await expect.poll(() => notice.isHidden(), { timeout: 15_000, interval: 250 }).toBe(true);
    await page.close();
  });
});
