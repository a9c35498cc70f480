import { describe, expect, it } from 'vitest';
import type { RunningDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import { api, control, entityIdOf, startSandbox } from './helpers.ts';

const TRACK = { prefer: 'odata.track-changes' };

/** Follows nextLinks of a tracked read; returns every entry and the final deltaLink. */
async function readAll(sandbox: RunningDynamicsSandbox, url: string, pageSize?: number) {
  const headers = { prefer: `odata.track-changes${pageSize ? `,odata.maxpagesize=${pageSize}` : ''}` };
  const entries: Record<string, unknown>[] = [];
  let pages = 0;
  for (let next = url; ;) {
    const answer = await api(sandbox, 'GET', next, undefined, { headers });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('preference-applied')).toContain('odata.track-changes');
    entries.push(...answer.body.value);
    pages++;
    if (answer.body['@odata.nextLink']) {
      expect(answer.body).not.toHaveProperty('@odata.deltaLink');
      next = answer.body['@odata.nextLink'];
      continue;
    }
    return { entries, pages, deltaLink: answer.body['@odata.deltaLink'] as string, context: answer.body['@odata.context'] as string };
  }
}

describe('Dynamics sandbox: change tracking', () => {
  it('full tracked read → deltaLink → changes and deletes → delta shows rows and tombstones in version order, paged', async () => {
    const sandbox = await startSandbox({ seed: { contacts: Array.from({ length: 5 }, (_, i) => ({ lastname: `Seed ${i}`, emailaddress1: `s${i}@x.test` })) } });
    const full = await readAll(sandbox, 'contacts?$select=lastname,emailaddress1', 2);
    expect(full.pages).toBe(3);
    expect(full.entries.map((e) => e.lastname).sort()).toEqual(['Seed 0', 'Seed 1', 'Seed 2', 'Seed 3', 'Seed 4']);
    expect(decodeURIComponent(full.deltaLink)).toMatch(new RegExp(`^${sandbox.apiUrl.replace(/\./g, '\\.')}contacts\\?\\$select=lastname,emailaddress1&\\$deltatoken=\\d+!\\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}:\\d{2}$`));

    const nothing = await readAll(sandbox, full.deltaLink);
    expect(nothing.entries).toEqual([]);
    expect(nothing.context).toBe(`${sandbox.apiUrl}$metadata#contacts(lastname,emailaddress1)/$delta`);

    const ids = Object.fromEntries(sandbox.store.all('contacts').map((c) => [c.lastname, c.contactid as string]));
    await api(sandbox, 'PATCH', `contacts(${ids['Seed 1']})`, { emailaddress1: 'changed@x.test' });
    await api(sandbox, 'DELETE', `contacts(${ids['Seed 3']})`);
    const added = entityIdOf(await api(sandbox, 'POST', 'contacts', { lastname: 'Added' }));
    await api(sandbox, 'PATCH', `contacts(${ids['Seed 0']})`, { lastname: 'Seed 0 renamed' });

    const delta = await readAll(sandbox, full.deltaLink, 3);
    expect(delta.pages).toBe(2);
    expect(delta.entries).toEqual([
      { '@odata.etag': expect.any(String), contactid: ids['Seed 1'], lastname: 'Seed 1', emailaddress1: 'changed@x.test' },
      { '@odata.context': `${sandbox.apiUrl}$metadata#contacts/$deletedEntity`, id: ids['Seed 3'], reason: 'deleted' },
      { '@odata.etag': expect.any(String), contactid: added, lastname: 'Added', emailaddress1: null },
      { '@odata.etag': expect.any(String), contactid: ids['Seed 0'], lastname: 'Seed 0 renamed', emailaddress1: 's0@x.test' },
    ]);
    // The new deltaLink starts after all of that.
    expect((await readAll(sandbox, delta.deltaLink)).entries).toEqual([]);
    await api(sandbox, 'DELETE', `contacts(${added})`);
    expect((await readAll(sandbox, delta.deltaLink)).entries).toEqual([{ '@odata.context': `${sandbox.apiUrl}$metadata#contacts/$deletedEntity`, id: added, reason: 'deleted' }]);
  });

  it('a row written while a tracked full read pages is in the next delta', async () => {
    const sandbox = await startSandbox({ seed: { accounts: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] } });
    const first = await api(sandbox, 'GET', 'accounts?$select=name', undefined, { headers: { prefer: 'odata.track-changes,odata.maxpagesize=2' } });
    const written = entityIdOf(await api(sandbox, 'POST', 'accounts', { name: 'During' }));
    const rest = await readAll(sandbox, first.body['@odata.nextLink'], 2);
    const delta = await readAll(sandbox, rest.deltaLink);
    expect(delta.entries.map((e) => e.accountid)).toEqual([written]);
  });

  it('refuses $filter (and $orderby, $top) with change tracking', async () => {
    const sandbox = await startSandbox();
    const answer = await api(sandbox, 'GET', "contacts?$select=lastname&$filter=lastname eq 'x'", undefined, { headers: TRACK });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/^\$filter is not supported with change tracking/);
    expect((await api(sandbox, 'GET', 'contacts?$orderby=lastname', undefined, { headers: TRACK })).status).toBe(400);
    expect((await api(sandbox, 'GET', 'contacts?$top=1', undefined, { headers: TRACK })).status).toBe(400);
  });

  it('an expired, reset-away or unknown token is 400 0x80044352', async () => {
    const sandbox = await startSandbox({ seed: { contacts: [{ lastname: 'A' }] } });
    const expired = { error: { code: '0x80044352', message: 'Version stamp associated with the client has expired. Read the table again with Prefer: odata.track-changes.' } };
    const { deltaLink } = await readAll(sandbox, 'contacts?$select=lastname');
    expect((await api(sandbox, 'GET', deltaLink, undefined, { headers: TRACK })).status).toBe(200);
    expect((await control(sandbox, 'POST', '/dynamics/expire-delta-tokens')).status).toBe(200);
    const answer = await api(sandbox, 'GET', deltaLink, undefined, { headers: TRACK });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(expired);
    // A fresh full read works again at once.
    const fresh = await readAll(sandbox, 'contacts?$select=lastname');
    expect((await api(sandbox, 'GET', fresh.deltaLink, undefined, { headers: TRACK })).status).toBe(200);
    await control(sandbox, 'POST', '/reset');
    expect((await api(sandbox, 'GET', fresh.deltaLink, undefined, { headers: TRACK })).body).toEqual(expired);
    expect((await api(sandbox, 'GET', 'contacts?$deltatoken=garbage', undefined, { headers: TRACK })).body).toEqual(expired);
    expect((await api(sandbox, 'GET', 'contacts?$deltatoken=999999999!01/01/2030 00:00:00', undefined, { headers: TRACK })).body).toEqual(expired);
  });

  it('deltaRetentionVersions: a token older than that many versions expires', async () => {
    const sandbox = await startSandbox({ deltaRetentionVersions: 2, seed: { contacts: [{ lastname: 'A' }] } });
    const { deltaLink } = await readAll(sandbox, 'contacts?$select=lastname');
    await api(sandbox, 'POST', 'contacts', { lastname: 'B' });
    await api(sandbox, 'POST', 'contacts', { lastname: 'C' });
    expect((await api(sandbox, 'GET', deltaLink, undefined, { headers: TRACK })).body.value).toHaveLength(2);
    await api(sandbox, 'POST', 'contacts', { lastname: 'D' });
    const answer = await api(sandbox, 'GET', deltaLink, undefined, { headers: TRACK });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('0x80044352');
  });
});
