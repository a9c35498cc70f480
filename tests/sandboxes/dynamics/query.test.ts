import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID, api, DATAVERSE_TIME, startSandbox } from './helpers.ts';

const ACME = { accountid: ACCOUNT_ID, name: 'Acme', industrycode: 7, revenue: 1_500_000 };
const people = [
  { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: 'ada@acme.test', modifiedon: '2024-05-02T08:00:00Z', _parentcustomerid_value: ACCOUNT_ID },
  { firstname: 'Grace', lastname: 'Hopper', emailaddress1: 'grace@navy.test', modifiedon: '2024-05-01T09:00:00Z', statecode: 1 },
  { firstname: 'Alan', lastname: "O'Turing", emailaddress1: 'alan@acme.test', modifiedon: '2024-05-03T10:00:00Z', jobtitle: 'Engineer' },
  { firstname: 'Edsger', lastname: 'Dijkstra', modifiedon: '2024-04-30T10:00:00Z' },
];

async function seeded() {
  return startSandbox({ seed: { accounts: [ACME], contacts: people } });
}

const names = (body: { value: { fullname: string }[] }) => body.value.map((r) => r.fullname);

describe('Dynamics sandbox: OData queries', () => {
  it('$select, $filter, $orderby as in the reference example, with etag, key and lookup always present', async () => {
    const sandbox = await seeded();
    const answer = await api(sandbox, 'GET', "contacts?$select=fullname,emailaddress1,modifiedon,_parentcustomerid_value&$filter=modifiedon gt 2024-05-01T00:00:00Z and statecode eq 0&$orderby=modifiedon asc,contactid asc");
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; odata.metadata=minimal');
    expect(answer.body['@odata.context']).toBe(`${sandbox.apiUrl}$metadata#contacts(fullname,emailaddress1,modifiedon,_parentcustomerid_value)`);
    expect(names(answer.body)).toEqual(['Ada Lovelace', "Alan O'Turing"]);
    const ada = answer.body.value[0];
    expect(Object.keys(ada).sort()).toEqual(['@odata.etag', '_parentcustomerid_value', 'contactid', 'emailaddress1', 'fullname', 'modifiedon']);
    expect(ada['@odata.etag']).toMatch(/^W\/"\d+"$/);
    expect(ada._parentcustomerid_value).toBe(ACCOUNT_ID);
    expect(ada.modifiedon).toBe('2024-05-02T08:00:00Z');
    expect(answer.body).not.toHaveProperty('@odata.nextLink');
  });

  it('every filter operator and function, In, null, quotes, case-insensitive strings and lookups', async () => {
    const sandbox = await seeded();
    const q = async (filter: string) => {
      const answer = await api(sandbox, 'GET', `contacts?$select=fullname&$orderby=lastname asc&$filter=${encodeURIComponent(filter)}`);
      expect(answer.status, answer.text).toBe(200);
      return names(answer.body);
    };
    expect(await q("contains(emailaddress1,'ACME')")).toEqual(['Ada Lovelace', "Alan O'Turing"]);
    expect(await q("startswith(firstname,'gr') or endswith(lastname,'stra')")).toEqual(['Edsger Dijkstra', 'Grace Hopper']);
    expect(await q("lastname eq 'o''turing'")).toEqual(["Alan O'Turing"]);
    expect(await q('emailaddress1 eq null')).toEqual(['Edsger Dijkstra']);
    expect(await q('emailaddress1 ne null and not (statecode eq 1)')).toEqual(['Ada Lovelace', "Alan O'Turing"]);
    expect(await q(`_parentcustomerid_value eq ${ACCOUNT_ID}`)).toEqual(['Ada Lovelace']);
    expect(await q('modifiedon ge 2024-05-02T08:00:00Z')).toEqual(['Ada Lovelace', "Alan O'Turing"]);
    expect(await q('modifiedon lt 2024-05-01T09:00:00Z')).toEqual(['Edsger Dijkstra']);
    expect(await q('modifiedon le 2024-05-01T09:00:00Z')).toEqual(['Edsger Dijkstra', 'Grace Hopper']);
    expect(await q('modifiedon lt 2024-05-01T09:00:00.500Z')).toEqual(['Edsger Dijkstra', 'Grace Hopper']);
    expect(await q('modifiedon gt 2024-05-02T10:00:00+02:00')).toEqual(["Alan O'Turing"]);
    expect(await q('modifiedon ge 2024-05-02')).toEqual(['Ada Lovelace', "Alan O'Turing"]);
    const ids = (await api(sandbox, 'GET', "contacts?$select=contactid&$filter=lastname eq 'Hopper' or lastname eq 'Dijkstra'")).body.value.map((r: { contactid: string }) => r.contactid);
    expect(await q(`Microsoft.Dynamics.CRM.In(PropertyName='contactid',PropertyValues=['${ids[0]}','${ids[1]}'])`)).toEqual(['Edsger Dijkstra', 'Grace Hopper']);
    expect(await q("Microsoft.Dynamics.CRM.In(PropertyName='statecode',PropertyValues=['1'])")).toEqual(['Grace Hopper']);
    const accounts = await api(sandbox, 'GET', 'accounts?$select=name&$filter=revenue gt 1000000 and industrycode eq 7');
    expect(accounts.body.value.map((r: { name: string }) => r.name)).toEqual(['Acme']);
  });

  it('refuses unknown properties and bad syntax with 400 0x80060888, and $skip', async () => {
    const sandbox = await seeded();
    for (const [path, message] of [
      ['contacts?$select=fullname,foo', "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.contact'."],
      ["contacts?$filter=foo eq 'x'", "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.contact'."],
      ['contacts?$orderby=bar desc', "Could not find a property named 'bar' on type 'Microsoft.Dynamics.CRM.contact'."],
      ['contacts?$select=parentcustomerid', "Could not find a property named 'parentcustomerid' on type 'Microsoft.Dynamics.CRM.contact'."],
    ]) {
      const answer = await api(sandbox, 'GET', path!);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ error: { code: '0x80060888', message } });
    }
    expect((await api(sandbox, 'GET', "contacts?$filter=lastname eq 'x' and")).body.error.code).toBe('0x80060888');
    expect((await api(sandbox, 'GET', "contacts?$filter=statecode eq '0'")).status).toBe(400);
    expect((await api(sandbox, 'GET', 'contacts?$skip=2')).body.error.message).toMatch(/\$skip is not supported/);
  });

  it('pages with Prefer odata.maxpagesize across nextLinks, echoed in Preference-Applied; $count; $top caps without nextLink', async () => {
    const contacts = Array.from({ length: 7 }, (_, i) => ({ lastname: `Person ${i}`, modifiedon: `2024-05-0${1 + (i % 3)}T00:00:00Z` }));
    const sandbox = await startSandbox({ seed: { contacts } });
    const seen: string[] = [];
    let url: string | undefined = 'contacts?$select=lastname&$orderby=modifiedon desc&$count=true';
    let pages = 0;
    while (url) {
      const answer = await api(sandbox, 'GET', url, undefined, { headers: { prefer: 'odata.maxpagesize=3' } });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get('preference-applied')).toBe('odata.maxpagesize=3');
      expect(answer.body['@odata.count']).toBe(7);
      expect(answer.body.value.length).toBeLessThanOrEqual(3);
      seen.push(...answer.body.value.map((r: { lastname: string }) => r.lastname));
      url = answer.body['@odata.nextLink'];
      if (url) {
        expect(decodeURIComponent(url).startsWith(`${sandbox.apiUrl}contacts?$select=lastname&$orderby=modifiedon desc&$count=true&$skiptoken=`)).toBe(true);
        expect(decodeURIComponent(url)).toMatch(/\$skiptoken=<cookie pagenumber="\d" pagingcookie="[^"]+" istracking="False" \/>$/);
      }
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    // modifiedon desc: the 03 day first (i = 2, 5), then 02 (1, 4), then 01 (0, 3, 6), each by id.
    const modified = seen.map((n) => contacts.find((c) => c.lastname === n)!.modifiedon);
    expect(modified).toEqual([...modified].sort().reverse());

    const top = await api(sandbox, 'GET', 'contacts?$select=lastname&$top=5', undefined, { headers: { prefer: 'odata.maxpagesize=2' } });
    expect(top.body.value).toHaveLength(5);
    expect(top.body).not.toHaveProperty('@odata.nextLink');
  });

  it('a row written between pages neither repeats nor hides the others', async () => {
    const sandbox = await startSandbox({ seed: { contacts: Array.from({ length: 4 }, (_, i) => ({ lastname: `P${i}` })) } });
    const first = await api(sandbox, 'GET', 'contacts?$select=lastname&$orderby=lastname asc', undefined, { headers: { prefer: 'odata.maxpagesize=2' } });
    expect(first.body.value.map((r: { lastname: string }) => r.lastname)).toEqual(['P0', 'P1']);
    expect((await api(sandbox, 'POST', 'contacts', { lastname: 'P00' })).status).toBe(204);
    const second = await api(sandbox, 'GET', first.body['@odata.nextLink'], undefined, { headers: { prefer: 'odata.maxpagesize=2' } });
    expect(second.body.value.map((r: { lastname: string }) => r.lastname)).toEqual(['P2', 'P3']);
  });

  it('include-annotations adds FormattedValue for choices and lookups and the lookup logical name', async () => {
    const sandbox = await seeded();
    const answer = await api(sandbox, 'GET', `contacts?$select=fullname,statecode,_parentcustomerid_value&$filter=lastname eq 'Lovelace'`, undefined, {
      headers: { prefer: 'odata.include-annotations="*"' },
    });
    expect(answer.headers.get('preference-applied')).toBe('odata.include-annotations="*"');
    const ada = answer.body.value[0];
    expect(ada).toMatchObject({
      statecode: 0, 'statecode@OData.Community.Display.V1.FormattedValue': 'Active',
      _parentcustomerid_value: ACCOUNT_ID,
      '_parentcustomerid_value@OData.Community.Display.V1.FormattedValue': 'Acme',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'parentcustomerid_account',
    });
    const listed = await api(sandbox, 'GET', `contacts?$select=statecode&$filter=lastname eq 'Lovelace'`, undefined, {
      headers: { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname", odata.maxpagesize=10' },
    });
    expect(listed.headers.get('preference-applied')).toBe('odata.maxpagesize=10,odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname"');
    expect(listed.body.value[0]['statecode@OData.Community.Display.V1.FormattedValue']).toBe('Active');
    const plain = await api(sandbox, 'GET', `contacts?$select=statecode&$filter=lastname eq 'Lovelace'`);
    expect(Object.keys(plain.body.value[0]).some((k) => k.includes('@OData'))).toBe(false);
    const account = await api(sandbox, 'GET', `accounts(${ACCOUNT_ID})?$select=industrycode`, undefined, { headers: { prefer: 'odata.include-annotations="*"' } });
    expect(account.body['industrycode@OData.Community.Display.V1.FormattedValue']).toBe('Consulting');
  });

  it('$expand nests the row a lookup points at (null when empty or on the other table), on lists, pages and single rows', async () => {
    const sandbox = await seeded();
    const list = await api(sandbox, 'GET', "contacts?$select=fullname&$orderby=lastname asc&$expand=parentcustomerid_account($select=name,industrycode),parentcustomerid_contact", undefined, { headers: { prefer: 'odata.maxpagesize=2' } });
    expect(list.status, list.text).toBe(200);
    expect(list.body.value.map((r: { fullname: string; parentcustomerid_account: unknown; parentcustomerid_contact: unknown }) => [r.fullname, r.parentcustomerid_account, r.parentcustomerid_contact])).toEqual([
      ['Edsger Dijkstra', null, null],
      ['Grace Hopper', null, null],
    ]);
    expect(decodeURIComponent(list.body['@odata.nextLink'])).toContain('$expand=parentcustomerid_account($select=name,industrycode),parentcustomerid_contact&');
    const next = await api(sandbox, 'GET', list.body['@odata.nextLink'], undefined, { headers: { prefer: 'odata.maxpagesize=2' } });
    expect(next.body.value[0]).toMatchObject({ fullname: 'Ada Lovelace', parentcustomerid_account: { '@odata.etag': expect.any(String), name: 'Acme', industrycode: 7, accountid: ACCOUNT_ID } });
    const ada = next.body.value[0].contactid as string;
    const single = await api(sandbox, 'GET', `contacts(${ada})?$select=fullname&$expand=parentcustomerid_account($select=name)`);
    expect(single.body.parentcustomerid_account).toEqual({ '@odata.etag': expect.any(String), name: 'Acme', accountid: ACCOUNT_ID });
    expect((await api(sandbox, 'GET', 'contacts?$expand=nothing')).body.error.code).toBe('0x80060888');
    expect((await api(sandbox, 'GET', 'contacts?$expand=ownerid')).status).toBe(400);
    expect((await api(sandbox, 'GET', 'contacts?$expand=parentcustomerid_account($filter=name eq \'x\')')).status).toBe(400);
  });

  it('single GET: the row with @odata.context and etag, all attributes without $select, 404 0x80040217 when missing', async () => {
    const sandbox = await seeded();
    const row = await api(sandbox, 'GET', `accounts(${ACCOUNT_ID})?$select=name`);
    expect(row.status).toBe(200);
    expect(row.body).toEqual({ '@odata.context': `${sandbox.apiUrl}$metadata#accounts(name)/$entity`, '@odata.etag': expect.stringMatching(/^W\/"\d+"$/), name: 'Acme', accountid: ACCOUNT_ID });
    const full = await api(sandbox, 'GET', `accounts(${ACCOUNT_ID})`);
    expect(full.body).toMatchObject({ name: 'Acme', accountnumber: null, statecode: 0, statuscode: 1, revenue: 1_500_000 });
    expect(full.body.createdon).toMatch(DATAVERSE_TIME);
    expect(typeof full.body.versionnumber).toBe('number');
    expect(full.body['@odata.etag']).toBe(`W/"${full.body.versionnumber}"`);
    const unchanged = await api(sandbox, 'GET', `accounts(${ACCOUNT_ID})`, undefined, { headers: { 'if-none-match': full.body['@odata.etag'] } });
    expect(unchanged.status).toBe(304);
    expect((await api(sandbox, 'GET', `accounts(${ACCOUNT_ID})/name`)).body).toEqual({ '@odata.context': `${sandbox.apiUrl}$metadata#accounts(${ACCOUNT_ID})/name`, value: 'Acme' });
    const missing = await api(sandbox, 'GET', 'accounts(00000000-0000-0000-0000-000000000001)');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: '0x80040217', message: 'account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist' } });
    expect((await api(sandbox, 'GET', 'widgets')).status).toBe(404);
  });
});
