/**
 * The databases the leadership tests run on: one test database (PGlite, or a fresh Postgres database through
 * DATABASE_URL), and "a second process's view" of it — its own connection pool on Postgres, the same handle on PGlite
 * (two leaderships in one process share it). Leaderships the tests start and handles they open are stopped and closed
 * after each test.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openDatabase } from '../../../db/open-database.ts';
import type { Database, DatabaseHandle } from '../../../db/open-database.ts';
import type { Leadership } from '../../../sync/leadership.ts';
import { openTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

export interface LeaseDatabases {
  /** The test database (set in beforeAll). */
  readonly base: TestDatabase;
  /** Leaderships to stop after the test. */
  running: Leadership[];
  /** Handles opened by a test besides `base` (a second "process", or one to lose), closed after the test. */
  extra: DatabaseHandle[];
  secondDb(): Promise<Database>;
}

/** Registers the hooks of a describe block and gives its databases. */
export function useLeaseDatabases(): LeaseDatabases {
  let base: TestDatabase | undefined;
  const running: Leadership[] = [];
  const extra: DatabaseHandle[] = [];
  beforeAll(async () => { base = await openTestDatabase(); });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((l) => l.stop()));
    await Promise.all(extra.splice(0).map((h) => h.close().catch(() => {})));
  });
  afterAll(async () => { await base?.close(); });
  return {
    get base() {
      if (!base) throw new Error('the test database is opened in beforeAll');
      return base;
    },
    running,
    extra,
    async secondDb() {
      if (!base!.url) return base!.db;
      const handle = await openDatabase({ url: base!.url, maxConnections: 2 });
      extra.push(handle);
      return handle.db;
    },
  };
}
