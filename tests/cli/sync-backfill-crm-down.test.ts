/**
 * `customer-graph sync --backfill` with one CRM that cannot be reached: the others are backfilled, the command names
 * the CRM that could not be read (not "no connector is configured") and exits 69, so a script notices. `supergraph`
 * (whose export would silently lack that CRM's types) still stops, naming it, though a gateway would start.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { createFreshDatabase } from '../support/test-database.ts';

function backfill(env: Record<string, string>, args = ['sync', '--backfill']): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/customer-graph.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('customer-graph sync --backfill with a CRM down', () => {
  let salesforce: SalesforceSandbox;
  let drop: (() => Promise<void>) | undefined;
  const env: Record<string, string> = {
    CUSTOMER_GRAPH_DEMO: 'off',
    CUSTOMER_GRAPH_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'cg-backfill-down-')),
    CUSTOMER_GRAPH_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    DATABASE_URL: '',
    HUBSPOT_ACCESS_TOKEN: 'sandbox-token',
  };
  beforeAll(async () => {
    salesforce = await startSalesforceSandbox({ port: 0, demoSeed: generateDemoSeed({ customers: 20 }).salesforce });
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    Object.assign(env, { SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET, HUBSPOT_BASE_URL: `http://127.0.0.1:${port}` });
    if (process.env.DATABASE_URL) {
      const fresh = await createFreshDatabase(process.env.DATABASE_URL);
      env.DATABASE_URL = fresh.url;
      drop = fresh.drop;
    }
  }, 60_000);
  afterAll(async () => {
    await drop?.();
    await salesforce?.close();
  });

  it('backfills the others, names the CRM that could not be read and exits 69', async () => {
    const r = await backfill(env);
    expect(r.code, r.stderr).toBe(69);
    const summary = /(\d+) records read/.exec(r.stdout);
    expect(summary, r.stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThan(0);
    expect(r.stderr).toContain('HubSpot (hubspot, connector hubspot) could not be read: [CRM_UNAVAILABLE]');
    expect(r.stderr).not.toContain('no hubspot connector is configured');
  }, 180_000);

  it('supergraph exits 69 naming the CRM it cannot read, printing no SDL', async () => {
    const r = await backfill({ ...env, LOG_LEVEL: 'error' }, ['supergraph']);
    expect(r.code, r.stderr).toBe(69);
    expect(r.stderr).toContain('Cannot read the metadata of HubSpot');
    expect(r.stdout).not.toContain('join__Graph');
  }, 180_000);
});
