/**
 * `customer-graph sync --backfill`: imports everything with progress and a summary, leaving change cursors for the
 * poller; running it again is harmless (and keeps the cursors).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase } from '../support/test-database.ts';

function backfill(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/customer-graph.js'), 'sync', '--backfill'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('customer-graph sync --backfill', () => {
  const env: Record<string, string> = {
    CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0',
    CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0',
    CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: '0',
    CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: '0',
    CUSTOMER_GRAPH_DEMO_ZOHO_PORT: '0',
    CUSTOMER_GRAPH_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'cg-backfill-')),
    DATABASE_URL: '',
  };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      const fresh = await createFreshDatabase(process.env.DATABASE_URL);
      env.DATABASE_URL = fresh.url;
      env.CUSTOMER_GRAPH_SECRET_KEY = crypto.randomBytes(32).toString('base64');
      drop = fresh.drop;
    }
  });
  afterAll(async () => drop?.());

  it('links every record with a summary, and a second run creates nothing', async () => {
    const first = await backfill(env);
    expect(first.code, first.stderr).toBe(0);
    const summary = /(\d+) records read .*?(\d+) golden records created, (\d+) links created/.exec(first.stdout);
    expect(summary, first.stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThan(500);
    expect(Number(summary![2])).toBeGreaterThan(0);
    expect(Number(summary![3])).toBe(Number(summary![1]));
    expect(first.stderr).toContain('salesforce/Contact'); // the progress bars, on stderr
    expect(first.stderr).toContain('pipedrive/persons');
    expect(first.stderr).toContain('dynamics/contacts');
    expect(first.stderr).toContain('zoho/Contacts');
    // Every object read gets a change cursor: the next poller resumes from when the backfill began.
    const resumes = /Change polling picks up what changed since this backfill began \((\S+)\) for 15 CRM object\(s\), reading again from (\S+) at the earliest/.exec(first.stdout);
    expect(resumes, first.stdout).not.toBeNull();
    expect(Date.parse(resumes![1]!)).toBeGreaterThan(Date.now() - 180_000);
    // The demo's records changed long ago: no CRM clock to go by, so an hour before the backfill (MAX_CLOCK_SKEW_MS).
    expect(Date.parse(resumes![1]!) - Date.parse(resumes![2]!)).toBe(60 * 60_000);
    const second = await backfill(env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/ 0 golden records created, 0 links created, 0 snapshots changed/);
    expect(second.stdout).toContain('15 CRM object(s) already had a change cursor and keep it: change polling resumes where it was.');
  }, 180_000);
});
