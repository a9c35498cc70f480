/**
 * The stale stored records notice while a resync is unfinished (here or on another replica): it names the stale types
 * but offers no re-read button — one would only be refused with CONFLICT — and says a re-read is running; once that run
 * has ended, it checks again and offers the button for the types still stale.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { insertResync } from '../../db/resync-store.ts';
import { resyncRuns } from '../../db/schema.ts';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'stored-records-running-token';

describe('admin UI: stale stored records notice while a resync runs', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);

  useAdminUiApp({ tokens: TOKEN, ready: (app, browser) => {
    t = app;
    session = browser;
  } });

  it.skipIf(!hasChromium)('Sync health: no button while another replica\'s run is unfinished; the button once it has ended', async () => {
    const current = await gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as { types: { Customer: { fields: Record<string, { rule?: unknown }> } } };
    doc.types.Customer.fields.lastName!.rule = { strategy: 'most-complete' };
    const saved = await gql<{ saveMappingConfiguration: { version: number } }>('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) });
    expect(saved.errors).toBeUndefined();
    // Another replica's run, its lease held for long.
    const db = t.app.database.db;
    expect(await insertResync(db, 'held-elsewhere', 'replica-b-1-abcdef', 600_000)).not.toBeNull();

    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/sync`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    const notice = page.locator('#sync-resync .stored-records-notice');
    await notice.locator('[data-stale-type="Customer"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => notice.locator('.reading').textContent()).toMatch(/re-read of CRM records is running now/);
    expect(await notice.getByRole('button').count()).toBe(0);

    await db.update(resyncRuns).set({ state: 'done', finishedAt: sql`now()`, leaseOwner: null, leaseUntil: null }).where(sql`${resyncRuns.id} = 'held-elsewhere'`);
    await notice.getByRole('button', { name: 'Re-read Customer records now' }).waitFor({ timeout: 20_000 });
    expect(await notice.locator('[data-stale-type]').count()).toBe(1);
    await page.close();
  });
});
