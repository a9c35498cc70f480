import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { control, startSandbox } from './helpers.ts';

let dir: string;

async function seedFolder(name: string, files: Record<string, unknown>): Promise<string> {
  const root = path.join(dir, name);
  await mkdir(path.join(root, 'hubspot'), { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    await writeFile(path.join(root, 'hubspot', file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const companies = [{ id: '9001', properties: { name: 'Acme', domain: 'acme.test' }, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-03-01T00:00:00.000Z', archived: false }];
const contacts = [
  {
    id: '51',
    properties: { email: 'ada@acme.test', firstname: 'Ada', lastmodifieddate: '2024-05-02T08:00:00.000Z', createdate: '2024-05-01T12:00:00.000Z', favourite_food: 'cake' },
    associations: { companies: { results: [{ id: '9001', type: 'contact_to_company' }] } },
  },
  { id: '52', properties: { email: 'gone@acme.test' }, archived: true },
];
const deals = [{ id: '700', properties: { dealname: 'Acme renewal', amount: 5000, dealstage: 'contractsent' }, associations: [{ to: { id: '9001' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] }] }];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hubspot-seed-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('HubSpot sandbox: seeding and the control plane', () => {
  it('seeds from a folder with ids, timestamps and associations preserved', async () => {
    const seedDir = await seedFolder('good', { 'contacts.json': contacts, 'companies.json': companies, 'deals.json': deals });
    const { sandbox, client } = await startSandbox({ seedDir });
    try {
      const ada = await client.crm.contacts.basicApi.getById('51', ['email', 'favourite_food'], undefined, ['companies']);
      expect(ada.properties).toMatchObject({ email: 'ada@acme.test', favourite_food: 'cake', lastmodifieddate: '2024-05-02T08:00:00.000Z', createdate: '2024-05-01T12:00:00.000Z', hs_object_id: '51' });
      expect(ada.updatedAt.toISOString()).toBe('2024-05-02T08:00:00.000Z');
      expect(ada.associations!.companies!.results.map((r) => r.type).sort()).toEqual(['contact_to_company', 'contact_to_company_unlabeled']);
      expect((await client.crm.contacts.getAll()).map((c) => c.id)).toEqual(['51']);
      const deal = await client.crm.deals.basicApi.getById('700', ['amount', 'hs_deal_stage_probability']);
      expect(deal.properties).toMatchObject({ amount: '5000', hs_deal_stage_probability: '0.9' });
      const dealCompanies = await client.crm.associations.v4.basicApi.getPage('deals', '700', 'companies');
      expect(dealCompanies.results[0]!.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([5, 341]);
      // New ids continue after the seeded ones; seeding wrote nothing to the ledger.
      const created = await client.crm.contacts.basicApi.create({ properties: { email: 'new@acme.test' }, associations: [] });
      expect(Number(created.id)).toBeGreaterThan(9001);
      const ledger = await control(sandbox, 'GET', '/ledger');
      expect(ledger.entries.map((e: { recordId: string }) => e.recordId)).toEqual([created.id]);
    } finally {
      await sandbox.close();
    }
  });

  it('stops the start with the file name and record index of a malformed seed', async () => {
    const badRecord = await seedFolder('bad-record', { 'contacts.json': [contacts[0], { id: 'abc', properties: {} }] });
    await expect(startHubSpotSandbox({ seedDir: badRecord })).rejects.toThrow(/contacts\.json, record 1: "id" must be a numeric string/);
    const badEmail = await seedFolder('bad-email', { 'contacts.json': [{ id: '1', properties: { email: 'nope' } }] });
    await expect(startHubSpotSandbox({ seedDir: badEmail })).rejects.toThrow(/contacts\.json, record 0: property email: Email address nope is invalid/);
    const badJson = await seedFolder('bad-json', { 'deals.json': '[{"id": "1",' });
    await expect(startHubSpotSandbox({ seedDir: badJson })).rejects.toThrow(/deals\.json is not valid JSON/);
    const badAssoc = await seedFolder('bad-assoc', { 'deals.json': [{ id: '3', properties: {}, associations: { companies: { results: [{ id: '404' }] } } }] });
    await expect(startHubSpotSandbox({ seedDir: badAssoc })).rejects.toThrow(/deals\.json, record 0: associated companies 404 does not exist/);
  });

  it('reports stats per route, resets them, and reloads a seed folder through POST /_sandbox/reset', async () => {
    const { sandbox, client } = await startSandbox({ demoSeed: { companies } });
    try {
      await client.crm.companies.basicApi.getById('9001');
      await client.crm.companies.basicApi.getById('9001');
      await client.crm.companies.basicApi.getPage();
      const stats = await control(sandbox, 'GET', '/stats');
      expect(stats.routes).toMatchObject({ 'GET /crm/v3/objects/companies/:id': 2, 'GET /crm/v3/objects/companies': 1 });
      expect(stats.total).toBe(3);
      await control(sandbox, 'POST', '/stats/reset');
      expect((await control(sandbox, 'GET', '/stats')).total).toBe(0);

      const seedDir = await seedFolder('reset', { 'contacts.json': [contacts[0]], 'companies.json': companies });
      expect(await control(sandbox, 'POST', '/reset', { seedDir })).toEqual({ ok: true });
      expect((await client.crm.contacts.getAll()).map((c) => c.id)).toEqual(['51']);
      // A malformed folder is refused and the running data stays.
      const broken = await seedFolder('reset-broken', { 'contacts.json': '{}' });
      const refused = await control(sandbox, 'POST', '/reset', { seedDir: broken });
      expect(refused.error).toMatch(/contacts\.json must hold a JSON array/);
      expect((await client.crm.contacts.getAll()).map((c) => c.id)).toEqual(['51']);
      // Without a folder, reset goes back to the start-time seed.
      await control(sandbox, 'POST', '/reset', {});
      expect(await client.crm.contacts.getAll()).toEqual([]);
      expect((await client.crm.companies.getAll()).map((c) => c.id)).toEqual(['9001']);
    } finally {
      await sandbox.close();
    }
  });

  it('records the writes of every endpoint in the ledger and survives a reset-after-write fault', async () => {
    const { sandbox, client } = await startSandbox();
    try {
      const c = await client.crm.contacts.basicApi.create({ properties: { email: 'l@x.test' }, associations: [] });
      await client.crm.contacts.basicApi.update(c.id, { properties: { firstname: 'L' } });
      await client.crm.contacts.basicApi.archive(c.id);
      await control(sandbox, 'PUT', '/faults', [{ kind: 'reset-after-write', schedule: [1] }]);
      await expect(client.crm.contacts.basicApi.create({ properties: { email: 'applied@x.test' }, associations: [] })).rejects.toThrow();
      const ledger = await control(sandbox, 'GET', '/ledger');
      expect(ledger.entries.map((e: { operation: string }) => e.operation)).toEqual(['create', 'update', 'delete', 'create']);
      expect(ledger.entries[1]).toMatchObject({ method: 'PATCH', route: 'PATCH /crm/v3/objects/contacts/:id', recordId: c.id, fields: { firstname: 'L' } });
      const applied = await client.crm.contacts.basicApi.getById('applied@x.test', undefined, undefined, undefined, false, 'email');
      expect(applied.properties.email).toBe('applied@x.test');
    } finally {
      await sandbox.close();
    }
  });
});
