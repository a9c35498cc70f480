/**
 * Paging past the 2,000 records page numbers reach (page 1, then Zoho's keyset page_token), every page of the
 * recycle bin read for deletions, and Zoho's answers classified as ConnectorErrors.
 */
import { describe, expect, it } from 'vitest';
import { ZohoHttpError, classifyZohoError, recordError } from '../../../connectors/zoho/index.ts';
import { HOUR_AGO, connect, plusSeconds, readAll, start, startBodyProxy } from './helpers.ts';

const id = (n: number) => `4150868000000${String(500000 + n).padStart(6, '0')}`;
const many = (count: number) => Array.from({ length: count }, (_, n) => ({ id: id(n), Last_Name: `P${n}`, Modified_Time: plusSeconds(HOUR_AGO, Math.floor(n / 300)) }));

describe('paging', () => {
  it('pages 2,100 records with page 1 then page_token (page numbers stop at 2,000), each once', async () => {
    const sandbox = await start({ Contacts: many(2100) });
    const proxy = await startBodyProxy(sandbox.url);
    const connector = connect(sandbox, { baseUrl: proxy.url });
    const seen: string[] = [];
    for await (const page of connector.pageRecords('Contacts', { fields: ['Last_Name'] })) seen.push(...page.map((r) => r.id));
    expect(seen).toHaveLength(2100);
    expect(new Set(seen).size).toBe(2100);
    const lists = proxy.requests.filter((r) => r.path.startsWith('/crm/v8/Contacts?')).map((r) => new URL(r.path, proxy.url).searchParams);
    expect(lists).toHaveLength(11);
    expect(lists[0]!.get('page')).toBe('1');
    expect(lists.slice(1).every((q) => q.get('page') === null && (q.get('page_token') ?? '') !== '')).toBe(true);
    expect(lists.every((q) => q.get('per_page') === '200')).toBe(true);

    // The change feed, 300 records a second, the same way.
    const changes = await readAll(connector, 'Contacts', null, { fields: ['Last_Name'] });
    expect(changes.records.map((r) => r.id)).toEqual(many(2100).map((r) => r.id));
  });

  it('reads every page of the recycle bin: 230 deletions arrive once, oldest first', async () => {
    const sandbox = await start({ Contacts: many(230) });
    const connector = connect(sandbox);
    const first = await readAll(connector, 'Contacts', null, { fields: ['Last_Name'] });
    const deleted = await connector.deleteMany('Contacts', many(230).map((r) => r.id));
    expect(deleted.every((r) => r.ok)).toBe(true);
    const second = await readAll(connector, 'Contacts', first.cursor, { fields: ['Last_Name'] });
    expect(second.deletions).toHaveLength(230);
    expect(new Set(second.deletions.map((d) => d.id)).size).toBe(230);
    const times = second.deletions.map((d) => Date.parse(d.deletedAt!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await readAll(connector, 'Contacts', second.cursor, { fields: ['Last_Name'] })).deletions).toEqual([]);
  });
});

describe('errors', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    classifyZohoError('zoho', new ZohoHttpError(status, new Headers(headers), body, typeof body === 'string' ? body : JSON.stringify(body)));

  it('top-level answers by status and Zoho code', () => {
    expect(answer(401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' })).toMatchObject({ code: 'CRM_AUTH_FAILED', status: 401 });
    expect(answer(429, { code: 'TOO_MANY_REQUESTS', details: {}, message: 'slow down', status: 'error' })).toMatchObject({ code: 'CRM_RATE_LIMITED', retryable: true });
    expect(answer(429, { code: 'TOO_MANY_REQUESTS' }).retryAfterMs).toBeUndefined();
    expect(answer(429, { code: 'TOO_MANY_REQUESTS' }, { 'retry-after': '2' }).retryAfterMs).toBe(2000);
    expect(answer(400, { code: 'INVALID_MODULE', details: {}, message: 'the module name given seems to be invalid', status: 'error' })).toMatchObject({ code: 'CRM_NOT_FOUND' });
    expect(answer(400, { code: 'INVALID_DATA', details: { api_name: 'Nope' }, message: 'invalid data', status: 'error' })).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_DATA', fields: ['Nope'] } });
    expect(answer(400, { code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'fields' } })).toMatchObject({ code: 'CRM_VALIDATION', details: { fields: ['fields'] } });
    expect(answer(404, { code: 'INVALID_URL_PATTERN' })).toMatchObject({ code: 'CRM_NOT_FOUND' });
    expect(answer(500, { code: 'INTERNAL_ERROR' })).toMatchObject({ code: 'CRM_UNAVAILABLE', retryable: true });
    expect(answer(502, '<html>Bad Gateway</html>').message).toBe('zoho: server error (502) (an HTML page)');
    expect(classifyZohoError('zoho', new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toMatchObject({ code: 'CRM_UNAVAILABLE' });
  });

  it('per-record results: codes, the field, the clashing record', () => {
    expect(recordError({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name', json_path: '$.data[0].Last_Name' }, message: 'required field not found', status: 'error' }))
      .toMatchObject({ code: 'CRM_VALIDATION', details: { fields: ['Last_Name'], nativeCode: 'MANDATORY_NOT_FOUND' } });
    expect(recordError({ code: 'INVALID_DATA', details: { id: '4150868000000000001' }, message: 'the related id given seems to be invalid', status: 'error' }))
      .toMatchObject({ code: 'CRM_NOT_FOUND', details: { id: '4150868000000000001' } });
    expect(recordError({ code: 'DUPLICATE_DATA', details: { api_name: 'Email', json_path: '$.data[0].Email', duplicate_record: { id: '4150868000000000002' } } }))
      .toMatchObject({ code: 'CRM_CONFLICT', details: { duplicateId: '4150868000000000002', fields: ['Email'] } });
    expect(recordError({ code: 'INVALID_DATA', details: { json_path: '$.data[3].Phone' } })).toMatchObject({ code: 'CRM_VALIDATION', details: { fields: ['Phone'] } });
    expect(recordError({ code: 'SOMETHING_NEW' })).toMatchObject({ code: 'CRM_VALIDATION', crm: 'zoho' });
  });
});
