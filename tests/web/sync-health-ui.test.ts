/**
 * The admin UI's Sync health page in a real browser (Debian's chromium through playwright-core) against a real
 * gateway on the embedded demo. Known rows — cursors, poll outcomes (failing, quiet, silent), webhook events, outbox
 * rows in every status, dead letters — are inserted for connectors of the test's own, and the page must say each
 * figure in words, a failing poll in red with what to do; Refresh shows a new dead letter and a cleared poll error;
 * a missing token is shown with its code; the navigation switches to the review queue and back.
 */
import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { hasChromium } from './support/browser.ts';
import { useAdminUiApp } from './support/admin-ui-app.ts';
import type { BrowserSession } from './support/browser.ts';
import { recordPollFailure, recordPollSuccess } from '../../db/poll-status-store.ts';
import { connectors, syncCursors, webhookInbox, writebackDeadLetters, writebackOutbox } from '../../db/schema.ts';
import { insertInboxEvents, markInboxFailed, writeCursor } from '../../db/sync-store.ts';
import { CHANGE_STREAM_CURSOR, storeStreamPosition } from '../../sync/change-stream.ts';
import { bearerGraphql } from '../support/bearer-graphql.ts';
import type { TestApp } from '../support/test-app.ts';

const TOKEN = 'web-test-token';
const ago = (s: number) => new Date(Date.now() - s * 1000);
const later = (s: number) => new Date(Date.now() + s * 1000);

interface Health { deadLetters: { open: number; newest: { id: string }[] }; writeBack: { connectorId: string; pending: number; retrying: number; inFlight: number; doneLastHour: number; stale: number; dead: number }[] }

