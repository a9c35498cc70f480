/**
 * One process at a time per embedded data folder. PGlite is single-process: a second process opening the same
 * folder reads a stale copy (wrong answers) and, once both write, corrupts it for good. So `openDatabase()` takes
 * `<dataDir>/pglite.lock` before PGlite opens `<dataDir>/pglite/`, and refuses (DATA_DIR_IN_USE) while a live
 * process holds it.
 *
 * The lock file sits next to the `pglite/` folder, not inside it: inside, it would make a fresh folder look like
 * "files but no PG_VERSION" (a foreign folder), and moving a really corrupt `pglite/` aside must not take the lock
 * along. It holds `{ pid, host, bootId, startedAt, command, token }`; the token tells this process's lock from a
 * file left by an earlier process that had the same pid (a restarted container runs as the same pid again).
 *
 * A lock is stale, and taken over, when its process is gone: same host and either a dead pid, another boot of the
 * machine, or our own pid without our token. A lock from another host is never taken over: we cannot see that
 * host's processes (a folder on a network share), so the message says to delete the file once that process is
 * known to be gone. Takeover is remove-then-create with `wx`, after re-reading that the file still holds the
 * stale owner; a process losing that race finds the winner's lock and gets DATA_DIR_IN_USE.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProductError } from '../lib/product-error.ts';

export const LOCK_FILE_NAME = 'pglite.lock';

export interface LockOwner {
  pid: number;
  host: string;
  /** Linux boot id: a lock written before a reboot is stale whatever its pid. */
  bootId?: string;
  startedAt: string;
  command: string;
  token: string;
}

export interface DataDirLock {
  file: string;
  owner: LockOwner;
  /** Removes the lock file if it is still ours. Idempotent, synchronous. */
  release(): void;
}

/** Lock files this process holds, by path, with their token; released on exit too. */
const held = new Map<string, string>();
let exitHookInstalled = false;

/** A lock file being written right now may be read empty for a moment; only an older unreadable one is stale. */
const UNREADABLE_GRACE_MS = 10_000;

export function acquireDataDirLock(dataDir: string, database: string): DataDirLock {
  const file = path.join(path.resolve(dataDir), LOCK_FILE_NAME);
  if (held.has(file)) {
    throw new ProductError(
      'DATA_DIR_IN_USE',
      `The embedded database in ${database} is already open in this process (pid ${process.pid}); close that handle first. ` +
        'PGlite serves one opener at a time.',
      { folder: database, lockFile: file, pid: process.pid },
    );
  }
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw notWritable(file, database, err);
  }
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    ...(bootId() ? { bootId: bootId()! } : {}),
    startedAt: new Date().toISOString(),
    command: commandLine(),
    token: crypto.randomBytes(12).toString('hex'),
  };
  // Two rounds: a stale lock is removed in the first, and the second create either wins or meets a racer's lock.
  for (let round = 0; round < 2; round++) {
    if (tryCreate(file, owner, database)) return hold(file, owner);
    const seen = readLock(file);
    if (seen === 'missing') continue; // released between our create and our read
    const verdict = judge(seen);
    if (verdict.state === 'in-use') throw inUse(file, database, verdict.owner, verdict.why);
    // Stale: remove it only if it still is the file we judged (another opener may have replaced it meanwhile).
    const again = readLock(file);
    if (sameContent(again, seen)) {
      try {
        fs.unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw notWritable(file, database, err);
      }
    }
  }
  const last = readLock(file);
  throw inUse(file, database, typeof last === 'object' ? last : undefined, 'another process took the lock at the same moment');
}

function tryCreate(file: string, owner: LockOwner, database: string): boolean {
  try {
    fs.writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw notWritable(file, database, err);
  }
}

function hold(file: string, owner: LockOwner): DataDirLock {
  held.set(file, owner.token);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Best effort for processes that end without closing the database (process.exit after a failure). A SIGKILL
    // leaves the file behind; the next opener sees the pid is gone and takes it over.
    process.on('exit', () => {
      for (const [f, token] of held) releaseIfOurs(f, token);
    });
  }
  return {
    file,
    owner,
    release() {
      if (held.get(file) !== owner.token) return;
      held.delete(file);
      releaseIfOurs(file, owner.token);
    },
  };
}

