/**
 * `openDatabase()`: postgres.js when a URL is given (DATABASE_URL), embedded PGlite in a data folder otherwise.
 * Both speak the same drizzle schema; migrations run before the handle is returned. Failures are turned into
 * ProductErrors that say what to do (unreachable host and port, a corrupt data folder to move aside). An embedded data
 * folder is opened by one process at a time: `<dataDir>/pglite.lock` (data-dir-lock.ts) is taken first and released
 * on close; while a live process holds it, opening fails with DATA_DIR_IN_USE.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { ProductError } from '../lib/product-error.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import type { DataDirLock } from './data-dir-lock.ts';
import * as schema from './schema.ts';
import { unreachable } from './probe-database.ts';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** LISTEN on a channel; resolves to an unsubscribe function. Works on both drivers. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL. When absent, embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data folder (its `pglite/` subfolder holds the database); `memory://` keeps it in memory. */
  dataDir?: string;
  /** Connection timeout for postgres.js, seconds. */
  connectTimeoutSeconds?: number;
  maxConnections?: number;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir ?? '.data');
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const client = postgres(url, {
    max: options.maxConnections ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    onnotice: () => {},
  });
  try {
    await client`select 1`;
  } catch (err) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw unreachable(url, err);
  }
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  await migratePostgres(db as never, { migrationsFolder });
  return {
    db,
    driver: 'postgres',
    async listen(channel, onPayload) {
      const sub = await client.listen(channel, onPayload);
      return async () => sub.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  const folder = inMemory ? dataDir : path.join(path.resolve(dataDir), 'pglite');
  // The lock comes first, before the folder is even looked at: a second process must not touch a folder another
  // one has open (PGlite is single-process; two openers corrupt it), and must not blame "corruption" it caused.
  const lock = inMemory ? undefined : acquireDataDirLock(dataDir, folder);
  let pg: PGlite | undefined;
  try {
    if (!inMemory) assertUsableFolder(folder);
    try {
      pg = await PGlite.create(inMemory ? undefined : folder);
      await pg.query('select 1');
    } catch (err) {
      throw new ProductError(
        'DATA_DIR_UNUSABLE',
        `The embedded database in ${folder} cannot be opened (${(err as Error).message}). ` +
          `Move the folder aside (e.g. mv ${folder} ${folder}.broken) to start fresh, or set DATABASE_URL to use Postgres.`,
        { folder },
        { cause: err },
      );
    }
    await migratePglite(drizzlePglite(pg, { schema }) as never, { migrationsFolder });
  } catch (err) {
    await pg?.close().catch(() => {});
    lock?.release();
    throw err;
  }
  return pgliteHandle(pg, lock);
}

function pgliteHandle(pg: PGlite, lock: DataDirLock | undefined): DatabaseHandle {
  const db = drizzlePglite(pg, { schema }) as unknown as Database;
  return {
    db,
    driver: 'pglite',
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return async () => unsub();
    },
    async notify(channel, payload) {
      await pg.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      try {
        await pg.close();
      } finally {
        lock?.release();
      }
    },
  };
}

function assertUsableFolder(folder: string): void {
  try {
    fs.mkdirSync(folder, { recursive: true });
    fs.accessSync(folder, fs.constants.R_OK | fs.constants.W_OK);
    // A data folder whose PG_VERSION is missing while other files exist is a half-written or foreign folder.
    const entries = fs.readdirSync(folder);
    if (entries.length > 0 && !entries.includes('PG_VERSION')) {
      throw new Error('it holds files but no PG_VERSION, so it is not a database folder');
    }
  } catch (err) {
    throw new ProductError(
      'DATA_DIR_UNUSABLE',
      `The embedded database folder ${folder} is not usable: ${(err as Error).message}. ` +
        `Move it aside (e.g. mv ${folder} ${folder}.broken) or set CUSTOMER_GRAPH_DATA_DIR to another folder.`,
      { folder },
      { cause: err },
    );
  }
}
