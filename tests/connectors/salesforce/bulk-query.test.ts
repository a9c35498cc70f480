/**
 * Full reads through Bulk API 2.0 query jobs, against the real sandbox over HTTP with the real connector: the same
 * records and typed values as REST paging, the calls each way, deleted records, the threshold, a failed job, an
 * abort, an org without Bulk (REST fallback) and a field deleted since the held describe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import type { NativeRecord } from '../../../connectors/contract/index.ts';
import type { SalesforceConnectorOptions } from '../../../connectors/salesforce/index.ts';
import { bulkValue } from '../../../connectors/salesforce/bulk-query.ts';
import { checksum } from '../../../sandboxes/salesforce/ids.ts';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { QUERY_ALL_ROUTE, QUERY_MORE_ROUTE, QUERY_ROUTE, addCustomField, collect, connectorFor, failureOf, resetStats, startSandbox, stats } from './helpers.ts';

const JOBS = 'POST /services/data/vXX.X/jobs/query';
const JOB_STATUS = 'GET /services/data/vXX.X/jobs/query/:id';
const JOB_RESULTS = 'GET /services/data/vXX.X/jobs/query/:id/results';
const JOB_DELETE = 'DELETE /services/data/vXX.X/jobs/query/:id';
const JOB_ABORT = 'PATCH /services/data/vXX.X/jobs/query/:id';
const FAST_POLL: Partial<SalesforceConnectorOptions> = { bulkPollMs: { min: 5, max: 20 } };

let sb: SalesforceSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const accountId = (i: number) => {
  const id15 = `0015Sb${String(i).padStart(9, '0')}`;
  return id15 + checksum(id15);
};

/** `n` contacts whose values exercise the CSV: nulls, booleans, numbers, dates, quotes, commas, line breaks, parents. */
function people(n: number, deletedEvery = 0): { Account: object[]; Contact: object[] } {
  const Account = Array.from({ length: 20 }, (_, i) => ({ Id: accountId(i), Name: i === 3 ? 'Acme, "Intl"' : `Company ${i}`, NumberOfEmployees: i * 10 }));
  const Contact = Array.from({ length: n }, (_, i) => ({
    FirstName: i % 9 === 0 ? null : `F${i}`,
    LastName: `Person${String(i).padStart(5, '0')}`,
    Email: `p${i}@example.test`,
    AccountId: i % 25 < 20 ? accountId(i % 25) : null,
    HasOptedOutOfEmail: i % 3 === 0,
    ...(i % 7 === 0 ? { Birthdate: '1980-02-29' } : {}),
    ...(i % 11 === 0 ? { Description: `said "hi", then\nleft; line ${i}` } : {}),
    ...(i % 4 === 0 ? {} : { Score__c: i * 1.5, Visits__c: i % 50 }),
    ...(deletedEvery && i % deletedEvery === 0 ? { IsDeleted: true } : {}),
  }));
  return { Account, Contact };
}

/** A sandbox holding `n` contacts with the custom fields Score__c (double) and Visits__c (int). */
async function seeded(n: number, deletedEvery = 0): Promise<SalesforceSandbox> {
  const sandbox = await startSandbox({ empty: true, demoSeed: people(n, deletedEvery) });
  await addCustomField(sandbox, { object: 'Contact', name: 'Score', type: 'double', label: 'Score', precision: 10, scale: 2 });
  await addCustomField(sandbox, { object: 'Contact', name: 'Visits', type: 'int', label: 'Visits' });
  // The demo seed loads now that its custom fields exist.
  const res = await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
  return sandbox;
}

const byId = (pages: NativeRecord[][]) => pages.flat().sort((a, b) => (a.id < b.id ? -1 : 1));

