/**
 * What a catch-up read (sync/catch-up.ts) keeps and waits for: the same overflow delivered twice asks for one read,
 * not two; a catch-up whose connector does not run now (disabled, swapped out) keeps its stored request for when it
 * runs again instead of dropping it as unmapped; and a reader's stop waits for the reader it replaced, even with no
 * read of its own under way, so the next one never reads an object the first may still be applying.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/contract/index.ts';
import { createLogger } from '../../lib/logger.ts';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig } from '../../resolver-engine/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { startObjectReads } from '../../sync/catch-up.ts';
import { requestCatchUp, storedCatchUps } from '../../sync/change-stream-store.ts';
import { connectorFor, startSandbox } from '../connectors/salesforce/helpers.ts';
import { openTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

let t: TestDatabase;
let sb: SalesforceSandbox;
beforeAll(async () => {
  t = await openTestDatabase();
  sb = await startSandbox();
});
afterAll(async () => {
  await sb?.close();
  await t?.close();
});

const config = parseMappingConfig(DEFAULT_MAPPING_CONFIG);
const logger = createLogger('test', 'silent');
let seq = 0;

describe('catch-up state', () => {
  it('the same overflow delivered again asks for no second read; a later one is kept for after the first', async () => {
    const connectorId = `sf-twice-${++seq}`;
    const since = new Date(Date.now() - 60_000);
    for (let i = 0; i < 3; i++) await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', since));
    expect(await storedCatchUps(t.db, connectorId)).toEqual({ Contact: { since: since.toISOString(), cursor: null } });
    const later = new Date(since.getTime() + 5_000);
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', later));
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', later));
    expect(await storedCatchUps(t.db, connectorId)).toEqual({ Contact: { since: since.toISOString(), cursor: null, again: later.toISOString() } });
  });

  it('a catch-up whose connector does not run now keeps its request, and is read once the connector runs again', async () => {
    const connectorId = `sf-paused-${++seq}`;
    await t.db.transaction((tx) => requestCatchUp(tx, connectorId, 'Contact', new Date(Date.now() - 60_000)));
    // Disabled: the fleet takes the CRM out of the running connectors.
    const connectors = new Map<string, Connector>();
    const context = () => ({ db: t.db, config, connectors, connectorIds: new Map([['salesforce', connectorId]]) });
    const paused = startObjectReads(context, { crm: 'salesforce', connectorId, logger });
    paused.catchUp('Contact');
    await expect.poll(() => paused.busy(), { timeout: 5000, interval: 20 }).toEqual([]);
    expect(Object.keys(await storedCatchUps(t.db, connectorId))).toEqual(['Contact']);
    await paused.stop();

    connectors.set('salesforce', connectorFor(sb));
    const running = startObjectReads(context, { crm: 'salesforce', connectorId, logger });
    await running.resume();
    await expect.poll(() => storedCatchUps(t.db, connectorId), { timeout: 10_000, interval: 50 }).toEqual({});
    await running.stop();
  });

  it('a reader\'s stop waits for the reader it replaced, even with no read of its own under way', async () => {
    let replacedStopped = false;
    let endReplaced = () => {};
    const replaced = new Promise<void>((resolve) => { endReplaced = () => { replacedStopped = true; resolve(); }; });
    const context = () => ({ db: t.db, config, connectors: new Map<string, Connector>(), connectorIds: new Map([['salesforce', `sf-after-${++seq}`]]) });
    const reads = startObjectReads(context, { crm: 'salesforce', connectorId: `sf-after-${seq}`, logger, after: replaced });
    let stopped = false;
    const stopping = reads.stop().then(() => { stopped = true; });
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    endReplaced();
    await stopping;
    expect(replacedStopped).toBe(true);
  });
});
