/**
 * `changeCursorAt(T)` for a table with no row last written before T: the connector asks for the delta from version 0
 * (`0!<date>`), which the sandbox answers with everything it keeps, deletions included — so a deletion made after
 * T is seen, with no fallback to a tracked full read (which could not see it).
 */
import { describe, expect, it } from 'vitest';
import type { ChangeFeedReset } from '../../../connectors/dynamics/index.ts';
import { HOUR_AGO, connect, guid, readAll, start } from './helpers.ts';

describe('dynamics change feed from before every row', () => {
  it('sees rows and deletions since T through a delta from version 0, without a fallback', async () => {
    const sandbox = await start({ contacts: [1, 2, 3].map((n) => ({ contactid: guid(n), lastname: `Row${n}`, modifiedon: HOUR_AGO })) });
    const resets: ChangeFeedReset[] = [];
    const connector = connect(sandbox, { onChangeFeedReset: (r) => resets.push(r) });
    const token = await fetch(sandbox.tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sandbox.clientId, client_secret: sandbox.clientSecret, scope: `${sandbox.url}/.default` }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
    expect((await fetch(`${sandbox.apiUrl}contacts(${guid(2)})`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    const twoHoursAgo = new Date(Date.parse(HOUR_AGO) - 3_600_000);
    const { records, deletions } = await readAll(connector, 'contacts', connector.changeCursorAt('contacts', twoHoursAgo), { fields: ['lastname'] });
    expect(records.map((r) => r.fields.lastname).sort()).toEqual(['Row1', 'Row3']);
    expect(deletions.map((d) => d.id)).toEqual([guid(2)]);
    expect(resets).toEqual([]);
  });
});
