import { describe, expect, it } from 'vitest';
import { api, contactsSeed, startSandbox, ZOHO_ID, ZOHO_TIME } from './helpers.ts';

const ids = (answer: { body?: { data?: { id: string }[] } }) => (answer.body?.data ?? []).map((r) => r.id);

describe('Zoho sandbox: record lists and single records', () => {
  it('requires fields: missing → REQUIRED_PARAM_MISSING, more than 50 → LIMIT_EXCEEDED, an unknown name → INVALID_DATA', async () => {
    const sandbox = await startSandbox();
    const missing = await api(sandbox, 'GET', 'Contacts');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'fields' }, message: expect.any(String), status: 'error' });
    const many = Array.from({ length: 51 }, (_, i) => (i === 0 ? 'Last_Name' : `F${i}`)).join(',');
    const tooMany = await api(sandbox, 'GET', `Contacts?fields=${many}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('LIMIT_EXCEEDED');
    const unknown = await api(sandbox, 'GET', 'Contacts?fields=Last_Name,Shoe_Size');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'Shoe_Size' }, status: 'error' });
  });

  it('returns the asked fields and id only, lookups as {id,name}, Owner with email, times in the org offset, unset as null', async () => {
    const sandbox = await startSandbox();
    const answer = await api(sandbox, 'GET', 'Contacts?fields=Full_Name,Email,Account_Name,Owner,Mobile,Modified_Time&per_page=1');
    expect(answer.status).toBe(200);
    const [first] = answer.body.data;
    expect(Object.keys(first).sort()).toEqual(['Account_Name', 'Email', 'Full_Name', 'Mobile', 'Modified_Time', 'Owner', 'id']);
    expect(first).toMatchObject({
      id: expect.stringMatching(ZOHO_ID), Full_Name: 'Ada Lovelace', Email: 'ada@acme.example', Mobile: null,
      Account_Name: { id: expect.stringMatching(ZOHO_ID), name: 'Acme Corporation' },
      Owner: { id: expect.stringMatching(ZOHO_ID), name: expect.any(String), email: expect.stringContaining('@') },
      Modified_Time: expect.stringMatching(ZOHO_TIME),
    });
    expect(answer.body.info).toEqual({
      per_page: 1, count: 1, page: 1, sort_by: 'id', sort_order: 'asc', more_records: true,
      next_page_token: expect.any(String), previous_page_token: null, page_token_expiry: expect.stringMatching(ZOHO_TIME),
    });
  });

  it('ids: the records found in one answer, unknown ids simply absent; none found → 204 with no body; more than 100 → 400', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(3) });
    const all = ids(await api(sandbox, 'GET', 'Contacts?fields=Last_Name'));
    const answer = await api(sandbox, 'GET', `Contacts?fields=Last_Name&ids=${all[2]},4150868000000999999,${all[0]}`);
    expect(answer.status).toBe(200);
    expect(ids(answer).sort()).toEqual([all[0], all[2]].sort());
    expect(answer.body.info.more_records).toBe(false);
    const none = await api(sandbox, 'GET', 'Contacts?fields=Last_Name&ids=4150868000000999999');
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
    const tooMany = await api(sandbox, 'GET', `Contacts?fields=Last_Name&ids=${Array.from({ length: 101 }, (_, i) => `4150868000000${100000 + i}`).join(',')}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('LIMIT_EXCEEDED');
  });

  it('pages by number: more_records and next_page_token on every page but the last, past the end → 204', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(5) });
    const pages = [];
    for (let page = 1; page <= 3; page++) pages.push(await api(sandbox, 'GET', `Contacts?fields=Last_Name&per_page=2&page=${page}`));
    expect(pages.map((p) => p.body.info.count)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.body.info.more_records)).toEqual([true, true, false]);
    expect(pages.map((p) => p.body.info.next_page_token !== null)).toEqual([true, true, false]);
    expect(new Set(pages.flatMap(ids)).size).toBe(5);
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name&per_page=2&page=4')).status).toBe(204);
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name&per_page=201')).status).toBe(400);
  });

  it('page numbers reach 2000 records: page 10 of 200 is allowed, page 11 (or 21 of 100) is DISCRETE_PAGINATION_LIMIT_EXCEEDED', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(3) });
    expect((await api(sandbox, 'GET', 'Contacts?fields=Last_Name&page=10')).status).toBe(204);
    for (const query of ['page=11', 'page=21&per_page=100']) {
      const refused = await api(sandbox, 'GET', `Contacts?fields=Last_Name&${query}`);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('DISCRETE_PAGINATION_LIMIT_EXCEEDED');
    }
  });

  it('page_token pages beyond 2000 records by Modified_Time, every record once, in order', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(2050) });
    const seen: string[] = [];
    const times: string[] = [];
    let answer = await api(sandbox, 'GET', 'Contacts?fields=Modified_Time&sort_by=Modified_Time&sort_order=asc');
    let calls = 1;
    for (;;) {
      seen.push(...ids(answer));
      times.push(...answer.body.data.map((r: { Modified_Time: string }) => r.Modified_Time));
      const next = answer.body.info.next_page_token as string | null;
      if (!next) break;
      answer = await api(sandbox, 'GET', `Contacts?fields=Modified_Time&page_token=${encodeURIComponent(next)}`);
      calls++;
    }
    expect(calls).toBe(11);
    expect(seen).toHaveLength(2050);
    expect(new Set(seen).size).toBe(2050);
    expect(times.map((t) => Date.parse(t))).toEqual([...times].map((t) => Date.parse(t)).sort((a, b) => a - b));
    expect(answer.body.info).toMatchObject({ page: 11, more_records: false, next_page_token: null, sort_by: 'Modified_Time', sort_order: 'asc' });
  });

  it('a record modified while paging by page_token moves to the end and no record is skipped (page numbers would skip one)', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(6) });
    const q = 'Contacts?fields=Last_Name&sort_by=Modified_Time&sort_order=asc&per_page=2';
    const first = await api(sandbox, 'GET', q);
    const [a] = ids(first);
    expect((await api(sandbox, 'PUT', 'Contacts', { data: [{ id: a, Title: 'moved' }], trigger: [] })).status).toBe(200);
    const seen = ids(first);
    let token = first.body.info.next_page_token as string | null;
    while (token) {
      const page = await api(sandbox, 'GET', `Contacts?fields=Last_Name&per_page=2&page_token=${encodeURIComponent(token)}`);
      seen.push(...ids(page));
      token = page.body.info.next_page_token;
    }
    // Six records, the moved one seen twice: before its change and once more at the end.
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(6);
    expect(seen.at(-1)).toBe(a);
    // The same read by page numbers: page 2 now starts one record later, so the third record is never seen.
    const byNumber = [...ids(first), ...ids(await api(sandbox, 'GET', `${q}&page=2`)), ...ids(await api(sandbox, 'GET', `${q}&page=3`))];
    expect(new Set(byNumber).size).toBeLessThan(6);
  });

  it('refuses page with page_token (INVALID_REQUEST) and a token that is not one (INVALID_DATA)', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(3) });
    const token = (await api(sandbox, 'GET', 'Contacts?fields=Last_Name&per_page=1')).body.info.next_page_token as string;
    const both = await api(sandbox, 'GET', `Contacts?fields=Last_Name&page=2&page_token=${encodeURIComponent(token)}`);
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('INVALID_REQUEST');
    const garbage = await api(sandbox, 'GET', 'Contacts?fields=Last_Name&page_token=not-a-token');
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('INVALID_DATA');
  });

  it('If-Modified-Since keeps records modified at or after it (any offset); nothing newer → 204', async () => {
    const sandbox = await startSandbox({ seed: contactsSeed(5, '2026-01-01T00:00:00Z') });
    const since = (value: string) => api(sandbox, 'GET', 'Contacts?fields=Modified_Time', undefined, { headers: { 'If-Modified-Since': value } });
    const utc = await since('2026-01-01T00:00:03+00:00');
    expect(utc.body.data.map((r: { Modified_Time: string }) => r.Modified_Time).sort()).toEqual(['2026-01-01T05:30:03+05:30', '2026-01-01T05:30:04+05:30']);
    expect(ids(await since('2026-01-01T05:30:03+05:30')).sort()).toEqual(ids(utc).sort());
    const none = await since('2026-01-01T00:00:05Z');
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
  });

  it('sorts by id asc by default and Modified_Time desc when asked, ties broken by id in the same direction', async () => {
    const same = '2026-02-01T10:00:00Z';
    const sandbox = await startSandbox({ seed: { Contacts: [
      { Last_Name: 'A', Modified_Time: same }, { Last_Name: 'B', Modified_Time: '2026-02-01T09:00:00Z' }, { Last_Name: 'C', Modified_Time: same },
    ] } });
    const byId = await api(sandbox, 'GET', 'Contacts?fields=Last_Name');
    expect(byId.body.data.map((r: { Last_Name: string }) => r.Last_Name)).toEqual(['A', 'B', 'C']);
    const desc = await api(sandbox, 'GET', 'Contacts?fields=Last_Name&sort_by=Modified_Time');
    expect(desc.body.info.sort_order).toBe('desc');
    expect(desc.body.data.map((r: { Last_Name: string }) => r.Last_Name)).toEqual(['C', 'A', 'B']);
    const asc = await api(sandbox, 'GET', 'Contacts?fields=Last_Name&sort_by=Modified_Time&sort_order=asc');
    expect(asc.body.data.map((r: { Last_Name: string }) => r.Last_Name)).toEqual(['B', 'A', 'C']);
  });

  it('one record by id (every field without fields=), unknown id → 204; unknown module → INVALID_MODULE, unknown path → 404', async () => {
    const sandbox = await startSandbox();
    const [id] = ids(await api(sandbox, 'GET', 'Deals?fields=Deal_Name&per_page=1'));
    const one = await api(sandbox, 'GET', `Deals/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toHaveLength(1);
    expect(one.body.data[0]).toMatchObject({ id, Deal_Name: 'Acme platform renewal', Stage: 'Negotiation/Review', Expected_Revenue: 96000, Closing_Date: '2026-04-30' });
    expect((await api(sandbox, 'GET', 'Deals/4150868000000999999')).status).toBe(204);
    const badModule = await api(sandbox, 'GET', 'Widgets?fields=Name');
    expect(badModule.status).toBe(400);
    expect(badModule.body).toEqual({ code: 'INVALID_MODULE', details: {}, message: expect.any(String), status: 'error' });
    const badPath = await api(sandbox, 'GET', 'Deals/1/2/3');
    expect(badPath.status).toBe(404);
    expect(badPath.body.code).toBe('INVALID_URL_PATTERN');
  });
});