function releaseIfOurs(file: string, token: string): void {
  try {
    const current = readLock(file);
    if (typeof current === 'object' && current.token === token) fs.unlinkSync(file);
  } catch {
    // Best effort: a lock left behind names a dead pid and is taken over by the next opener.
  }
}

type Seen = LockOwner | 'missing' | 'unreadable' | 'garbage';

function readLock(file: string): Seen {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isInteger(parsed.pid) || (parsed.pid ?? 0) <= 0 || typeof parsed.host !== 'string') return unreadable(file);
    return parsed as LockOwner;
  } catch {
    return unreadable(file);
  }
}

/** A lock file younger than the grace period may be mid-write (`wx` creates it empty, then writes): in use. An older one is debris. */
function unreadable(file: string): Seen {
  try {
    return Date.now() - fs.statSync(file).mtimeMs < UNREADABLE_GRACE_MS ? 'unreadable' : 'garbage';
  } catch {
    return 'missing';
  }
}

function sameContent(a: Seen, b: Seen): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Verdict = { state: 'stale' } | { state: 'in-use'; owner: LockOwner | undefined; why: string };

function judge(seen: Seen): Verdict {
  if (seen === 'missing' || seen === 'garbage') return { state: 'stale' };
  if (seen === 'unreadable') return { state: 'in-use', owner: undefined, why: 'its lock file cannot be read yet (another process may be opening it now)' };
  if (seen.host !== os.hostname()) return { state: 'in-use', owner: seen, why: 'other-host' };
  const boot = bootId();
  if (seen.bootId && boot && seen.bootId !== boot) return { state: 'stale' };
  // Our pid without our token: a previous process that had this pid (a container restarted after a crash).
  if (seen.pid === process.pid) return { state: 'stale' };
  return isAlive(seen.pid) ? { state: 'in-use', owner: seen, why: 'live' } : { state: 'stale' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user — alive all the same.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let cachedBootId: string | null | undefined;
function bootId(): string | undefined {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null; // not Linux: pid and host only
    }
  }
  return cachedBootId ?? undefined;
}

function commandLine(): string {
  const [, script, ...args] = process.argv;
  const text = [script ? path.basename(script) : 'node', ...args].join(' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function inUse(file: string, database: string, owner: LockOwner | undefined, why: string): ProductError {
  const details = { folder: database, lockFile: file, ...(owner ? { pid: owner.pid, host: owner.host } : {}) };
  const who = owner ? `pid ${owner.pid} (${owner.command || 'unknown command'}, since ${owner.startedAt})` : 'another process';
  const risk = 'The embedded database serves one process at a time; a second one would read stale data and corrupt the folder.';
  if (owner && why === 'other-host') {
    return new ProductError(
      'DATA_DIR_IN_USE',
      `The embedded database in ${database} is locked by ${who} on host ${owner.host}, not this host (${os.hostname()}). ${risk} ` +
        `This process cannot check whether a process on another host still runs, so it does not open the folder. Stop that process; ` +
        `if you are sure nothing on ${owner.host} uses the folder any more (e.g. a container that was replaced), delete ${file} and run this again.`,
      details,
    );
  }
  const reason = why === 'live' ? '' : ` (${why})`;
  return new ProductError(
    'DATA_DIR_IN_USE',
    `The embedded database in ${database} is in use by ${who} on this host${reason}. ${risk} ` +
      'Stop that process first and run this again, or, while it runs, use its API or admin UI instead ' +
      '(e.g. the deadLetters query and the replayDeadLetters mutation), or set DATABASE_URL so several processes can share Postgres.',
    details,
  );
}

function notWritable(file: string, database: string, err: unknown): ProductError {
  return new ProductError(
    'DATA_DIR_UNUSABLE',
    `Cannot take the lock ${file} for the embedded database in ${database}: ${(err as Error).message}. ` +
      'Check that the folder is writable by this user, or set CUSTOMER_GRAPH_DATA_DIR to another folder.',
    { folder: database, lockFile: file },
    { cause: err },
  );
}
