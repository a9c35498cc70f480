/** Lookups are written through the navigation property the org lists (ManyToOneRelationships), e.g. a custom lookup's SchemaName. */
import { describe, expect, it } from 'vitest';
import { createAttribute } from './harness.ts';
import { connect, guid, HOUR_AGO, start } from './helpers.ts';

describe('dynamics lookups bound by their navigation property', () => {
  it('a custom lookup binds through its SchemaName (cg_AccountId); standard ones as before', async () => {
    const sandbox = await start({ accounts: [{ accountid: guid(7), name: 'Acme', modifiedon: HOUR_AGO }] });
    const name = await createAttribute(sandbox, 'contacts', {
      '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', SchemaName: 'cg_AccountId',
      DisplayName: { LocalizedLabels: [{ Label: 'Account', LanguageCode: 1033 }] }, RequiredLevel: { Value: 'None' }, Targets: ['account'],
    });
    expect(name).toBe('cg_accountid');
    const connector = connect(sandbox);
    const [contacts] = await connector.describeObjects(['contacts']);
    expect(contacts!.fields.find((f) => f.name === 'cg_accountid')).toMatchObject({ type: 'reference', referenceTo: ['accounts'], custom: true });

    const created = await connector.createMany('contacts', [{ fields: { lastname: 'Lovelace', cg_accountid: guid(7), parentcustomerid: guid(7) } }]);
    // The sandbox refuses `cg_accountid@odata.bind` (no such navigation property), so this create binding it proves the SchemaName was sent.
    expect(created[0]).toMatchObject({ ok: true });
    const id = created[0]!.ok ? created[0]!.id : '';
    const row = (await connector.fetchByIds('contacts', [id], { fields: ['cg_accountid', 'parentcustomerid'] })).get(id);
    expect(row!.fields).toMatchObject({ cg_accountid: guid(7), parentcustomerid: guid(7) });

    const cleared = await connector.updateMany('contacts', [{ id, fields: { cg_accountid: null } }]);
    expect(cleared[0]).toMatchObject({ ok: true });
    expect((await connector.fetchByIds('contacts', [id], { fields: ['cg_accountid'] })).get(id)!.fields.cg_accountid).toBeNull();
  });
});
