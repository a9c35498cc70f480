/** The first README command's promise: the server starts on embedded defaults, answers `{ __typename }` and /healthz. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

describe('gateway with no CRM configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ demo: false });
  });
  afterAll(async () => t?.close());

  it('answers /healthz with 200 once ready', async () => {
    const res = await fetch(`${t.app.server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers { __typename } at /graphql through the federation gateway', async () => {
    const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers a malformed paging argument with BAD_USER_INPUT', async () => {
    const body = await t.gql('{ customers(first: -1) { totalCount } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves the IDE page and its bundled assets from this server, with no CDN reference', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('renderYogaGraphiQL');
    expect(html).toContain('query WhoWonEachField');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      expect((await fetch(`${t.app.server.url}${asset}`)).status).toBe(200);
    }
  });
});

describe('embedded secret key', () => {
  it.skipIf(Boolean(process.env.DATABASE_URL))('is generated into the data folder when none is configured, and said so', async () => {
    const t = await startTestApp({ demo: false, config: { CUSTOMER_GRAPH_SECRET_KEY: '' } });
    try {
      expect(fs.existsSync(path.join(t.dataDir, 'secret.key'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});
