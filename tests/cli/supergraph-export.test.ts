/**
 * `customer-graph supergraph` and `customer-graph subgraph`, run as the real CLI in child processes the way an
 * operator runs them next to Apollo Router or Hive Gateway: the exported SDL is a valid supergraph with an HTTP url
 * per subgraph and nothing else on stdout; a served subgraph answers /healthz and `_service { sdl }`; a wrong name
 * is a usage error.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Supergraph } from '@apollo/federation-internals';
import { buildSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createFreshDatabase } from '../support/test-database.ts';

const cli = path.resolve('bin/customer-graph.js');
const drops: (() => Promise<void>)[] = [];

/** A fresh world per run: its own data folder (or Postgres database), sandboxes on free ports. */
async function cliEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    CUSTOMER_GRAPH_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'cg-export-')),
    CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0',
    CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0',
    CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: '0',
    CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: '0',
    CUSTOMER_GRAPH_DEMO_ZOHO_PORT: '0',
    CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
    LOG_LEVEL: 'error',
    ...extra,
  };
  if (process.env.DATABASE_URL) {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL);
    drops.push(() => fresh.drop());
    env.DATABASE_URL = fresh.url;
    env.CUSTOMER_GRAPH_SECRET_KEY = crypto.randomBytes(32).toString('base64');
  }
  return env;
}

function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 170_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

afterAll(async () => {
  for (const drop of drops) await drop();
});

describe('customer-graph supergraph', () => {
  it('prints a valid supergraph with an HTTP url per subgraph, --url overriding the convention, and only that on stdout', async () => {
    // LOG_LEVEL=info on purpose: the logs must land on stderr, or the SDL below would not parse.
    const env = await cliEnv({ LOG_LEVEL: 'info' });
    const r = await runCli(['supergraph', '--url', 'golden=http://golden.internal:9000/graphql'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('demo CRM sandboxes started');

    buildSchema(r.stdout); // plain graphql-js accepts it
    const supergraph = Supergraph.build(r.stdout, { validateSupergraph: true });
    const urls = Object.fromEntries(supergraph.subgraphsMetadata().map((s) => [s.name, s.url]));
    expect(urls).toEqual({
      identity: 'http://localhost:4201/graphql',
      golden: 'http://golden.internal:9000/graphql',
      salesforce: 'http://localhost:4203/graphql',
      hubspot: 'http://localhost:4204/graphql',
      pipedrive: 'http://localhost:4205/graphql',
      dynamics: 'http://localhost:4206/graphql',
      zoho: 'http://localhost:4207/graphql',
    });
    expect(r.stdout).toMatch(/enum join__Graph \{[^}]*IDENTITY @join__graph\(name: "identity", url: "http:\/\/localhost:4201\/graphql"\)/);
    // The subgraphs extracted back from it are the ones the product composes: golden fields and native objects.
    const subgraphs = supergraph.subgraphs();
    expect(subgraphs.get('golden')!.schema.type('Customer')?.toString()).toBe('Customer');
    expect(subgraphs.get('salesforce')!.schema.type('SalesforceContact')).toBeDefined();
    expect(subgraphs.get('hubspot')!.schema.type('HubSpotContact')).toBeDefined();
    expect(subgraphs.get('zoho')!.schema.type('ZohoContact')).toBeDefined();
    const api = supergraph.apiSchema();
    expect(api.schemaDefinition.rootType('query')!.field('customers')).toBeDefined();
  }, 180_000);

  it('refuses a malformed --url before starting anything (exit 2)', async () => {
    const r = await runCli(['supergraph', '--url', 'golden'], await cliEnv(), 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not NAME=URL');
    expect(r.stdout).toBe('');
  }, 70_000);
});

describe('customer-graph subgraph', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves a subgraph over HTTP with /healthz and _service { sdl } until SIGTERM, then exits 0', async () => {
    const env = await cliEnv();
    child = spawn(process.execPath, [cli, 'subgraph', 'golden', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child!.stdout! });
      lines.on('line', (line) => {
        const m = /^golden subgraph is ready: (\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);

    const health = await fetch(url.replace(/\/graphql$/, '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', subgraph: 'golden' });

    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
    const body = (await res.json()) as { data: { _service: { sdl: string } } };
    expect(body.data._service.sdl).toContain('type Customer');
    expect(body.data._service.sdl).toMatch(/email: String @requires\(fields: "/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 180_000);

  it('rejects an unknown subgraph name with exit 2 and the list of names, before starting anything', async () => {
    const r = await runCli(['subgraph', 'freshsales'], await cliEnv(), 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown subgraph "freshsales"');
    expect(r.stderr).toContain('identity, golden, salesforce, hubspot, pipedrive, dynamics, zoho');
  }, 70_000);
});
