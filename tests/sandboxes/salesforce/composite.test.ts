import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import type { SalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import { errorOf, start } from './helpers.ts';

let sb: SalesforceSandbox;
let conn: Connection;
beforeAll(async () => {
  ({ sb, conn } = await start());
});
afterAll(() => sb.close());

type Composite = { compositeResponse: { body: unknown; httpStatusCode: number; referenceId: string; httpHeaders: Record<string, string> }[] };

const composite = (body: unknown) =>
  conn.request<Composite>({ method: 'POST', url: '/services/data/v60.0/composite', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('composite', () => {
  it('runs subrequests in order with references to earlier results', async () => {
    const res = await composite({
      compositeRequest: [
        { method: 'POST', url: '/services/data/v60.0/sobjects/Account', referenceId: 'acct', body: { Name: 'Composite Co' } },
        { method: 'POST', url: '/services/data/v60.0/sobjects/Contact', referenceId: 'ct', body: { LastName: 'Ref', AccountId: '@{acct.id}' } },
        { method: 'GET', url: '/services/data/v60.0/sobjects/Contact/@{ct.id}?fields=AccountId,LastName', referenceId: 'read' },
        { method: 'GET', url: `/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id, Account.Name FROM Contact WHERE LastName = 'Ref'")}`, referenceId: 'q' },
        { method: 'PATCH', url: '/services/data/v60.0/sobjects/Contact/@{q.records[0].Id}', referenceId: 'upd', body: { Title: 'Linked' } },
      ],
    });
    const [acct, ct, read, q, upd] = res.compositeResponse;
    expect(acct).toMatchObject({ httpStatusCode: 201, referenceId: 'acct', body: { success: true } });
    expect(acct!.httpHeaders.Location).toMatch(/^\/services\/data\/v60\.0\/sobjects\/Account\/001/);
    expect(ct!.httpStatusCode).toBe(201);
    expect(read!.body).toMatchObject({ AccountId: (acct!.body as { id: string }).id, LastName: 'Ref' });
    expect(q!.body).toMatchObject({ totalSize: 1, records: [{ Account: { Name: 'Composite Co' } }] });
    expect(upd).toMatchObject({ httpStatusCode: 204, body: null });
    expect((await conn.sobject('Contact').retrieve((ct!.body as { id: string }).id)).Title).toBe('Linked');
  });

  it('allOrNone rolls back every subrequest and halts the rest', async () => {
    const before = sb.store.count('Account');
    const res = await composite({
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v60.0/sobjects/Account', referenceId: 'a1', body: { Name: 'Rolled back' } },
        { method: 'POST', url: '/services/data/v60.0/sobjects/Contact', referenceId: 'bad', body: { FirstName: 'No last name' } },
        { method: 'POST', url: '/services/data/v60.0/sobjects/Account', referenceId: 'a2', body: { Name: 'Never run' } },
      ],
    });
    const codes = res.compositeResponse.map((r) => (r.body as { errorCode: string }[])[0]!.errorCode);
    expect(codes).toEqual(['PROCESSING_HALTED', 'REQUIRED_FIELD_MISSING', 'PROCESSING_HALTED']);
    expect(sb.store.count('Account')).toBe(before);
  });

  it('without allOrNone keeps successes and fails references to failed subrequests', async () => {
    const res = await composite({
      compositeRequest: [
        { method: 'POST', url: '/services/data/v60.0/sobjects/Contact', referenceId: 'bad', body: { FirstName: 'x' } },
        { method: 'POST', url: '/services/data/v60.0/sobjects/Account', referenceId: 'ok', body: { Name: 'Kept' } },
        { method: 'PATCH', url: '/services/data/v60.0/sobjects/Contact/@{bad.id}', referenceId: 'dep', body: { Title: 'x' } },
      ],
    });
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).toEqual([400, 201, 400]);
    expect((res.compositeResponse[2]!.body as { errorCode: string }[])[0]!.errorCode).toBe('PROCESSING_HALTED');
    expect((await conn.query("SELECT COUNT() FROM Account WHERE Name = 'Kept'")).totalSize).toBe(1);
  });

  it('refuses more than 25 subrequests', async () => {
    const compositeRequest = Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: '/services/data/v60.0/limits', referenceId: `r${i}` }));
    const err = await errorOf(composite({ compositeRequest }));
    expect(err.errorCode).toBe('LIMIT_EXCEEDED');
  });
});
