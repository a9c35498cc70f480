/**
 * One suite, two drivers: with DATABASE_URL set each caller gets a fresh database on that server (dropped at
 * close), otherwise an in-memory PGlite. Tests call this instead of choosing a driver themselves.
 */
import crypto from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../../db/open-database.ts';
import type { DatabaseHandle } from '../../db/open-database.ts';

export const onPostgres = Boolean(process.env.DATABASE_URL);

export interface TestDatabase extends DatabaseHandle {
  url: string | undefined;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const handle = await openDatabase({ dataDir: 'memory://' });
    return { ...handle, url: undefined };
  }
  const fresh = await createFreshDatabase(baseUrl);
  const handle = await openDatabase({ url: fresh.url });
  return {
    ...handle,
    url: fresh.url,
    async close() {
      await handle.close();
      await fresh.drop();
    },
  };
}

/** A new, empty database on the server of `baseUrl`, and a way to drop it. */
export async function createFreshDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cg_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(baseUrl, name),
    async drop() {
      const again = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
