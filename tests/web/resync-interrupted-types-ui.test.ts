/**
 * Sync health's words for an interrupted resync of some golden types (`startResync(goldenTypes:)`, or the automatic
 * re-read after a mapping change): they name the types the run re-reads, not "every record". The run is one whose
 * process went away (its lease expired), and this app looks for interrupted runs only at start
 * (CUSTOMER_GRAPH_RESYNC_CHECK_MS=0), so it stays interrupted while the page reads it.
 */
import { describe, expect, it } from 'vitest';
import { insertResync } from '../../db/resync-store.ts';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'resync-interrupted-types-token';

describe('admin UI: an interrupted resync of some golden types', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);

  useAdminUiApp({ tokens: TOKEN, start: { env: { CUSTOMER_GRAPH_RESYNC_CHECK_MS: '0' } }, ready: (app, browser) => {
    t = app;
    session = browser;
  } });

  it.skipIf(!hasChromium)('Sync health names the golden types the interrupted run re-reads', async () => {
    // A run of Company only, its process gone: the lease lasted 1 ms.
    expect(await insertResync(t.app.database.db, 'company-run', 'gone-host-1-abcdef', 1, ['Company'])).not.toBeNull();
    await expect.poll(async () => (await gql<{ resyncStatus: { state: string; goldenTypes: string[] | null } }>('{ resyncStatus { state goldenTypes } }')).data!.resyncStatus)
      .toEqual({ state: 'interrupted', goldenTypes: ['Company'] });

    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/sync`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    const status = page.locator('#resync-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toMatch(/^Interrupted: /);
    expect(await status.textContent()).toContain('re-reading the Company records');
    expect(await status.textContent()).not.toContain('every record');
    await page.close();
  });
});
