/**
 * One process at a time per embedded data folder (db/data-dir-lock.ts): a second opener — in this process or
 * another, such as `customer-graph deadletters list` while the gateway runs — is refused with DATA_DIR_IN_USE
 * (exit 75) naming the holder, and the folder and the holder's handle stay intact. Stale locks (the holder died)
 * are taken over; close releases the lock. Real PGlite folders and real child processes, whatever DATABASE_URL says
 * (the lock is PGlite's); with DATABASE_URL set, one more test checks Postgres takes no lock.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { tsxLoader } from '../../cli/sandbox-process.ts';
import { LOCK_FILE_NAME } from '../../db/data-dir-lock.ts';
import { openDatabase } from '../../db/open-database.ts';
import type { DatabaseHandle } from '../../db/open-database.ts';
import { ERROR_CODES, ProductError } from '../../lib/product-error.ts';
import { createFreshDatabase } from '../support/test-database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-lock-'));
  dirs.push(dir);
  return dir;
};
const lockOf = (dir: string): string => path.join(dir, LOCK_FILE_NAME);
const readOwner = (dir: string): { pid: number; host: string; token: string } => JSON.parse(fs.readFileSync(lockOf(dir), 'utf8')) as never;
const writeLock = (dir: string, owner: Record<string, unknown>): void =>
  fs.writeFileSync(lockOf(dir), JSON.stringify({ host: os.hostname(), startedAt: new Date().toISOString(), command: 'customer-graph start', token: 'someone-else', ...owner }));

async function refusal(open: Promise<unknown>): Promise<ProductError> {
  const err = await open.then(() => undefined, (e: unknown) => e);
  expect(err, 'the open was expected to be refused').toBeInstanceOf(ProductError);
  return err as ProductError;
}

async function withMarker(dir: string, value: string): Promise<void> {
  const handle = await openDatabase({ dataDir: dir });
  await handle.db.execute(sql`create table lock_probe (v text)`);
  await handle.db.execute(sql`insert into lock_probe values (${value})`);
  await handle.close();
}

async function marker(handle: DatabaseHandle): Promise<string[]> {
  const result = (await handle.db.execute(sql`select v from lock_probe`)) as unknown as { rows: { v: string }[] };
  return result.rows.map((r) => r.v);
}

/** A pid that certainly belonged to a process and no longer does. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function cli(dir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/customer-graph.js'), ...args], {
      cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', CUSTOMER_GRAPH_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('embedded data folder lock', () => {
  it('registers DATA_DIR_IN_USE as a temporary failure (exit 75)', () => {
    expect(ERROR_CODES.DATA_DIR_IN_USE).toMatchObject({ exitCode: 75, httpStatus: 423 });
  });

  it('refuses a second open in the same process; the first handle keeps working with its data', async () => {
    const dir = tmp();
    const first = await openDatabase({ dataDir: dir });
    try {
      await first.db.execute(sql`create table lock_probe (v text)`);
      await first.db.execute(sql`insert into lock_probe values ('kept')`);
      const err = await refusal(openDatabase({ dataDir: dir }));
      expect(err.code).toBe('DATA_DIR_IN_USE');
      expect(err.message).toContain(`pid ${process.pid}`);
      expect(err.message).not.toMatch(/move .*aside|mv /i);
      await first.db.execute(sql`insert into lock_probe values ('after')`);
      expect(await marker(first)).toEqual(['kept', 'after']);
      expect(readOwner(dir).pid).toBe(process.pid); // the refused open left the holder's lock alone
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir: dir });
    expect(await marker(again)).toEqual(['kept', 'after']);
    await again.close();
  });

  it('in-memory databases take no lock', async () => {
    const a = await openDatabase({ dataDir: 'memory://' });
    const b = await openDatabase({ dataDir: 'memory://' });
    await Promise.all([a.close(), b.close()]);
  });

  it('the CLI exits 75 naming the pid while another process holds the folder, and the folder opens fine after', async () => {
    const dir = tmp();
    await withMarker(dir, 'before');
    const holder: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', tsxLoader(), path.join(ROOT, 'tests/db/fixtures/hold-data-dir.ts'), dir], { cwd: ROOT, stdio: 'pipe' });
    let holderErr = '';
    holder.stderr.on('data', (d) => (holderErr += d));
    const exited = new Promise<number | null>((resolve) => holder.once('exit', resolve));
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        createInterface({ input: holder.stdout }).once('line', resolve);
        holder.once('exit', (code) => reject(new Error(`holder exited early (${code}): ${holderErr}`)));
      });
      expect(ready).toBe(`ready ${holder.pid}`);
      // Twice: the audit saw the second run (not the first) break the folder.
      for (let i = 0; i < 2; i++) {
        const r = await cli(dir, 'deadletters', 'list');
        expect(r.code, r.stderr).toBe(75);
        expect(r.stderr).toContain('error [DATA_DIR_IN_USE]');
        expect(r.stderr).toContain(`pid ${holder.pid}`);
        expect(r.stderr).toContain('Stop that process first');
        expect(r.stderr).not.toMatch(/mv |move .*aside/i);
        expect(r.stdout).not.toContain('No open dead letters');
      }
    } finally {
      holder.stdin.end('close\n');
    }
    expect(await exited, holderErr).toBe(0);
    expect(fs.existsSync(lockOf(dir))).toBe(false);
    const r = await cli(dir, 'deadletters', 'list');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No open dead letters.');
    const handle = await openDatabase({ dataDir: dir });
    expect(await marker(handle)).toEqual(['before']);
    await handle.close();
  }, 240_000);

  it('refuses a lock held by another live process on this host, leaving the lock as it was', async () => {
    const dir = tmp();
    writeLock(dir, { pid: process.ppid });
    const err = await refusal(openDatabase({ dataDir: dir }));
    expect(err.code).toBe('DATA_DIR_IN_USE');
    expect(err.message).toContain(`pid ${process.ppid} (customer-graph start`);
    expect(readOwner(dir).pid).toBe(process.ppid);
    expect(fs.existsSync(path.join(dir, 'pglite'))).toBe(false); // refused before touching the folder
  });

  it('takes over a stale lock whose process has exited, and one of an earlier process with our pid', async () => {
    const dir = tmp();
    await withMarker(dir, 'survives');
    writeLock(dir, { pid: await deadPid() });
    const handle = await openDatabase({ dataDir: dir });
    expect(readOwner(dir).pid).toBe(process.pid);
    expect(await marker(handle)).toEqual(['survives']);
    await handle.close();
    // A restarted container runs as the same pid as the crashed one: without our token the lock is not ours.
    writeLock(dir, { pid: process.pid });
    const again = await openDatabase({ dataDir: dir });
    expect(readOwner(dir).token).not.toBe('someone-else');
    await again.close();
  });

  it.skipIf(!fs.existsSync('/proc/sys/kernel/random/boot_id'))('takes over a lock written before a reboot, even if its pid is alive now', async () => {
    const dir = tmp();
    writeLock(dir, { pid: process.ppid, bootId: 'an-earlier-boot' });
    const handle = await openDatabase({ dataDir: dir });
    expect(readOwner(dir).pid).toBe(process.pid);
    await handle.close();
  });

  it('never takes over a lock from another host, and says how to clear it', async () => {
    const dir = tmp();
    writeLock(dir, { pid: await deadPid(), host: 'other-host.example' });
    const err = await refusal(openDatabase({ dataDir: dir }));
    expect(err.code).toBe('DATA_DIR_IN_USE');
    expect(err.message).toContain('on host other-host.example');
    expect(err.message).toContain(`delete ${lockOf(dir)}`);
    expect(readOwner(dir).host).toBe('other-host.example');
  });

  it('close releases the lock, and a failed open releases it too', async () => {
    const dir = tmp();
    const handle = await openDatabase({ dataDir: dir });
    expect(readOwner(dir).pid).toBe(process.pid);
    await handle.close();
    expect(fs.existsSync(lockOf(dir))).toBe(false);
    const reopened = await openDatabase({ dataDir: dir });
    expect(readOwner(dir).pid).toBe(process.pid);
    await reopened.close();
    expect(fs.existsSync(lockOf(dir))).toBe(false);

    // A folder that is not a database: the real DATA_DIR_UNUSABLE (move it aside), every time — not "in use".
    const broken = tmp();
    fs.mkdirSync(path.join(broken, 'pglite'));
    fs.writeFileSync(path.join(broken, 'pglite', 'something'), 'not a database');
    for (let i = 0; i < 2; i++) {
      const err = await refusal(openDatabase({ dataDir: broken }));
      expect(err.code).toBe('DATA_DIR_UNUSABLE');
      expect(err.message).toContain(`mv ${path.join(broken, 'pglite')}`);
      expect(fs.existsSync(lockOf(broken))).toBe(false);
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('Postgres takes no lock: two handles on one database, nothing written to the data folder', async () => {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL!);
    const dir = tmp();
    try {
      const a = await openDatabase({ url: fresh.url, dataDir: dir, maxConnections: 1 });
      const b = await openDatabase({ url: fresh.url, dataDir: dir, maxConnections: 1 });
      expect(fs.existsSync(lockOf(dir))).toBe(false);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await fresh.drop();
    }
  });
});
