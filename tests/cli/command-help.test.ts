/**
 * Every command answers --help / -h / `help <command>` with its usage, options, environment and exit codes (exit 0),
 * and refuses bad arguments with its usage (exit 2) — without starting anything. Bad configuration and a taken
 * port stop `start` with a registered code. Each case runs the real CLI in a child process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = path.resolve('bin/customer-graph.js');

interface Run { code: number | null; stdout: string; stderr: string }

function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'error', CUSTOMER_GRAPH_DATA_DIR: tmp(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dirs: string[] = [];
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-help-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// Each command's usage line and options its help must show.
const expected: Record<string, { usage: string; options: string[] }> = {
  start: { usage: 'Usage: customer-graph start [--port N] [--seed DIR]', options: ['--port N', '--seed DIR', 'PORT', 'CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT'] },
  sandbox: { usage: 'Usage: customer-graph sandbox [--seed DIR]', options: ['--salesforce-port N', '--hubspot-port N', '--pipedrive-port N|off', '--dynamics-port N|off', '--zoho-port N|off', '(default 4101)'] },
  supergraph: { usage: 'Usage: customer-graph supergraph [--url NAME=URL ...]', options: ['--url NAME=URL', '--seed DIR'] },
  subgraph: { usage: 'Usage: customer-graph subgraph <identity|golden|', options: ['--port N', '--host HOST', '(default 127.0.0.1)', 'golden'] },
  sync: { usage: 'Usage: customer-graph sync --backfill [--seed DIR]', options: ['--backfill', '--seed DIR'] },
  worker: { usage: 'Usage: customer-graph worker', options: ['CUSTOMER_GRAPH_WORKER_PORT', 'CUSTOMER_GRAPH_WORKER_HOST'] },
  deadletters: { usage: 'Usage: customer-graph deadletters list', options: ['--json', '--limit N', '--id ID', '--all'] },
};

describe('customer-graph <command> --help', () => {
  it.each(Object.keys(expected))('%s --help prints its usage, options, environment and exit codes, exit 0', async (name) => {
    const r = await runCli([name, '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected[name]!.usage);
    for (const o of expected[name]!.options) expect(r.stdout).toContain(o);
    expect(r.stdout).toContain('Options:');
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toMatch(/^ {2}2 +bad /m);
  });

  it('-h is --help, also after other arguments', async () => {
    const r = await runCli(['subgraph', 'golden', '-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected.subgraph!.usage);
  });

  it('help sync prints sync\'s help, not the list of commands; the list names --help', async () => {
    const help = await runCli(['help', 'sync']);
    const list = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(expected.sync!.usage);
    expect(help.stdout).toContain('--backfill');
    expect(help.stdout).not.toContain('Commands:');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('Commands:');
    expect(list.stdout).toContain('help <command>');
  });

  it('help of an unknown command exits 2', async () => {
    const r = await runCli(['help', 'frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
  });
});

describe('bad arguments exit 2 with the usage, before anything starts', () => {
  it.each([
    ['start', ['start', '--frobnicate']],
    ['sync', ['sync', '--backfill', '--frobnicate']],
    ['supergraph', ['supergraph', '--frobnicate']],
    ['subgraph', ['subgraph', 'golden', '--frobnicate']],
    ['worker', ['worker', '--frobnicate']],
    ['sandbox', ['sandbox', '--frobnicate']],
  ])('%s with an unknown option', async (name, args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--frobnicate'");
    expect(r.stderr).toContain(`Usage: customer-graph ${name}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['sandbox', '--salesforce-port', 'abc'], '--salesforce-port "abc" is not a port number'],
    [['sandbox', '--pipedrive-port', '70000'], '--pipedrive-port "70000" is not a port number'],
    [['start', '--port', 'abc'], '--port "abc" is not a port number'],
    [['subgraph', 'golden', '--port', '1.5'], '--port "1.5" is not a port number'],
  ])('%j: a port that is no port number', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('NaN');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('customer-graph start with a bad log level or a taken port', () => {
  let holder: net.Server;
  let takenPort: number;
  beforeAll(async () => {
    holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    takenPort = (holder.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => holder.close(() => r())));

  it('LOG_LEVEL=loud exits 78 (CONFIG_INVALID) naming the valid levels', async () => {
    const r = await runCli(['start'], { LOG_LEVEL: 'loud' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('CONFIG_INVALID');
    expect(r.stderr).toContain('LOG_LEVEL');
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) expect(r.stderr).toContain(level);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a taken --port exits 75 (PORT_IN_USE) naming the port and how to pick another, before a key is generated', async () => {
    const dataDir = tmp();
    const r = await runCli(['start', '--port', String(takenPort)], { HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir });
    expect(r.code).toBe(75);
    expect(r.stderr).toContain('PORT_IN_USE');
    expect(r.stderr).toContain(`Port ${takenPort} on 127.0.0.1`);
    expect(r.stderr).toContain('PORT=');
    expect(r.stderr).toContain('--port');
    expect(r.stderr).not.toContain('EADDRINUSE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
