/**
 * The database a database bench runs on: a database of its own on the server of DATABASE_URL (created for the run and
 * dropped at the end, so a bench never touches a deployment's data), else embedded PGlite in memory.
 */
import postgres from 'postgres';
import type { DatabaseHandle } from '../../db/open-database.ts';
import { openDatabase } from '../../db/open-database.ts';

export interface BenchDatabase {
  handle: DatabaseHandle;
  /** Closes the handle and drops the bench's own database (Postgres). */
  drop(): Promise<void>;
  label: 'embedded PGlite' | 'Postgres';
}

/** `name`: what the bench measures, part of the database name (`cg_bench_<name>_<pid>`). */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await openDatabase({ dataDir: 'memory://' });
    return { handle, drop: () => handle.close(), label: 'embedded PGlite' };
  }
  const database = `cg_bench_${name}_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${database}`);
  const own = new URL(url);
  own.pathname = `/${database}`;
  const handle = await openDatabase({ url: own.toString() });
  return {
    handle, label: 'Postgres',
    drop: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${database}`);
      await admin.end();
    },
  };
}