async function bulkSwitch(sandbox: SalesforceSandbox, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandbox.url}/_sandbox/salesforce/bulk`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

/** The job delete is sent without waiting for it: read the stats once it has landed. */
async function statsAfterDelete(sandbox: SalesforceSandbox): Promise<Record<string, number>> {
  for (let i = 0; i < 500; i++) {
    const { routes } = await stats(sandbox);
    if (routes[JOB_DELETE]) return routes;
    await new Promise((r) => setTimeout(r, 20));
  }
  return (await stats(sandbox)).routes;
}

describe('Salesforce connector: full reads through Bulk API 2.0', () => {
  it('reads 12,000 contacts by Bulk with exactly the records and typed values REST paging gives, in fewer result pages', async () => {
    sb = await seeded(12_000);
    const bulk = connectorFor(sb, FAST_POLL);
    const rest = connectorFor(sb, { bulkThreshold: 0 });
    await bulk.describeObjects(['Contact']);
    await rest.describeObjects(['Contact']);

    await resetStats(sb);
    const bulkPages = await collect(bulk.pageRecords('Contact'));
    const bulkCalls = await statsAfterDelete(sb);
    await resetStats(sb);
    const restPages = await collect(rest.pageRecords('Contact'));
    const restCalls = (await stats(sb)).routes;

    // One page per results chunk of 10,000.
    expect(bulkPages.map((p) => p.length)).toEqual([10_000, 2_000]);
    expect(restPages.length).toBe(6);
    const fromBulk = byId(bulkPages);
    const fromRest = byId(restPages);
    expect(fromBulk.length).toBe(12_000);
    expect(fromBulk).toEqual(fromRest);

    // Typed as REST gives them: booleans, numbers, null for empty, strings kept, multi-line text intact.
    const sample = fromBulk.find((r) => r.fields.LastName === 'Person00033')!;
    expect(sample.fields).toMatchObject({ HasOptedOutOfEmail: true, Score__c: 49.5, Visits__c: 33, Description: 'said "hi", then\nleft; line 33', Birthdate: null, FirstName: 'F33' });
    expect(sample.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const zero = fromBulk.find((r) => r.fields.LastName === 'Person00000')!;
    expect(zero.fields).toMatchObject({ FirstName: null, Score__c: null, Visits__c: null, Birthdate: '1980-02-29', HasOptedOutOfEmail: true });
    expect(fromBulk.some((r) => r.deleted)).toBe(false);
    expect(fromBulk[0]!.fields).not.toHaveProperty('MailingAddress');

    // Bulk: the first /query page (its totalSize decides), one job, a few status reads, ceil(12,000 / 10,000)
    // result chunks, one delete; no further /query pages.
    expect(bulkCalls[QUERY_ROUTE]).toBe(1);
    expect(bulkCalls[JOBS]).toBe(1);
    expect(bulkCalls[JOB_STATUS]).toBeGreaterThanOrEqual(2);
    expect(bulkCalls[JOB_STATUS]).toBeLessThanOrEqual(4);
    expect(bulkCalls[JOB_RESULTS]).toBe(2);
    expect(bulkCalls[JOB_DELETE]).toBe(1);
    expect(bulkCalls[QUERY_MORE_ROUTE]).toBeUndefined();
    // REST: ceil(12,000 / 2,000) pages and no count (threshold 0).
    expect(restCalls[QUERY_ROUTE]).toBe(1);
    expect(restCalls[QUERY_MORE_ROUTE]).toBe(5);
    expect(restCalls[JOBS]).toBeUndefined();
    expect(sb.store.all('Contact').length).toBe(12_000);
  });

  it('selected parent paths and a compound field: parents come through typed, the compound field is left out of the job', async () => {
    sb = await seeded(10_050);
    const fields = ['Email', 'Account.Name', 'Account.NumberOfEmployees', 'HasOptedOutOfEmail', 'Score__c'];
    const fromBulk = byId(await collect(connectorFor(sb, FAST_POLL).pageRecords('Contact', { fields: [...fields, 'MailingAddress'] })));
    const fromRest = byId(await collect(connectorFor(sb, { bulkThreshold: 0 }).pageRecords('Contact', { fields })));
    expect(fromBulk).toEqual(fromRest);
    expect(fromBulk.find((r) => r.fields.LastName === undefined && r.fields['Account.Name'] === 'Acme, "Intl"')).toBeDefined();
    expect(fromBulk.filter((r) => r.fields['Account.Name'] === null).length).toBe(2_010);
    // A parent's field is typed by the parent's describe, as REST types it.
    expect(fromBulk.find((r) => r.fields['Account.Name'] === 'Company 7')!.fields['Account.NumberOfEmployees']).toBe(70);
  });

  it('includeDeleted reads deleted records through queryAll, flagged deleted, as REST does', async () => {
    sb = await seeded(10_200, 10);
    const fromBulk = byId(await collect(connectorFor(sb, FAST_POLL).pageRecords('Contact', { includeDeleted: true })));
    const fromRest = byId(await collect(connectorFor(sb, { bulkThreshold: 0 }).pageRecords('Contact', { includeDeleted: true })));
    expect(fromBulk.length).toBe(10_200);
    expect(fromBulk.filter((r) => r.deleted === true).length).toBe(1_020);
    expect(fromBulk).toEqual(fromRest);
    // Without it, the deleted ones stay out (9,180 live records: under the threshold, so REST reads them).
    await resetStats(sb);
    const live = (await collect(connectorFor(sb, FAST_POLL).pageRecords('Contact'))).flat();
    expect(live.length).toBe(9_180);
    expect((await stats(sb)).routes[JOBS]).toBeUndefined();
  });

  it('below the threshold the read pages REST on from its first page, at no extra call', async () => {
    sb = await seeded(300);
    await resetStats(sb);
    const records = (await collect(connectorFor(sb, FAST_POLL).pageRecords('Contact', { pageSize: 200 }))).flat();
    expect(records.length).toBe(300);
    const { routes } = await stats(sb);
    expect(routes[JOBS]).toBeUndefined();
    // The first page (its totalSize, 300, is under the threshold) and one more page of the remaining 100.
    expect(routes[QUERY_ROUTE]).toBe(1);
    expect(routes[QUERY_MORE_ROUTE]).toBe(1);
    // The threshold is a connector option (an object whose first page holds every record is never worth a job).
    await resetStats(sb);
    const viaBulk = (await collect(connectorFor(sb, { ...FAST_POLL, bulkThreshold: 100 }).pageRecords('Contact', { pageSize: 200 }))).flat();
    expect(viaBulk.length).toBe(300);
    expect((await statsAfterDelete(sb))[JOBS]).toBe(1);
  });

  it('a failed job is a coded ConnectorError carrying the job error message, and the job is deleted', async () => {
    sb = await seeded(10_000);
    await bulkSwitch(sb, { failJobs: 1, failMessage: 'QUERY_TIMEOUT : Your query request was running for too long.' });
    await resetStats(sb);
    const err = await failureOf(collect(connectorFor(sb, FAST_POLL).pageRecords('Contact')));
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'CRM_UNAVAILABLE', details: expect.objectContaining({ nativeCode: 'BULK_JOB_FAILED', state: 'Failed' }) });
    expect(err.message).toContain('QUERY_TIMEOUT : Your query request was running for too long.');
    const routes = await statsAfterDelete(sb);
    expect(routes[JOB_RESULTS]).toBeUndefined();
    expect(routes[JOB_DELETE]).toBe(1);
  });

  it('an abort while polling or between result chunks stops the read', async () => {
    sb = await seeded(10_000);
    // Aborted during the first wait between status reads (a long one here): no status read is made.
    await resetStats(sb);
    const polling = new AbortController();
    const slow = connectorFor(sb, { bulkPollMs: { min: 60_000, max: 60_000 } });
    const started = failureOf(collect(slow.pageRecords('Contact', { signal: polling.signal })));
    // Aborted once the job exists: the read is then in its first wait.
    while (((await (await fetch(`${sb.url}/_sandbox/salesforce/bulk`)).json()) as { jobs: number }).jobs === 0) await new Promise((r) => setTimeout(r, 10));
    polling.abort(new Error('stop now'));
    expect((await started).message).toMatch(/stop now|abort/i);
    let routes = await statsAfterDelete(sb);
    expect(routes[JOBS]).toBe(1);
    expect(routes[JOB_STATUS]).toBeUndefined();

    // Aborted after the first of five chunks: no further chunk is read.
    await resetStats(sb);
    const between = new AbortController();
    const pages = connectorFor(sb, { ...FAST_POLL, bulkPageSize: 2_000 }).pageRecords('Contact', { signal: between.signal });
    const first = await pages.next();
    expect(first.done).toBe(false);
    expect((first.value as NativeRecord[]).length).toBe(2_000);
    between.abort(new Error('stop now'));
    await failureOf(pages.next());
    routes = await statsAfterDelete(sb);
    expect(routes[JOB_RESULTS]).toBe(1);
  });

  for (const refuseWith of [403, 404] as const) {
    it(`an org without Bulk (${refuseWith}) is read by REST with the same records, and the refusal is reported`, async () => {
      sb = await seeded(10_000);
      await bulkSwitch(sb, { enabled: false, refuseWith });
      const said: string[] = [];
      const connector = connectorFor(sb, { ...FAST_POLL, onBulkUnavailable: (type, reason) => void said.push(`${type}: ${reason}`) });
      await resetStats(sb);
      const fromFallback = byId(await collect(connector.pageRecords('Contact')));
      const routes = (await stats(sb)).routes;
      expect(fromFallback.length).toBe(10_000);
      expect(fromFallback).toEqual(byId(await collect(connectorFor(sb, { bulkThreshold: 0 }).pageRecords('Contact'))));
      // The refused job costs one call; the REST read goes on from the first page it already had.
      expect(routes[JOBS]).toBe(1);
      expect(routes[QUERY_ROUTE]).toBe(1);
      expect(routes[QUERY_MORE_ROUTE]).toBe(4);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(refuseWith === 403 ? /API_DISABLED_FOR_ORG/ : /NOT_FOUND/);
      // A refused Bulk API is no refused login.
      expect(connector.needsReauthorisation()).toBeNull();
    });
  }

  it('a job still running after bulkMaxWaitMs is aborted, and the read starts over by REST with the same records', async () => {
    sb = await seeded(10_000);
    // As a busy org's queue: the job never leaves InProgress.
    await bulkSwitch(sb, { holdJobs: 1 });
    const said: string[] = [];
    const connector = connectorFor(sb, { ...FAST_POLL, bulkMaxWaitMs: 300, onBulkUnavailable: (type, reason) => void said.push(`${type}: ${reason}`) });
    await resetStats(sb);
    const started = Date.now();
    const fromFallback = byId(await collect(connector.pageRecords('Contact')));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const routes = await statsAfterDelete(sb);
    expect(fromFallback.length).toBe(10_000);
    expect(fromFallback).toEqual(byId(await collect(connectorFor(sb, { bulkThreshold: 0 }).pageRecords('Contact'))));
    expect(routes[JOBS]).toBe(1);
    expect(routes[JOB_ABORT]).toBe(1);
    expect(routes[JOB_RESULTS]).toBeUndefined();
    // The first page is asked for again (its cursor may have expired during a long wait), then four more pages.
    expect(routes[QUERY_ROUTE]).toBe(2);
    expect(routes[QUERY_MORE_ROUTE]).toBe(4);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^Contact: Bulk query job \w+ was still InProgress after \d+ s; it was aborted; the read goes on by REST/);
    // A job that completes within the limit is read by Bulk as before.
    await resetStats(sb);
    expect((await collect(connector.pageRecords('Contact'))).flat().length).toBe(10_000);
    expect((await statsAfterDelete(sb))[JOB_RESULTS]).toBe(1);
  });

  it('CSV values become what REST gives: null, booleans, numbers, and datetimes in the +0000 form', () => {
    expect(bulkValue('', 'string')).toBeNull();
    expect(bulkValue('', 'boolean')).toBeNull();
    expect([bulkValue('true', 'boolean'), bulkValue('false', 'boolean')]).toEqual([true, false]);
    expect([bulkValue('42', 'int'), bulkValue('1.5', 'double'), bulkValue('1000000.00', 'currency'), bulkValue('12', 'percent')]).toEqual([42, 1.5, 1_000_000, 12]);
    expect(bulkValue('007', 'string')).toBe('007');
    expect(bulkValue('2024-05-01', 'date')).toBe('2024-05-01');
    expect(bulkValue('2024-05-01T12:00:00.000Z', 'datetime')).toBe('2024-05-01T12:00:00.000+0000');
    expect(bulkValue('2024-05-01T12:00:00Z', 'datetime')).toBe('2024-05-01T12:00:00.000+0000');
    expect(bulkValue('2024-05-01T12:00:00.5Z', 'datetime')).toBe('2024-05-01T12:00:00.500+0000');
    expect(bulkValue('2024-05-01T12:00:00.000+0000', 'datetime')).toBe('2024-05-01T12:00:00.000+0000');
  });

  it('a field deleted since the held describe: the read fails on it, refreshes the describe and runs again by Bulk', async () => {
    sb = await seeded(10_000);
    const connector = connectorFor(sb, FAST_POLL);
    await connector.describeObjects(['Contact']);
    const del = await fetch(`${sb.url}/_sandbox/salesforce/fields/Contact/Visits__c`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    await resetStats(sb);
    const records = (await collect(connector.pageRecords('Contact'))).flat();
    expect(records.length).toBe(10_000);
    expect(records[0]!.fields).not.toHaveProperty('Visits__c');
    expect(records.find((r) => r.fields.LastName === 'Person00033')!.fields.Score__c).toBe(49.5);
    const routes = await statsAfterDelete(sb);
    // The first /query page failed on the field (INVALID_FIELD), the second tells the size; one job.
    expect(routes[QUERY_ROUTE]).toBe(2);
    expect(routes[JOBS]).toBe(1);
    expect(routes['GET /services/data/vXX.X/sobjects/Contact/describe']).toBe(1);
    expect(routes[QUERY_ALL_ROUTE]).toBeUndefined();
  });
});
