/**
 * "Undo" on the admin UI's Field rules page, in a real browser against the real app (embedded demo; PGlite, or
 * Postgres with DATABASE_URL): an admin changes a rule and saves, then presses Restore… on the version before it in
 * the history, reads what it does, and confirms: the document of that version is in force again as a NEW version
 * (comment "Restored version N"), the rule's control shows the old rule, and the history keeps every version.
 * Cancel restores nothing; restoring a version identical to the one in force says so and stores no version.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'rules-restore-token';

describe('admin UI: field rules, restoring an earlier version', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const stored = async () => {
    const res = await gql<{ mappingConfiguration: { version: number; document: string }; mappingVersions: { version: number; comment: string | null }[] }>(
      '{ mappingConfiguration { version document } mappingVersions { version comment } }');
    expect(res.errors).toBeUndefined();
    return { version: res.data!.mappingConfiguration.version, doc: JSON.parse(res.data!.mappingConfiguration.document) as unknown, versions: res.data!.mappingVersions };
  };

  useAdminUiApp({ tokens: TOKEN, ready: async (app, browser) => {
    t = app;
    session = browser;
  } });

  it('the version documents the page restores from are an admin read', async () => {
    expect((await gql('{ mappingVersion(version: 1) { document } }', {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const res = await gql<{ mappingVersion: { version: number; document: string } | null; none: unknown }>('{ mappingVersion(version: 1) { version document } none: mappingVersion(version: 999) { version } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.mappingVersion!.version).toBe(1);
    expect(JSON.parse(res.data!.mappingVersion!.document)).toHaveProperty('types.Customer');
    expect(res.data!.none).toBeNull();
  });

  it.skipIf(!hasChromium)('change a rule, save, then Restore… the version before: it is in force again as a new version; Cancel restores nothing', async () => {
    const original = await stored();
    const page = await openRules();
    const rule = page.getByLabel('Rule for Customer department', { exact: true });
    const ruleBefore = await rule.inputValue();
    await rule.selectOption({ label: 'Most complete value wins' });
    await page.getByRole('button', { name: /^Save/ }).click();
    await page.getByRole('status').filter({ hasText: `Saved as version ${original.version + 1}` }).first().waitFor();
    expect(await rule.inputValue()).toBe('most-complete');

    // Cancel: the question closes and nothing is stored.
    await page.getByRole('button', { name: `Restore version ${original.version}…` }).click();
    const question = page.getByRole('group', { name: `Restore version ${original.version}?` });
    expect(await question.textContent()).toContain(`version ${original.version + 1}, in force now, stays in the history`);
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await question.count()).toBe(0);
    expect((await stored()).version).toBe(original.version + 1);

    await page.getByRole('button', { name: `Restore version ${original.version}…` }).click();
    await question.getByRole('button', { name: `Restore version ${original.version}`, exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Restored version ${original.version}: it is in force now as version ${original.version + 2}` }).first().waitFor();
    const after = await stored();
    expect(after.version).toBe(original.version + 2);
    expect(after.doc).toEqual(original.doc);
    expect(after.versions.map((v) => v.version)).toEqual([original.version + 2, original.version + 1, ...original.versions.map((v) => v.version)]);
    expect(after.versions[0]!.comment).toBe(`Restored version ${original.version}`);
    expect(await rule.inputValue()).toBe(ruleBefore);
    expect(await page.locator('.rules-history tbody tr').first().textContent()).toContain('(in force)');
    expect(await page.locator('#errors').textContent()).toBe('');

    // The original again: identical to the version in force, so nothing is stored, and the page says so.
    await page.getByRole('button', { name: `Restore version ${original.version}…` }).click();
    await page.getByRole('button', { name: `Restore version ${original.version}`, exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'nothing to restore' }).first().waitFor();
    expect((await stored()).versions).toEqual(after.versions);
    await page.close();
  });

  async function openRules(): Promise<Page> {
    const page = await session!.newPage();
    await page.goto(`${t.app.server.url}/admin/#/rules`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#field-rules .summary').filter({ hasText: /is in force/ }).waitFor();
    return page;
  }
});
