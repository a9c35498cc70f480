/**
 * A delta token of version 0 (`0!<date>`) means "everything still retained": every live row and every tombstone
 * the org keeps, in version order, ending with a deltaLink — so a client that knows no older version can still see
 * deletions. Any other version below what the org keeps is still 0x80044352.
 */
import { describe, expect, it } from 'vitest';
import { api, control, startSandbox } from './helpers.ts';

const TRACK = { prefer: 'odata.track-changes' };

describe('Dynamics sandbox: delta token 0', () => {
  it('0!<date> returns every row and tombstone retained, even after the delta tokens expired', async () => {
    const sandbox = await startSandbox({ seed: { contacts: [{ lastname: 'A' }, { lastname: 'B' }, { lastname: 'C' }] } });
    const ids = sandbox.store.all('contacts').map((c) => c.contactid as string);
    expect((await api(sandbox, 'DELETE', `contacts(${ids[1]})`)).status).toBe(204);
    await control(sandbox, 'POST', '/dynamics/expire-delta-tokens');
    expect((await api(sandbox, 'PATCH', `contacts(${ids[2]})`, { lastname: 'C2' })).status).toBe(204);
    const answer = await api(sandbox, 'GET', 'contacts?$select=lastname&$deltatoken=0!01/01/2020 00:00:00', undefined, { headers: TRACK });
    expect(answer.status).toBe(200);
    const value = answer.body.value as Record<string, unknown>[];
    // Version order: A (seeded), the tombstone of B, then C changed last.
    expect(value.map((v) => v.lastname ?? v.reason)).toEqual(['A', 'deleted', 'C2']);
    expect(value[1]).toMatchObject({ id: ids[1], reason: 'deleted' });
    expect(answer.body['@odata.deltaLink']).toMatch(/\$deltatoken=\d+/);
    // The new deltaLink goes on from there.
    const next = await api(sandbox, 'GET', answer.body['@odata.deltaLink'] as string, undefined, { headers: TRACK });
    expect(next.status).toBe(200);
    expect(next.body.value).toEqual([]);
    // Version 1 is below the floor: expired as before.
    const old = await api(sandbox, 'GET', 'contacts?$select=lastname&$deltatoken=1!01/01/2020 00:00:00', undefined, { headers: TRACK });
    expect(old.status).toBe(400);
    expect(old.body.error.code).toBe('0x80044352');
  });
});
