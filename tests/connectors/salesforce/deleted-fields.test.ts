/**
 * A custom field deleted in Salesforce after the connector took its describe: the held describe still lists it,
 * so the first read naming it fails with INVALID_FIELD. The connector then describes the object once more and
 * reads again without the field, in fetchByIds, pageRecords and readChanges, and a burst of such reads costs one
 * describe. Errors a fresh describe cannot cure (malformed queries, bad relationship paths) are not retried.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceConnector } from '../../../connectors/salesforce/index.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import {
  QUERY_ALL_ROUTE, QUERY_ROUTE, addCustomField, collect, connectorFor, contacts, failureOf, resetStats, setFaults, startSandbox, stats,
} from './helpers.ts';

const DESCRIBE_ROUTE = 'GET /services/data/vXX.X/sobjects/Contact/describe';
const FIELDS = ['LastName', 'Tier__c'];

let sb: SalesforceSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function deleteField(s: SalesforceSandbox, object: string, name: string): Promise<void> {
  const res = await fetch(`${s.url}/_sandbox/salesforce/fields/${object}/${name}`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`delete field: ${res.status} ${await res.text()}`);
}

/**
 * A sandbox with three contacts carrying Tier__c = 'Gold', a connector holding a Contact describe that lists the
 * field (a read naming it returns it), and then the field deleted in the org behind the connector's back.
 */
async function heldDescribeOfDeletedField(): Promise<{ s: SalesforceSandbox; connector: SalesforceConnector; ids: string[] }> {
  const s = await startSandbox({ demoSeed: { Contact: contacts(3) } });
  sb = s;
  const connector = connectorFor(s);
  await addCustomField(s, { object: 'Contact', name: 'Tier', type: 'string' });
  const ids = s.store.all('Contact').map((r) => r.Id);
  const written = await connector.updateMany('Contact', ids.map((id) => ({ id, fields: { Tier__c: 'Gold' } })));
  expect(written.filter((w) => !w.ok)).toEqual([]);
  await connector.describeObjects(['Contact']);
  const before = await connector.fetchByIds('Contact', ids, { fields: FIELDS });
  expect(before.get(ids[0]!)?.fields).toMatchObject({ LastName: 'Seed00000', Tier__c: 'Gold' });

  await deleteField(s, 'Contact', 'Tier__c');
  await resetStats(s);
  return { s, connector, ids };
}

describe('Salesforce connector: a field deleted after the held describe', () => {
  it('fetchByIds succeeds without it, at the cost of one describe; the next read needs none', async () => {
    const { s, connector, ids } = await heldDescribeOfDeletedField();
    const found = await connector.fetchByIds('Contact', ids, { fields: FIELDS });
    expect(found.size).toBe(3);
    const record = found.get(ids[0]!)!;
    expect(record.fields).toHaveProperty('LastName', 'Seed00000');
    expect(record.fields).not.toHaveProperty('Tier__c');
    expect((await stats(s)).routes).toMatchObject({ [DESCRIBE_ROUTE]: 1, [QUERY_ROUTE]: 2 });

    await resetStats(s);
    await connector.fetchByIds('Contact', ids, { fields: FIELDS });
    const after = await stats(s);
    expect(after.routes[DESCRIBE_ROUTE]).toBeUndefined();
    expect(after.routes[QUERY_ROUTE]).toBe(1);
  });

  it('fetchByIds without a field list (every field of the held describe) recovers the same way', async () => {
    const { s, connector, ids } = await heldDescribeOfDeletedField();
    const record = (await connector.fetchByIds('Contact', [ids[0]!])).get(ids[0]!)!;
    expect(record.fields).toHaveProperty('LastName', 'Seed00000');
    expect(record.fields).not.toHaveProperty('Tier__c');
    expect((await stats(s)).routes[DESCRIBE_ROUTE]).toBe(1);
  });

  it('pageRecords reads every page without it, at the cost of one describe', async () => {
    const { s, connector, ids } = await heldDescribeOfDeletedField();
    const pages = await collect(connector.pageRecords('Contact', { fields: FIELDS }));
    const records = pages.flat();
    expect(records.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of records) expect(Object.keys(r.fields).sort()).toEqual(['Id', 'LastName', 'SystemModstamp']);
    expect((await stats(s)).routes).toMatchObject({ [DESCRIBE_ROUTE]: 1, [QUERY_ROUTE]: 2 });
  });

  it('readChanges delivers the changes without it, at the cost of one describe', async () => {
    const { s, connector, ids } = await heldDescribeOfDeletedField();
    const batches = await collect(connector.readChanges('Contact', null, { fields: FIELDS }));
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of records) expect(r.fields).not.toHaveProperty('Tier__c');
    expect(batches.at(-1)?.cursor).toBeTruthy();
    expect((await stats(s)).routes).toMatchObject({ [DESCRIBE_ROUTE]: 1, [QUERY_ALL_ROUTE]: 2 });
  });

  it('many reads failing at once share one describe', async () => {
    const { s, connector, ids } = await heldDescribeOfDeletedField();
    const fetches = Array.from({ length: 6 }, () => connector.fetchByIds('Contact', ids, { fields: FIELDS }));
    const [found, pages, batches] = await Promise.all([
      Promise.all(fetches),
      collect(connector.pageRecords('Contact', { fields: FIELDS })),
      collect(connector.readChanges('Contact', null, { fields: FIELDS })),
    ]);
    expect(found.every((m) => m.size === 3)).toBe(true);
    expect(pages.flat()).toHaveLength(3);
    expect(batches.flatMap((b) => b.records)).toHaveLength(3);
    expect((await stats(s)).routes[DESCRIBE_ROUTE]).toBe(1);
  });

  it('when the describe fails too, the read fails with its own INVALID_FIELD', async () => {
    const { s, connector, ids } = await heldDescribeOfDeletedField();
    await setFaults(s, [{ kind: 'server-error', rate: 1, match: '/describe$' }]);
    const err = await failureOf(connector.fetchByIds('Contact', ids, { fields: FIELDS }));
    expect(err).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_FIELD' } });
    expect((await stats(s)).routes[QUERY_ROUTE]).toBe(1);
  });
});

