import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase, onPostgres } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

describe(`migrations on ${onPostgres ? 'Postgres' : 'PGlite'}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t?.close());

  it('creates every core table from an empty database', async () => {
    const result = await t.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`);
    const names = (result as unknown as { rows?: { table_name: string }[] }).rows ?? (result as unknown as { table_name: string }[]);
    expect(names.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['audit_log', 'config_versions', 'connectors', 'golden_records', 'record_links', 'sync_cursors', 'sync_poll_status', 'webhook_inbox', 'writeback_outbox']),
    );
  });

  it('delivers NOTIFY payloads to LISTEN subscribers', async () => {
    const received: string[] = [];
    const unlisten = await t.listen('cg_test_channel', (p) => received.push(p));
    await t.notify('cg_test_channel', 'hello');
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await unlisten();
    expect(received).toEqual(['hello']);
  });
});
