/**
 * `customer-graph start` stops cleanly on SIGTERM and SIGINT: it closes the gateway, the workers and the embedded
 * database, releases the data folder's lock and exits 0. The child runs as in production (NODE_ENV unset): Apollo
 * Server's own signal handler — which it installs outside NODE_ENV=test, stops only Apollo and re-raises the signal —
 * used to kill the process a few milliseconds into the shutdown, leaving the lock behind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = path.resolve('bin/customer-graph.js');

async function startThenSignal(signal: NodeJS.Signals): Promise<{ code: number | null; output: string; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-shutdown-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DEMO: 'off', CUSTOMER_GRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.NODE_ENV;
  delete env.VITEST;
  const child = spawn(process.execPath, [cli, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  for (let i = 0; i < 900 && !output.includes('customer-graph is ready'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain('customer-graph is ready');
  expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(true);
  child.kill(signal);
  const code = await exited;
  clearTimeout(killer);
  return { code, output, dataDir };
}

/**
 * Signals the moment the ready line arrives, as an orchestrator or a script might. The process listened for signals
 * only after printing it, and SIGTERM's default action (end the process) applied in between: killed with the embedded
 * database open and its lock left behind. Several rounds, since it is a race of milliseconds.
 */
async function signalAtReadyLine(round: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string; dataDir: string; stopMs: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cg-shutdown-ready-${round}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DEMO: 'off', CUSTOMER_GRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.NODE_ENV;
  delete env.VITEST;
  const child = spawn(process.execPath, [cli, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let signalledAt = 0;
  child.stdout.on('data', (d) => {
    output += d;
    if (!signalledAt && output.includes('customer-graph is ready')) {
      signalledAt = performance.now();
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (d) => (output += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 110_000);
  // 'close', not 'exit': the output written just before the exit is read by then.
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  return { code, signal, output, dataDir, stopMs: performance.now() - signalledAt };
}

describe('customer-graph start shuts down cleanly', () => {
  it('on SIGTERM sent the moment the ready line is read: exit 0, shut down, the lock released', async () => {
    for (let round = 0; round < 3; round++) {
      const { code, signal, output, dataDir, stopMs } = await signalAtReadyLine(round);
      const about = `round ${round}: exit ${code}, signal ${signal}, stopped ${Math.round(stopMs)} ms after the signal\n${output.slice(-2000)}`;
      expect(output, about).toContain('customer-graph is ready');
      expect(signal, about).toBeNull();
      expect(code, about).toBe(0);
      expect(output, about).toContain('shutting down');
      expect(fs.existsSync(path.join(dataDir, 'pglite.lock')), about).toBe(false);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 360_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: exit 0, the data folder's lock released`, async () => {
      const { code, output, dataDir } = await startThenSignal(signal);
      expect(output).toContain('shutting down');
      expect(code, output).toBe(0);
      expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    }, 120_000);
  }
});
