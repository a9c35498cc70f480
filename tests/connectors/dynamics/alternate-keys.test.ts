/**
 * Upsert keys come from the org's metadata (`EntityDefinitions(…)/Keys`): describe marks the columns of single-column
 * Active keys externalId, and upsertMany works on any of them once the metadata has been read again.
 */
import { describe, expect, it } from 'vitest';
import { sandboxToken } from './harness.ts';
import { connect, start } from './helpers.ts';

async function createKey(url: string, token: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${url}/api/data/v9.2/EntityDefinitions(LogicalName='contact')/Keys`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (response.status !== 204) throw new Error(`creating a key: ${response.status} ${await response.text()}`);
}

describe('dynamics alternate keys from the org', () => {
  it('a key created through the API becomes an upsert key after the metadata is re-read; a non-key field is refused with the list', async () => {
    const sandbox = await start();
    const connector = connect(sandbox);
    const externalIds = async () => (await connector.describeObjects(['contacts']))[0]!.fields.filter((f) => f.externalId).map((f) => f.name);
    expect(await externalIds()).toEqual(['cg_externalid']);

    const refused = await connector.upsertMany('contacts', [{ externalId: 'ada@acme.test', fields: { lastname: 'Lovelace' } }, { externalId: 'b@acme.test', fields: { lastname: 'B' } }], { externalIdField: 'emailaddress1' });
    for (const r of refused) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('CRM_VALIDATION');
        expect(r.error.message).toContain('cg_externalid_key (cg_externalid)');
        expect(r.error.details).toMatchObject({ fields: ['emailaddress1'], keys: ['cg_externalid'] });
      }
    }
    expect(sandbox.store.all('contacts')).toHaveLength(0);

    const token = await sandboxToken(sandbox);
    await createKey(sandbox.url, token, { SchemaName: 'cg_Email_Key', DisplayName: { LocalizedLabels: [{ Label: 'Email', LanguageCode: 1033 }] }, KeyAttributes: ['emailaddress1'] });
    // A key of two columns is listed but cannot be an externalIdField (one field names one column).
    await createKey(sandbox.url, token, { SchemaName: 'cg_Name_Key', KeyAttributes: ['firstname', 'lastname'] });
    // describeObjects re-reads the metadata (and the keys with it).
    expect((await externalIds()).sort()).toEqual(['cg_externalid', 'emailaddress1']);

    const first = await connector.upsertMany('contacts', [{ externalId: 'ada@acme.test', fields: { lastname: 'Lovelace' } }], { externalIdField: 'emailaddress1' });
    expect(first).toEqual([{ ok: true, id: expect.any(String), created: true }]);
    const second = await connector.upsertMany('contacts', [{ externalId: 'ADA@acme.test', fields: { firstname: 'Ada' } }], { externalIdField: 'emailaddress1' });
    expect(second).toEqual([{ ok: true, id: first[0]!.ok ? first[0]!.id : '', created: false }]);
    expect(sandbox.store.all('contacts')).toEqual([expect.objectContaining({ emailaddress1: 'ada@acme.test', firstname: 'Ada', lastname: 'Lovelace' })]);

    const multi = await connector.upsertMany('contacts', [{ externalId: 'x', fields: { jobtitle: 'x' } }], { externalIdField: 'lastname' });
    expect(!multi[0]!.ok && multi[0]!.error.message).toContain('cg_name_key (firstname, lastname)');
  });
});
