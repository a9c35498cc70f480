/** The Salesforce connector's pure pieces: SOQL building (escaping, names, id chunking under the URL limit) and the error table. */
import { describe, expect, it } from 'vitest';
import { classifySalesforceError } from '../../../connectors/salesforce/index.ts';
import { MAX_ENCODED_SOQL_CHARS, byIdsFixedLength, byIdsQuery, chunkIdsForQuery, fieldPath, objectName, quote, selectList, to18 } from '../../../connectors/salesforce/soql.ts';

const fakeId = (i: number) => to18(`003A${String(i).padStart(11, '0')}`)!;

describe('SOQL building', () => {
  it('escapes string literals and refuses names that are not identifiers', () => {
    expect(quote("O'Brien \\ \"x\"\n")).toBe("'O\\'Brien \\\\ \\\"x\\\"\\n'");
    expect(fieldPath(' Account.Name ')).toBe('Account.Name');
    for (const bad of ['Email FROM User', "Id' OR Id != '", 'a..b', '1Field', 'Name,Email']) {
      expect(() => fieldPath(bad)).toThrow(expect.objectContaining({ code: 'CRM_VALIDATION', crm: 'salesforce' }));
    }
    expect(() => objectName('Contact WHERE')).toThrow(expect.objectContaining({ code: 'CRM_VALIDATION' }));
    expect(selectList(['email', 'Account.Name', 'ID'], ['Id', 'SystemModstamp'])).toEqual(['Id', 'SystemModstamp', 'email', 'Account.Name']);
  });

  it('computes the 18-character id checksum and rejects what is not id-shaped', () => {
    expect(to18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(to18('003000000000000')).toBe('003000000000000AAA');
    expect(to18('001A0000006Vm9rIAC')).toBe('001A0000006Vm9rIAC');
    expect(to18('12')).toBeNull();
    expect(to18("003000000000000' OR")).toBeNull();
  });

  it('chunks ids by count (300) and by the encoded URL length, never over the limit', () => {
    const select = ['Id', 'SystemModstamp', 'Email'];
    const ids = Array.from({ length: 1000 }, (_, i) => fakeId(i));
    expect(chunkIdsForQuery(ids.slice(0, 100), byIdsFixedLength('Contact', select))).toHaveLength(1);
    expect(chunkIdsForQuery(ids, byIdsFixedLength('Contact', select)).map((c) => c.length)).toEqual([300, 300, 300, 100]);
    // A long field list leaves less room for ids: more, smaller chunks, each query within the budget.
    const wide = Array.from({ length: 300 }, (_, i) => `Custom_Field_Number_${i}__c`);
    const chunks = chunkIdsForQuery(ids, byIdsFixedLength('Contact', wide));
    expect(chunks.length).toBeGreaterThan(4);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(300);
    expect(chunks.flat()).toEqual(ids);
    for (const c of chunks) expect(encodeURIComponent(byIdsQuery('Contact', wide, c)).length).toBeLessThanOrEqual(MAX_ENCODED_SOQL_CHARS);
    const tooWide = Array.from({ length: 700 }, (_, i) => `Custom_Field_Number_${i}__c`);
    expect(() => chunkIdsForQuery(ids, byIdsFixedLength('Contact', tooWide))).toThrow(expect.objectContaining({ code: 'CRM_VALIDATION' }));
  });
});

describe('classifySalesforceError', () => {
  const jsforceError = (errorCode: string, message: string, statusCode?: number, headers?: Record<string, string>) =>
    Object.assign(new Error(message), { name: errorCode, errorCode, ...(statusCode ? { statusCode } : {}), ...(headers ? { headers } : {}) });
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    ['expired session', jsforceError('INVALID_SESSION_ID', 'Session expired or invalid', 401), { code: 'CRM_AUTH_FAILED', status: 401 }],
    ['429 with Retry-After', jsforceError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.', 429, { 'retry-after': '7' }), { code: 'CRM_RATE_LIMITED', retryAfterMs: 7000 }],
    ['daily quota', jsforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', 403), { code: 'CRM_BUDGET_EXHAUSTED', status: 403 }],
    ['short-term limit as 403', jsforceError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.', 403), { code: 'CRM_RATE_LIMITED', retryAfterMs: 1000 }],
    ['503', jsforceError('SERVER_UNAVAILABLE', 'Server unavailable', 503), { code: 'CRM_UNAVAILABLE', retryable: true }],
    ['HTML error page', jsforceError('ERROR_HTTP_502', '<html><body>Bad gateway</body></html>', 502), { code: 'CRM_UNAVAILABLE', message: 'salesforce: answered ERROR_HTTP_502: an HTML page' }],
    ['malformed query', jsforceError('MALFORMED_QUERY', "\nSELECT Id FRM Contact\n^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'", 400), { code: 'CRM_VALIDATION', retryable: false }],
    ['unknown field', jsforceError('INVALID_FIELD', "No such column 'Foo' on entity 'Contact'", 400), { code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_FIELD' } }],
    ['required field', jsforceError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', 400), { code: 'CRM_VALIDATION' }],
    ['not found', jsforceError('NOT_FOUND', 'The requested resource does not exist', 404), { code: 'CRM_NOT_FOUND' }],
    ['unknown object', jsforceError('INVALID_TYPE', "sObject type 'Foo' is not supported", 400), { code: 'CRM_NOT_FOUND' }],
    ['duplicate', jsforceError('DUPLICATE_VALUE', 'duplicate value found', 400), { code: 'CRM_CONFLICT', retryable: false }],
    ['row lock', jsforceError('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access', 400), { code: 'CRM_CONFLICT', retryable: true }],
    ['permissions', jsforceError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access', 403), { code: 'CRM_AUTH_FAILED', status: 403 }],
    ['socket', new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }), { code: 'CRM_UNAVAILABLE', message: 'salesforce: could not be reached (ECONNRESET)' }],
    ['unknown 4xx', jsforceError('SOMETHING_NEW', 'new error', 400), { code: 'CRM_VALIDATION' }],
  ];
  it.each(cases)('%s', (_, err, expected) => {
    const classified = classifySalesforceError('salesforce', err);
    expect(classified).toMatchObject({ crm: 'salesforce', ...expected });
    expect(classified.message.startsWith('salesforce: ')).toBe(true);
    expect(classified.message).not.toContain('\n');
  });
});
