/** The first README command's promise: the server starts on embedded defaults, answers `{ __typename }` and /healthz. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../cli/app.ts';
import type { RunningApp } from '../../cli/app.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';

describe('gateway on embedded defaults', () => {
  let app: RunningApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-start-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir, ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') } : {}) });
    app = await startApp(config, createLogger('test', 'silent'));
  });
  afterAll(async () => app?.close());

  it('answers /healthz with 200 once ready', async () => {
    const res = await fetch(`${app.server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers { __typename } at /graphql through the federation gateway', async () => {
    const res = await fetch(`${app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('generates the embedded secret key into the data folder when none is configured', () => {
    if (process.env.DATABASE_URL) return expect(app.cipher.currentKeyId).toHaveLength(8);
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(true);
  });

  it('answers a malformed paging argument with BAD_USER_INPUT', async () => {
    const res = await fetch(`${app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ customers(first: -1) { totalCount } }' }) });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('GraphQL IDE', () => {
  let app: RunningApp;
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-ide-'));
    app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir, CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'), ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) }), createLogger('test', 'silent'));
  });
  afterAll(async () => app?.close());

  it('serves the IDE page and its bundled assets from this server, with no CDN reference', async () => {
    const res = await fetch(`${app.server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('renderYogaGraphiQL');
    expect(html).toContain('query WhoWonEachField');
    const external = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(external.length).toBeGreaterThan(0);
    for (const url of external) {
      expect(url.startsWith('/')).toBe(true);
      const asset = await fetch(`${app.server.url}${url}`);
      expect(asset.status).toBe(200);
    }
  });
});
