/**
 * Bad configuration stops `customer-graph start` with a clear message and an exit code, fast, before anything is
 * written. Each case runs the real CLI in a child process.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = path.resolve('bin/customer-graph.js');

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cli-'));
const key = () => crypto.randomBytes(32).toString('base64');

describe('customer-graph start with bad input', () => {
  let silent: net.Server;
  let silentPort: number;
  beforeAll(async () => {
    // A local port that accepts connections and never answers: a database that cannot be reached in time.
    silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as net.AddressInfo).port;
  });
  afterAll(() => silent.close());

  it('exits non-zero within 10 s naming host and port when DATABASE_URL refuses connections', async () => {
    const r = await runCli(['start'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', CUSTOMER_GRAPH_SECRET_KEY: key(), CUSTOMER_GRAPH_DATA_DIR: tmp() });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain('DATABASE_UNREACHABLE');
    expect(r.stderr).toContain('127.0.0.1:1');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('exits non-zero, without hanging, when the database never answers', async () => {
    const r = await runCli(['start'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${silentPort}/x`, CUSTOMER_GRAPH_SECRET_KEY: key(), CUSTOMER_GRAPH_DATA_DIR: tmp() });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain(`127.0.0.1:${silentPort}`);
    // The probe gives up after its connect timeout (4 s); the rest is the CLI's own start-up, which takes seconds
    // on a loaded machine. The bound only tells "gives up" from "hangs": the product waits forever without it.
    expect(r.ms).toBeLessThan(30_000);
  });

  it('says which folder to move aside when the embedded data folder is not a database', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'pglite'));
    fs.writeFileSync(path.join(dir, 'pglite', 'something'), 'not a database');
    const r = await runCli(['start'], { CUSTOMER_GRAPH_DATA_DIR: dir });
    expect(r.code).toBe(74);
    expect(r.stderr).toContain('DATA_DIR_UNUSABLE');
    expect(r.stderr).toContain(`mv ${path.join(dir, 'pglite')}`);
  });

  it('refuses a malformed secret key before opening anything', async () => {
    const dir = tmp();
    const r = await runCli(['start'], { CUSTOMER_GRAPH_SECRET_KEY: 'short', CUSTOMER_GRAPH_DATA_DIR: dir });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('SECRET_KEY_INVALID');
    expect(fs.existsSync(path.join(dir, 'pglite'))).toBe(false);
  });

  it('requires a secret key when DATABASE_URL is set', async () => {
    const r = await runCli(['start'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', CUSTOMER_GRAPH_DATA_DIR: tmp() });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('CUSTOMER_GRAPH_SECRET_KEY must be set');
  });

  it('rejects an unknown command with usage and exit code 2', async () => {
    const r = await runCli(['frobnicate'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command');
  });
});