describe('admin UI: sync health', () => {
  let t: TestApp;
  let session: BrowserSession | undefined;
  const gql = bearerGraphql(() => t.url, TOKEN);
  const HEALTH = '{ syncHealth { deadLetters { open newest { id } } writeBack { connectorId pending retrying inFlight doneLastHour stale dead } } }';
  let outboxId = 9000;
  /** Adds an open dead letter; answers its id and record id. */
  const addDeadLetter = async (code: string, reason: string) => {
    const recordId = `003UI${++outboxId}`;
    const [row] = await t.app.database.db.insert(writebackDeadLetters)
      .values({ outboxId, connectorId: 'ui-sf', objectType: 'Contact', recordId, fields: {}, code, reason }).returning({ id: writebackDeadLetters.id });
    return { id: String(row!.id), recordId };
  };
  let newestLetter: { id: string; recordId: string };

  // The inbox sweep is slowed to an hour so the events inserted below keep their figures while the page reads them.
  useAdminUiApp({ tokens: TOKEN, start: { env: { CUSTOMER_GRAPH_INBOX_INTERVAL_MS: '3600000' } }, ready: async (app, browser) => {
    t = app;
    session = browser;
    const db = t.app.database.db;
    await db.insert(connectors).values([
      { id: 'ui-sf', crm: 'salesforce', name: 'Salesforce UI test' },
      { id: 'ui-hs', crm: 'hubspot', name: 'HubSpot UI test' },
      { id: 'ui-new', crm: 'hubspot', name: 'HubSpot not polled' },
    ]);
    await db.transaction((tx) => writeCursor(tx, 'ui-hs', 'contacts', { after: 'x' }));
    // A Salesforce change stream's position (stored with the cursors): a push channel, not an object polled.
    await db.transaction((tx) => storeStreamPosition(tx, 'ui-sf', '{"/data/ContactChangeEvent":7}'));
    await db.update(syncCursors).set({ updatedAt: ago(5 * 60 + 10) }).where(and(eq(syncCursors.connectorId, 'ui-sf'), eq(syncCursors.objectType, CHANGE_STREAM_CURSOR)));
    await db.update(syncCursors).set({ updatedAt: ago(130) }).where(eq(syncCursors.connectorId, 'ui-hs'));
    // Poll outcomes (polling is off in this app, so nothing else writes them): Salesforce Contact lost its credentials
    // after a success 3 h ago; HubSpot companies has been rate limited since its first poll (no cursor); HubSpot deals
    // is quiet (polled, nothing new); Salesforce Lead has not been polled for 2 h (a stopped poller).
    await recordPollSuccess(db, 'ui-sf', 'Contact', { records: 3, at: ago(3 * 3600 + 100) });
    for (const s of [400, 250, 130]) {
      await recordPollFailure(db, 'ui-sf', 'Contact', { code: 'CRM_AUTH_FAILED', message: 'salesforce: invalid_grant: expired access/refresh token', crm: 'salesforce', at: ago(s) });
    }
    await recordPollFailure(db, 'ui-hs', 'companies', { code: 'CRM_RATE_LIMITED', message: 'hubspot: rate limited (429), retry after 10 s', crm: 'hubspot', at: ago(125) });
    await recordPollSuccess(db, 'ui-hs', 'deals', { records: 0, at: ago(130) });
    // HubSpot contacts' changes were read, but applying them needs the Salesforce values of the same customers.
    await recordPollFailure(db, 'ui-hs', 'contacts', { code: 'CRM_UNAVAILABLE', message: 'salesforce: could not be reached (ECONNREFUSED)', crm: 'salesforce', at: ago(70) });
    await recordPollSuccess(db, 'ui-sf', 'Lead', { records: 4, at: ago(7300) });
    await db.transaction((tx) => insertInboxEvents(tx, 'ui-hs', [{ eventId: 'ui-1', payload: {} }, { eventId: 'ui-2', payload: {} }]));
    const [failed] = await db.select({ id: webhookInbox.id }).from(webhookInbox).where(eq(webhookInbox.eventId, 'ui-1'));
    await db.transaction((tx) => markInboxFailed(tx, [failed!.id], 'no mapping for contacts'));
    await db.update(webhookInbox).set({ receivedAt: ago(330) }).where(eq(webhookInbox.connectorId, 'ui-hs'));
    // Waiting rows are due tomorrow and the in-flight lease is fresh for 10 minutes, so the running write-back worker
    // leaves them alone.
    let k = 0;
    const row = (extra: Partial<typeof writebackOutbox.$inferInsert>) =>
      ({ connectorId: 'ui-sf', objectType: 'Contact', recordId: `003UI${++k}`, fields: { Email: 'x@y.z' }, idempotencyKey: `ui-${k}`, nextAttemptAt: later(86_400), ...extra });
    await db.insert(writebackOutbox).values([
      row({ status: 'pending', createdAt: ago(40 * 60) }),
      row({ status: 'pending' }),
      row({ status: 'pending' }),
      row({ status: 'pending', attempts: 1, lastError: 'CRM_RATE_LIMITED' }),
      row({ status: 'in_flight', claimedAt: later(600), claimToken: 'ui', claimedBy: 'nobody' }),
      row({ status: 'done' }),
      row({ status: 'done' }),
      row({ status: 'stale', lastError: 'Email changed' }),
      row({ status: 'dead', lastError: 'invalid email' }),
    ]);
    await addDeadLetter('CRM_VALIDATION', 'Email: invalid email address');
    newestLetter = await addDeadLetter('CRM_NOT_FOUND', 'entity is deleted');
  } });

  it('syncHealth needs the API token and reports the inserted figures', async () => {
    expect((await gql(HEALTH, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const res = await gql<{ syncHealth: Health }>(HEALTH);
    expect(res.errors).toBeUndefined();
    const h = res.data!.syncHealth;
    expect(h.deadLetters.open).toBe(2); // the demo itself has none
    expect(h.writeBack.find((w) => w.connectorId === 'ui-sf')).toEqual({ connectorId: 'ui-sf', pending: 3, retrying: 1, inFlight: 1, doneLastHour: 2, stale: 1, dead: 1 });
  });

  it.skipIf(!hasChromium)('#/sync says each figure in words, shows API errors with their code, and Refresh shows new failures', async () => {
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/sync`);
    await expect.poll(() => page.locator('#errors').textContent()).toContain('UNAUTHENTICATED');
    expect(await page.locator('#sync-health .as-of').textContent()).toContain('could not be loaded');
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#sync-health .as-of').filter({ hasText: 'As of' }).waitFor();
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(await page.title()).toBe('Sync health · customer-graph');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Sync health');

    const text = (selector: string) => page.locator(selector).textContent();
    const hsContacts = page.locator('#sync-reading li[data-connector="ui-hs"][data-object="contacts"]');
    expect(await hsContacts.getAttribute('class')).toBe('error');
    expect(await hsContacts.locator('strong').textContent()).toBe(
      'HubSpot contacts: its changes wait, because applying them also needs Salesforce\'s values and Salesforce could not be reached.');
    expect(await hsContacts.textContent()).toContain('What to do: Polling tries again by itself and no change is lost. If this lasts, check Salesforce\'s status page');
    expect(await text('#sync-reading li[data-connector="ui-new"]')).toBe('HubSpot not polled — not polled yet: the first poll will read every record.');
    // Polling: failures in red above the rest, with what to do; a quiet object says it was polled; a silent one warns.
    expect(await text('#sync-reading p.alert')).toBe('3 CRM objects cannot be brought up to date right now: HubSpot companies, HubSpot contacts, Salesforce Contact. See what to do below.');
    const sfContact = page.locator('#sync-reading li[data-connector="ui-sf"][data-object="Contact"]');
    expect(await sfContact.getAttribute('class')).toBe('error');
    expect(await sfContact.locator('strong').isVisible()).toBe(true);
    expect(await sfContact.textContent()).toBe(
      'Salesforce Contact cannot be read: Salesforce refused the connector\'s sign-in (its credentials were rejected, expired or revoked).'
      + ' 3 polls in a row have failed, the last 2 min ago. Last successful poll 3 h ago.'
      + ' What to do: Reconnect the Salesforce connector (sign in to Salesforce again). Changes are not read until then; none is lost, they are read once it is reconnected.'
      + ' Salesforce said: CRM_AUTH_FAILED — salesforce: invalid_grant: expired access/refresh token');
    expect(await sfContact.locator('.todo').isVisible()).toBe(true);
    const hsCompanies = page.locator('#sync-reading li[data-connector="ui-hs"][data-object="companies"]');
    expect(await hsCompanies.getAttribute('class')).toBe('error');
    expect(await hsCompanies.textContent()).toContain('HubSpot companies cannot be read: HubSpot asked us to slow down');
    expect(await hsCompanies.textContent()).toContain('The last poll failed 2 min ago. No poll of it has succeeded yet. What to do: nothing — polling resumes by itself');
    expect(await text('#sync-reading li[data-connector="ui-hs"][data-object="deals"]')).toBe('HubSpot deals — last polled 2 min ago, nothing new.');
    expect(await text(`#sync-reading li[data-connector="ui-sf"][data-object="${CHANGE_STREAM_CURSOR}"]`)).toBe(
      'Salesforce change stream — Salesforce pushes each change as it is committed; the last one arrived 5 min ago.');
    const sfLead = page.locator('#sync-reading li[data-connector="ui-sf"][data-object="Lead"]');
    expect(await sfLead.getAttribute('class')).toBe('warn');
    expect(await sfLead.textContent()).toBe('Salesforce Lead — last polled 2 h ago, 4 records read. '
      + 'Polling normally runs every few seconds: check that the gateway is running and that polling has not been turned off.');

    expect(await text('#sync-webhooks li[data-connector="ui-hs"]')).toBe(
      'HubSpot: 2 webhook events waiting to be processed, oldest 5 min. 1 event failed at least once and will be tried again (last error: no mapping for contacts).');
    expect(await text('#sync-writeback li[data-connector="ui-sf"]')).toBe(
      '4 changes waiting to be written to Salesforce Contact, oldest 40 min. 1 of them failed for a passing reason (for example a rate limit) and will be retried. '
      + '1 write being sent now. 2 writes done in the last hour. 1 write skipped because the record changed in Salesforce in the meantime. '
      + '1 write refused by Salesforce for good (see failed writes below).');
    const newest = newestLetter.id;
    expect(await text('#sync-dead-letters p')).toBe(
      `2 writes failed permanently: see below. Fix the cause (what the CRM said), then replay with customer-graph deadletters replay --id ${newest} (or --all) on the gateway host; this page does not replay.`);
    const rows = page.locator('#sync-dead-letters tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().locator('td').allTextContents()).toEqual(expect.arrayContaining([newest, 'Salesforce Contact', newestLetter.recordId, 'CRM_NOT_FOUND', 'entity is deleted']));

    const added = await addDeadLetter('CRM_VALIDATION', 'Phone: too long');
    // The connector was reconnected: the next successful poll clears the Salesforce error.
    await recordPollSuccess(t.app.database.db, 'ui-sf', 'Contact', { records: 2 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('#sync-dead-letters p').filter({ hasText: '3 writes failed permanently' }).waitFor({ timeout: 15_000 });
    expect(await rows.count()).toBe(3);
    expect(await sfContact.getAttribute('class')).toBeNull();
    expect(await sfContact.textContent()).toMatch(/^Salesforce Contact — last polled \d+ s ago, 2 records read\.$/);
    expect(await text('#sync-reading p.alert')).toBe('2 CRM objects cannot be brought up to date right now: HubSpot companies, HubSpot contacts. See what to do below.');
    expect(await rows.first().getAttribute('data-dead-letter')).toBe(added.id);
    await page.close();
  });

  it.skipIf(!hasChromium)('#/sync names a mapped field its CRM does not serve, with the golden field that lost it and what to do', async () => {
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/sync`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#sync-health .as-of').filter({ hasText: 'As of' }).waitFor();
    expect(await page.locator('#sync-mapping').count()).toBe(0);
    // A mapping saved with a native field Salesforce does not have: a save checks the fields it names against the
    // CRM (MAPPING_INVALID), except while the CRM cannot be read, as here.
    const current = await gql<{ mappingConfiguration: { document: string } }>('{ mappingConfiguration { document } }');
    const doc = JSON.parse(current.data!.mappingConfiguration.document) as { types: { Customer: { fields: Record<string, unknown> } } };
    doc.types.Customer.fields.assistant = { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Contact', from: ['AsistantName'] }] };
    await fetch(`${t.salesforceUrl}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ kind: 'reset', rate: 1 }]) });
    try {
      expect((await gql('mutation($d: String!) { saveMappingConfiguration(document: $d) { version } }', { d: JSON.stringify(doc) })).errors).toBeUndefined();
    } finally {
      await fetch(`${t.salesforceUrl}/_sandbox/faults`, { method: 'DELETE' });
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    const line = page.locator('#sync-mapping li[data-crm="salesforce"][data-field="AsistantName"]');
    await line.waitFor();
    expect(await line.locator('strong').textContent()).toBe('Salesforce Contact.AsistantName is not served by Salesforce: Customer.assistant reads nothing from it.');
    expect(await line.textContent()).toContain('on the Field mapping page');
    // Back to the mapping the later tests expect.
    delete doc.types.Customer.fields.assistant;
    expect((await gql('mutation($d: String!) { saveMappingConfiguration(document: $d, allowBreakingChanges: true) { version } }', { d: JSON.stringify(doc) })).errors).toBeUndefined();
    await page.close();
  });

  it.skipIf(!hasChromium)('"Re-read every record" starts a resync and follows it until it ends, in words', async () => {
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/#/sync`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    const status = page.locator('#resync-status');
    await expect.poll(() => status.textContent()).toMatch(/^Never run\./);
    await page.getByRole('button', { name: 'Re-read every record' }).click();
    await expect.poll(() => status.textContent(), { timeout: 60_000, interval: 250 }).toMatch(/^Last run ended .* golden records? changed\.$/);
    expect(await status.textContent()).toMatch(/Salesforce Contact: \d+ records/);
    expect(await status.textContent()).toMatch(/HubSpot contacts: \d+ records/);
    expect(await page.getByRole('button', { name: 'Re-read every record' }).isDisabled()).toBe(false);
    expect((await gql<{ resyncStatus: { state: string } }>('{ resyncStatus { state } }')).data!.resyncStatus.state).toBe('done');
    await page.close();
  });

  it.skipIf(!hasChromium)('the navigation switches to the review queue and back; the review queue still lists its pairs', async () => {
    const page = await newPage();
    await page.goto(`${t.app.server.url}/admin/`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    // No hash: the review queue, as before the router.
    await page.locator('.summary').filter({ hasText: /waiting|empty/ }).waitFor();
    expect(await page.locator('#sync-health').count()).toBe(0);

    await page.getByRole('link', { name: 'Sync health' }).click();
    await page.locator('#sync-health .as-of').filter({ hasText: 'As of' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/sync');
    expect(await page.locator('#review-queue').count()).toBe(0);

    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.locator('#review-queue .summary').filter({ hasText: /waiting|empty/ }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/review');
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Review queue');
    const pending = await gql<{ reviewQueue: { id: string }[] }>('{ reviewQueue(first: 50) { id } }');
    // The pairs are drawn once the queue's answer is in (the summary may be drawn a moment earlier on a busy machine).
    await expect.poll(() => page.locator('#review-queue article.pair').count(), { timeout: 10_000 }).toBe(pending.data!.reviewQueue.length);

    await page.goBack();
    await page.locator('#sync-health .as-of').filter({ hasText: 'As of' }).waitFor();
    expect(await page.locator('#errors').textContent()).toBe('');
    await page.close();
  });

  async function newPage(): Promise<Page> {
    return session!.newPage();
  }
});
