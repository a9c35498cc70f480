/**
 * `customer-graph deadletters list|replay` as a real process against the database the demo gateway used: the dead
 * letters come from writes the HubSpot sandbox really refused (an unknown lifecycle stage), delivered by the real
 * write-back worker. On PGlite the gateway is closed first (the embedded database serves one process at a time).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open-database.ts';
import { enqueueOutbox } from '../../db/outbox-store.ts';
import { writebackOutbox } from '../../db/schema.ts';
import { listDeadLetters, outboxRowsOf } from '../../db/writeback-store.ts';
import { startTestApp } from '../support/test-app.ts';
import { createFreshDatabase } from '../support/test-database.ts';

interface Run { code: number | null; stdout: string; stderr: string }

describe('customer-graph deadletters', () => {
  const env: Record<string, string> = { DATABASE_URL: '' };
  let drop: (() => Promise<void>) | undefined;
  let letters: { id: number; recordId: string | null; goldenId: string | null }[] = [];

  const cli = (...args: string[]): Promise<Run> => new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/customer-graph.js'), 'deadletters', ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  const withDb = async <T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> => {
    const handle = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.CUSTOMER_GRAPH_DATA_DIR! });
    try {
      return await fn(handle.db);
    } finally {
      await handle.close();
    }
  };

  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      const fresh = await createFreshDatabase(process.env.DATABASE_URL);
      env.DATABASE_URL = fresh.url;
      drop = fresh.drop;
    }
    const t = await startTestApp(env.DATABASE_URL ? { config: { DATABASE_URL: env.DATABASE_URL } } : {});
    env.CUSTOMER_GRAPH_DATA_DIR = t.dataDir;
    try {
      const db = t.app.database.db;
      const links = (await db.query.recordLinks.findMany({ where: (l, { eq }) => eq(l.crm, 'hubspot') })).filter((l) => l.objectType === 'contacts').slice(0, 2);
      expect(links).toHaveLength(2);
      // Values HubSpot refuses for good (not an option of lifecyclestage): the worker dead-letters them.
      await enqueueOutbox(db, links.map((l, i) => ({
        connectorId: l.connectorId, objectType: l.objectType, recordId: l.recordId, goldenId: l.goldenId, fields: { lifecyclestage: `not-a-stage-${i}` }, idempotencyKey: `cli-dead-${i}`,
      })));
      const goldenIds = links.map((l) => l.goldenId);
      for (const until = Date.now() + 30_000; ;) {
        const rows = await outboxRowsOf(db, goldenIds);
        if (rows.length === 2 && rows.every((r) => r.status === 'dead')) break;
        if (Date.now() > until) throw new Error(`not dead-lettered: ${JSON.stringify(rows.map((r) => [r.status, r.lastError]))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      letters = (await listDeadLetters(db)).map((d) => ({ id: d.id, recordId: d.recordId, goldenId: d.goldenId }));
      expect(letters).toHaveLength(2);
    } finally {
      await t.close();
    }
  }, 240_000);
  afterAll(async () => drop?.());

  it('list --json gives each open dead letter with the CRM code and reason; list explains what to do', async () => {
    const json = await cli('list', '--json');
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { id: number; code: string; reason: string; recordId: string; fields: Record<string, unknown>; replayedAt: string | null }[];
    expect(parsed.map((d) => d.id)).toEqual(letters.map((l) => l.id));
    expect(parsed[0]).toMatchObject({ code: 'CRM_VALIDATION', recordId: letters[0]!.recordId, fields: { lifecyclestage: 'not-a-stage-0' }, replayedAt: null });
    expect(parsed[0]!.reason).toMatch(/not-a-stage-0/);
    const text = await cli('list');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('2 open dead letters:');
    expect(text.stdout).toContain(`#${letters[0]!.id} `);
    expect(text.stdout).toMatch(/\[CRM_VALIDATION[^\]]*\] .*not-a-stage-1/);
    expect(text.stdout).toContain(`customer-graph deadletters replay --id ${letters[0]!.id}`);
  }, 60_000);

  it('replay --id re-enqueues the known id, names the unknown one and exits NOT_FOUND (3); again exits CONFLICT (4)', async () => {
    const first = await cli('replay', '--id', String(letters[0]!.id), '--id', '999999');
    expect(first.code).toBe(3);
    const queued = /Re-enqueued dead letter (\d+) as outbox row (\d+)\./.exec(first.stdout);
    expect(queued?.[1], first.stdout).toBe(String(letters[0]!.id));
    expect(first.stderr).toContain('Not replayed: no dead letter 999999.');
    expect(first.stderr).toMatch(/error \[NOT_FOUND\]: No dead letter with id 999999\. Run customer-graph deadletters list/);
    const again = await cli('replay', '--id', String(letters[0]!.id));
    expect(again.code).toBe(4);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/error \[CONFLICT\]: Dead letter \d+ was already replayed/);
    // The new outbox row waits for the worker, with the refused fields as they were.
    const rows = await withDb((db) => db.select().from(writebackOutbox));
    expect(rows.find((r) => String(r.id) === queued![2])).toMatchObject({ status: 'pending', idempotencyKey: `replay:${letters[0]!.id}`, recordId: letters[0]!.recordId, fields: { lifecyclestage: 'not-a-stage-0' } });
  }, 60_000);

  it('replay --all re-enqueues every open one; then nothing is left to list or replay', async () => {
    const all = await cli('replay', '--all');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`Re-enqueued dead letter ${letters[1]!.id} as outbox row`);
    expect(all.stdout).not.toContain(`dead letter ${letters[0]!.id} `);
    const list = await cli('list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([]);
    const none = await cli('replay', '--all');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('No open dead letters to replay.');
  }, 60_000);

  it('refuses bad arguments (2) and a folder without a database (74), saying what to do', async () => {
    const missing = await cli('replay');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--id <id>.* or --all/);
    const bad = await cli('replay', '--id', 'abc');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'abc' is not a dead letter id");
    const both = await cli('replay', '--id', '1', '--all');
    expect(both.code).toBe(2);
    const unknown = await cli('purge');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown subcommand "purge"');
    if (!env.DATABASE_URL) {
      const saved = env.CUSTOMER_GRAPH_DATA_DIR!;
      env.CUSTOMER_GRAPH_DATA_DIR = path.join(saved, 'nowhere');
      try {
        const nowhere = await cli('list');
        expect(nowhere.code).toBe(74);
        expect(nowhere.stderr).toMatch(/No customer-graph database in .*nowhere\. Set CUSTOMER_GRAPH_DATA_DIR/);
      } finally {
        env.CUSTOMER_GRAPH_DATA_DIR = saved;
      }
    }
  }, 60_000);
});
