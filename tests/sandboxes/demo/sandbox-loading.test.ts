/**
 * The demo set must load into the real sandboxes and read back through the unmodified client libraries;
 * this catches drift between the generator and the sandboxes' metadata (picklists, enums, validations).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@hubspot/api-client';
import jsforce from 'jsforce';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemoSeed, writeSeedFolder } from '../../../sandboxes/demo/index.ts';
import { startHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';

const seed = generateDemoSeed();
const dir = mkdtempSync(path.join(tmpdir(), 'demo-load-'));
writeSeedFolder(dir, seed);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading the demo set into the sandboxes', () => {
  it('Salesforce: every record loads from the seed folder and reads back through jsforce', async () => {
    const sb = await startSalesforceSandbox({ port: 0, seedDir: dir });
    try {
      const conn = new jsforce.Connection({
        loginUrl: sb.url, instanceUrl: sb.url, version: '60.0',
        oauth2: { clientId: 'customer-graph', clientSecret: 'sandbox', loginUrl: sb.url },
      });
      await conn.authorize({ grant_type: 'client_credentials' });
      for (const type of ['Contact', 'Account', 'Opportunity', 'Lead'] as const) {
        const count = await conn.query(`SELECT COUNT() FROM ${type}`);
        expect(count.totalSize, type).toBe(seed.salesforce[type].length);
      }
      const expected = seed.salesforce.Contact[0];
      if (!expected) throw new Error('no contacts');
      const got = await conn.query<Record<string, unknown>>(`SELECT Id, Email, Phone, AccountId, SystemModstamp FROM Contact WHERE Id = '${expected.Id}'`);
      expect(got.records[0]).toMatchObject({ Id: expected.Id, Email: expected.Email, Phone: expected.Phone, AccountId: expected.AccountId, SystemModstamp: expected.SystemModstamp });
    } finally {
      await sb.close();
    }
  });

  it('HubSpot: every object loads from the demo records and reads back through @hubspot/api-client', async () => {
    const sandbox = await startHubSpotSandbox({ port: 0, demoSeed: seed.hubspot });
    try {
      const client = new Client({ accessToken: sandbox.accessToken, basePath: sandbox.url });
      const expected = seed.hubspot.contacts[0];
      if (!expected) throw new Error('no contacts');
      const got = await client.crm.contacts.basicApi.getById(expected.id, ['email', 'phone', 'lastmodifieddate'], undefined, ['companies']);
      expect(got.properties).toMatchObject({ email: expected.properties.email, phone: expected.properties.phone, lastmodifieddate: expected.properties.lastmodifieddate });
      expect(got.updatedAt.toISOString()).toBe(expected.updatedAt);
      const companyIds = (got.associations?.companies?.results ?? []).map((a) => a.id);
      expect(companyIds).toContain(expected.associations?.companies?.results[0]?.id);
      const all = await client.crm.companies.getAll();
      expect(all).toHaveLength(seed.hubspot.companies.length);
    } finally {
      await sandbox.close();
    }
  });
});
