/**
 * Bulk writes of the Salesforce connector through sObject Collections on the sandbox: one result per input in
 * input order, per-record failures mapped from `statusCode`, ≤200 records per call, and a failed chunk failing
 * only its own items.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assertAllSucceeded } from '../../../connectors/runtime/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { connectorFor, contacts, resetStats, setFaults, startSandbox, stats } from './helpers.ts';

let sb: SalesforceSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const COLLECTIONS = 'composite/sobjects';
const route = (method: string, suffix = '') => `${method} /services/data/vXX.X/${COLLECTIONS}${suffix}`;

describe('Salesforce connector: writes', () => {
  it('createMany: per-record validation failure in input order, the others created', async () => {
    sb = await startSandbox();
    const connector = connectorFor(sb);
    const results = await connector.createMany('Contact', [
      { fields: { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.test' } },
      { fields: { FirstName: 'No last name' } },
      { fields: { LastName: 'Hopper', Email: 'not an email' } },
      { fields: { LastName: 'Turing' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'CRM_VALIDATION', crm: 'salesforce', details: { nativeCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] } } });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_EMAIL_ADDRESS' } } });
    const created = results.filter((r) => r.ok).map((r) => (r as { id: string }).id);
    expect(created.map((id) => sb!.store.get('Contact', id)?.LastName)).toEqual(['Lovelace', 'Turing']);
    expect(sb.store.all('Contact')).toHaveLength(2);
    expect(() => assertAllSucceeded('salesforce', results)).toThrow(expect.objectContaining({ code: 'CRM_PARTIAL_FAILURE' }));
  });

  it('createMany: a duplicate unique value is CRM_CONFLICT; allOrNone rolls the whole batch back', async () => {
    sb = await startSandbox();
    const connector = connectorFor(sb);
    const dup = await connector.createMany('Contact', [
      { fields: { LastName: 'A', External_Id__c: 'X-1' } },
      { fields: { LastName: 'B', External_Id__c: 'X-1' } },
    ]);
    expect(dup[0]!.ok).toBe(true);
    expect(dup[1]).toMatchObject({ ok: false, error: { code: 'CRM_CONFLICT', details: { nativeCode: 'DUPLICATE_VALUE' } } });
    const rolledBack = await connector.createMany('Contact', [{ fields: { LastName: 'C' } }, { fields: { FirstName: 'no last name' } }], { allOrNone: true });
    expect(rolledBack.every((r) => !r.ok)).toBe(true);
    expect(sb.store.all('Contact')).toHaveLength(1);
  });

  it('450 creates are three collection calls of at most 200, results in input order', async () => {
    sb = await startSandbox();
    const connector = connectorFor(sb);
    await connector.describeObjects(['Contact']);
    await resetStats(sb);
    const items = Array.from({ length: 450 }, (_, i) => ({ fields: { LastName: `Bulk${i}` } }));
    const results = await connector.createMany('Contact', items);
    expect((await stats(sb)).routes[route('POST')]).toBe(3);
    expect(results).toHaveLength(450);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => sb!.store.get('Contact', (r as { id: string }).id)?.LastName)).toEqual(items.map((i) => i.fields.LastName));
  });

  it('updateMany and upsertMany (external id) report ids, failures and created flags in input order', async () => {
    sb = await startSandbox({ demoSeed: { Contact: [{ LastName: 'Existing', External_Id__c: 'E-1' }, { LastName: 'Other' }] } });
    const connector = connectorFor(sb);
    const [existing, other] = sb.store.all('Contact').map((r) => r.Id);
    const updated = await connector.updateMany('Contact', [
      { id: existing!, fields: { Title: 'CTO' } },
      { id: other!, fields: { Email: 'broken' } },
    ]);
    expect(updated[0]).toEqual({ ok: true, id: existing });
    expect(updated[1]).toMatchObject({ ok: false, id: other, error: { code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_EMAIL_ADDRESS' } } });
    expect(sb.store.get('Contact', existing!)?.Title).toBe('CTO');

    const upserted = await connector.upsertMany('Contact', [
      { externalId: 'E-1', fields: { Title: 'CEO' } },
      { externalId: 'E-2', fields: { LastName: 'Brand new' } },
      { externalId: 'E-3', fields: { FirstName: 'missing last name' } },
    ], { externalIdField: 'External_Id__c' });
    expect(upserted[0]).toEqual({ ok: true, id: existing, created: false });
    expect(upserted[1]).toMatchObject({ ok: true, created: true });
    expect(upserted[2]).toMatchObject({ ok: false, error: { code: 'CRM_VALIDATION' } });
    expect(sb.store.get('Contact', existing!)?.Title).toBe('CEO');
  });

  it('deleteMany: deleted, already deleted counts as done, malformed id fails alone', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(3) } });
    const connector = connectorFor(sb);
    const [a, b, c] = sb.store.all('Contact').map((r) => r.Id);
    expect((await connector.deleteMany('Contact', [a!]))[0]).toEqual({ ok: true, id: a });
    const results = await connector.deleteMany('Contact', [b!, 'garbage-id', a!, c!.slice(0, 15)]);
    expect(results[0]).toEqual({ ok: true, id: b });
    expect(results[1]).toMatchObject({ ok: false, id: 'garbage-id', error: { code: 'CRM_VALIDATION', details: { nativeCode: 'MALFORMED_ID' } } });
    expect(results[2]).toEqual({ ok: true, id: a });
    expect(results[3]).toMatchObject({ ok: true });
    expect(sb.store.all('Contact')).toHaveLength(0);
    expect(sb.store.all('Contact', { includeDeleted: true })).toHaveLength(3);
  });

  it('partial batch failure: a chunk the CRM keeps failing fails only its own items', async () => {
    sb = await startSandbox({ demoSeed: { Contact: contacts(250) } });
    const connector = connectorFor(sb);
    const ids = sb.store.all('Contact').map((r) => r.Id);
    await connector.describeObjects(['Contact']);
    // Every PATCH after the first answers 503: the second chunk fails all its attempts.
    await setFaults(sb, [{ kind: 'server-error', match: '^PATCH /services/data/v[0-9.]+/composite/sobjects$', schedule: [2, 3, 4, 5, 6] }]);
    await resetStats(sb);
    const results = await connector.updateMany('Contact', ids.map((id) => ({ id, fields: { Title: 'Updated' } })));
    expect(results.slice(0, 200).every((r) => r.ok)).toBe(true);
    const failed = results.slice(200);
    expect(failed).toHaveLength(50);
    for (const r of failed) expect(r).toMatchObject({ ok: false, error: { code: 'CRM_UNAVAILABLE', crm: 'salesforce' } });
    // 1 call for the first chunk, 3 attempts (our retry policy) for the second: jsforce retried nothing itself.
    expect((await stats(sb)).routes[route('PATCH')]).toBe(4);
    expect(sb.store.all('Contact').filter((r) => r.Title === 'Updated')).toHaveLength(200);
  });
});
