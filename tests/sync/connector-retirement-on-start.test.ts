/**
 * The composition root resumes retirements (cli/app.ts → sync/retirement-resumer.ts): a deletion recorded by a
 * process that died before retiring anything is finished by the next process to start on the database — the same
 * app restarted on its PGlite folder, or a second process joining the Postgres database — while a disabled
 * connector's links, a stored connector's and links of a connector not configured here stay active.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorStore } from '../../db/connector-store.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { retirementOf } from '../../db/retirement-store.ts';
import { goldenRecords, recordLinks } from '../../db/schema.ts';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const LINKS = 4;
/** Only at start: this test is about the start, not the periodic check. */
const ENV = { CUSTOMER_GRAPH_RETIREMENT_CHECK_MS: '0' };

describe('a retirement cut short is finished by the next start', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('retires the deleted connector\'s links and nothing else', async () => {
    const first = await startTestApp({ demo: false, env: ENV });
    apps.push(first);
    const db = first.app.database.db;
    const store = new ConnectorStore(db, first.app.cipher);
    const active = async (connectorId: string) =>
      (await first.app.database.db.select({ n: count() }).from(recordLinks).where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.status, 'active'))))[0]!.n;
    // A closed loopback port: the next start tries the stored ones, and they answer nothing (left out, retried).
    for (const [id, stored] of [['hubspot-gone', true], ['hubspot-off', true], ['hubspot-kept', true], ['hubspot-elsewhere', false]] as const) {
      if (stored) await store.upsert({ id, crm: 'hubspot', name: id, baseUrl: 'http://127.0.0.1:9', credentials: { auth: { kind: 'static', accessToken: 't' } } });
      const ids = Array.from({ length: LINKS }, (_, i) => newGoldenId('Customer', Date.now() + i));
      await db.insert(goldenRecords).values(ids.map((gid) => ({ id: gid, entityType: 'Customer', snapshot: { email: `${gid}@example.com` } })));
      await db.insert(recordLinks).values(ids.map((goldenId, i) => ({ goldenId, entityType: 'Customer', connectorId: id, crm: 'hubspot', objectType: 'contacts', recordId: `${id}-${i}` })));
    }
    await store.setStatus('hubspot-off', 'disabled', 'disabled by an admin');
    // The deletion is committed, and the process dies before its retirement runs.
    await store.remove('hubspot-gone', { retireLinks: true });
    expect(await active('hubspot-gone')).toBe(LINKS);

    let next: TestApp;
    if (first.databaseUrl) {
      // Postgres: a second process of the deployment starts on the same database.
      next = await startTestApp({ demo: false, env: ENV, join: first });
    } else {
      // PGlite: the same app starts again on its data folder.
      await first.app.close();
      apps.pop();
      next = await startTestApp({ demo: false, env: ENV, config: { CUSTOMER_GRAPH_DATA_DIR: first.dataDir, CUSTOMER_GRAPH_SECRET_KEY: first.secretKey } });
    }
    apps.push(next);
    const nextDb = next.app.database.db;
    const nextActive = async (connectorId: string) =>
      (await nextDb.select({ n: count() }).from(recordLinks).where(and(eq(recordLinks.connectorId, connectorId), eq(recordLinks.status, 'active'))))[0]!.n;
    await expect.poll(() => nextActive('hubspot-gone'), { timeout: 30_000, interval: 100 }).toBe(0);
    await expect.poll(async () => (await retirementOf(nextDb, 'hubspot-gone'))?.finishedAt ?? null, { timeout: 30_000, interval: 100 }).toBeInstanceOf(Date);
    expect(await nextActive('hubspot-off')).toBe(LINKS);
    expect(await nextActive('hubspot-kept')).toBe(LINKS);
    expect(await nextActive('hubspot-elsewhere')).toBe(LINKS);
  }, 120_000);
});