describe('Salesforce connector: query errors a fresh describe cannot cure', () => {
  it('a malformed query (MALFORMED_QUERY) is not retried and costs no describe', async () => {
    const s = await startSandbox({ demoSeed: { Contact: contacts(2) } });
    sb = s;
    // No describe held: the field list goes to Salesforce as given, and `FROM` as a field breaks the SOQL.
    const connector = connectorFor(s);
    const id = s.store.all('Contact')[0]!.Id;
    await connector.latestChangeAt('Contact'); // takes the token
    await resetStats(s);
    const fetchErr = await failureOf(connector.fetchByIds('Contact', [id], { fields: ['LastName', 'FROM'] }));
    expect(fetchErr).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'MALFORMED_QUERY' } });
    const pageErr = await failureOf(collect(connector.pageRecords('Contact', { fields: ['LastName', 'FROM'] })));
    expect(pageErr).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'MALFORMED_QUERY' } });
    const changeErr = await failureOf(collect(connector.readChanges('Contact', null, { fields: ['LastName', 'FROM'] })));
    expect(changeErr).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'MALFORMED_QUERY' } });
    expect((await stats(s)).routes).toEqual({ [QUERY_ROUTE]: 2, [QUERY_ALL_ROUTE]: 1 });
  });

  it('an unknown relationship path fails with INVALID_FIELD after one describe that changes nothing, and is not re-read', async () => {
    const s = await startSandbox({ demoSeed: { Contact: contacts(2) } });
    sb = s;
    const connector = connectorFor(s);
    await connector.describeObjects(['Contact']);
    const id = s.store.all('Contact')[0]!.Id;
    await resetStats(s);
    const err = await failureOf(connector.fetchByIds('Contact', [id], { fields: ['LastName', 'Nope__r.Name'] }));
    expect(err).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_FIELD' } });
    expect((await stats(s)).routes).toEqual({ [QUERY_ROUTE]: 1, [DESCRIBE_ROUTE]: 1 });
  });

  it('before any describe is held, a named field the object lacks is found out by one describe and read as missing', async () => {
    const s = await startSandbox({ demoSeed: { Contact: contacts(2) } });
    sb = s;
    const connector = connectorFor(s);
    const id = s.store.all('Contact')[0]!.Id;
    const record = (await connector.fetchByIds('Contact', [id], { fields: ['LastName', 'Never_There__c'] })).get(id)!;
    expect(record.fields).toHaveProperty('LastName', 'Seed00000');
    expect(record.fields).not.toHaveProperty('Never_There__c');
    expect((await stats(s)).routes[DESCRIBE_ROUTE]).toBe(1);
  });
});
