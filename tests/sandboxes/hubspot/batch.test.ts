import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@hubspot/api-client';
import type { RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import { apiError, control, startSandbox } from './helpers.ts';

let sandbox: RunningHubSpotSandbox;
let client: Client;

beforeAll(async () => {
  ({ sandbox, client } = await startSandbox());
});
afterAll(() => sandbox.close());

describe('HubSpot sandbox: batch API through @hubspot/api-client', () => {
  it('batch creates (201), reads with missing ids (207), updates (200) and archives (204)', async () => {
    const created = await client.crm.contacts.batchApi.create({
      inputs: [
        { properties: { email: 'a@batch.test', firstname: 'A' }, associations: [] },
        { properties: { email: 'b@batch.test', firstname: 'B' }, associations: [] },
      ],
    });
    expect(created.status).toBe('COMPLETE');
    expect(created.results.map((r) => r.properties.email).sort()).toEqual(['a@batch.test', 'b@batch.test']);
    const ids = created.results.map((r) => r.id);

    const read = await client.crm.contacts.batchApi.read({ inputs: [{ id: ids[0]! }, { id: '987654' }], properties: ['firstname'], propertiesWithHistory: [] });
    expect(read.results.map((r) => r.id)).toEqual([ids[0]]);
    expect('numErrors' in read && read.numErrors).toBe(1);
    const errors = (read as { errors?: { category: string; context: Record<string, string[]> }[] }).errors!;
    expect(errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['987654'] } });

    const byEmail = await client.crm.contacts.batchApi.read({ idProperty: 'email', inputs: [{ id: 'b@batch.test' }], properties: ['email'], propertiesWithHistory: [] });
    expect(byEmail.results[0]!.id).toBe(ids[1]);

    const updated = await client.crm.contacts.batchApi.update({ inputs: [{ id: ids[0]!, properties: { jobtitle: 'CEO' } }, { id: ids[1]!, properties: { jobtitle: 'CFO' } }] });
    expect(updated.results.map((r) => r.properties.jobtitle).sort()).toEqual(['CEO', 'CFO']);

    const partial = await client.crm.contacts.batchApi.update({ inputs: [{ id: ids[0]!, properties: { city: 'Paris' } }, { id: '424242', properties: { city: 'Rome' } }] });
    expect(partial.results).toHaveLength(1);
    expect((partial as { numErrors?: number }).numErrors).toBe(1);

    await client.crm.contacts.batchApi.archive({ inputs: [{ id: ids[0]! }, { id: ids[1]! }] });
    const after = await client.crm.contacts.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] });
    expect(after.results).toHaveLength(0);
  });

  it('batch create is all-or-nothing without objectWriteTraceId and partial (207) with it', async () => {
    const before = (await client.crm.contacts.getAll(100)).length;
    const err = await apiError(client.crm.contacts.batchApi.create({
      inputs: [{ properties: { email: 'ok@trace.test' }, associations: [] }, { properties: { email: 'broken' }, associations: [] }],
    }));
    expect(err.code).toBe(400);
    expect(err.body.category).toBe('VALIDATION_ERROR');
    expect((await client.crm.contacts.getAll(100)).length).toBe(before);

    const partial = await client.crm.contacts.batchApi.create({
      inputs: [
        { properties: { email: 'ok@trace.test' }, associations: [], objectWriteTraceId: 't1' },
        { properties: { email: 'broken' }, associations: [], objectWriteTraceId: 't2' },
      ] as never,
    });
    expect(partial.results).toHaveLength(1);
    expect(partial.results[0]!.objectWriteTraceId).toBe('t1');
    const errors = (partial as { errors?: { context: Record<string, string[]> }[] }).errors!;
    expect(errors[0]!.context.objectWriteTraceId).toEqual(['t2']);
  });

  it('batch upsert by email creates and updates, flagging new records', async () => {
    const existing = await client.crm.contacts.basicApi.create({ properties: { email: 'up@x.test', firstname: 'Old' }, associations: [] });
    const res = await client.crm.contacts.batchApi.upsert({
      inputs: [
        { idProperty: 'email', id: 'up@x.test', properties: { firstname: 'New' } },
        { idProperty: 'email', id: 'fresh@x.test', properties: { firstname: 'Fresh' } },
      ],
    });
    const byEmail = Object.fromEntries(res.results.map((r) => [r.properties.email, r]));
    expect(byEmail['up@x.test']!._new).toBe(false);
    expect(byEmail['up@x.test']!.id).toBe(existing.id);
    expect(byEmail['up@x.test']!.properties.firstname).toBe('New');
    expect(byEmail['fresh@x.test']!._new).toBe(true);
    const bad = await apiError(client.crm.contacts.batchApi.upsert({ inputs: [{ idProperty: 'firstname', id: 'x', properties: {} }] }));
    expect(bad.code).toBe(400);
  });

  it('refuses more than 100 inputs with VALIDATION_ERROR', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(i + 1) }));
    const err = await apiError(client.crm.contacts.batchApi.read({ inputs, properties: [], propertiesWithHistory: [] }));
    expect(err.code).toBe(400);
    expect(err.body.category).toBe('VALIDATION_ERROR');
  });

  it('writes one ledger entry per record written', async () => {
    await control(sandbox, 'DELETE', '/ledger');
    const res = await client.crm.companies.batchApi.create({ inputs: [1, 2, 3].map((i) => ({ properties: { name: `L${i}` }, associations: [] })) });
    const ledger = await control(sandbox, 'GET', '/ledger');
    expect(ledger.entries).toHaveLength(3);
    expect(ledger.entries.map((e: { recordId: string }) => e.recordId).sort()).toEqual(res.results.map((r) => r.id).sort());
    expect(ledger.entries[0]).toMatchObject({ objectType: 'companies', operation: 'create', route: 'POST /crm/v3/objects/companies/batch/create' });
  });
});
