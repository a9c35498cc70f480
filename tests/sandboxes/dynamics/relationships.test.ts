import { describe, expect, it } from 'vitest';
import { api, entityIdOf, startSandbox } from './helpers.ts';

const REL = "EntityDefinitions(LogicalName='contact')/ManyToOneRelationships?$select=ReferencingAttribute,ReferencingEntityNavigationPropertyName,ReferencedEntity";

describe('Dynamics sandbox: many-to-one relationships and custom lookups', () => {
  it('lists the navigation property of every lookup; a custom lookup binds by its SchemaName only', async () => {
    const sandbox = await startSandbox();
    const nav = async (entity = 'contact') => {
      const answer = await api(sandbox, 'GET', REL.replace("'contact'", `'${entity}'`));
      expect(answer.status).toBe(200);
      return answer.body.value.map((r: Record<string, string>) => `${r.ReferencingAttribute}>${r.ReferencedEntity}:${r.ReferencingEntityNavigationPropertyName}`);
    };
    expect(await nav()).toEqual(expect.arrayContaining(['parentcustomerid>account:parentcustomerid_account', 'parentcustomerid>contact:parentcustomerid_contact', 'ownerid>systemuser:ownerid']));
    expect(await nav('opportunity')).toEqual(expect.arrayContaining(['customerid>account:customerid_account', 'customerid>contact:customerid_contact', 'parentaccountid>account:parentaccountid', 'parentcontactid>contact:parentcontactid']));

    const created = await api(sandbox, 'POST', "EntityDefinitions(LogicalName='contact')/Attributes", {
      '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', SchemaName: 'cg_AccountId', DisplayName: { LocalizedLabels: [{ Label: 'Account', LanguageCode: 1033 }] },
      RequiredLevel: { Value: 'None' }, Targets: ['account'],
    });
    expect(created.status).toBe(204);
    expect(await nav()).toContain('cg_accountid>account:cg_AccountId');
    const attr = await api(sandbox, 'GET', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='cg_accountid')");
    expect(attr.body).toMatchObject({ AttributeType: 'Lookup', Targets: ['account'], IsCustomAttribute: true });

    const account = entityIdOf(await api(sandbox, 'POST', 'accounts', { name: 'Acme' }));
    // The logical name is no navigation property (Dataverse wants the schema name).
    const wrong = await api(sandbox, 'POST', 'contacts', { lastname: 'Wrong', 'cg_accountid@odata.bind': `/accounts(${account})` });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('0x80060888');
    const ok = await api(sandbox, 'POST', 'contacts', { lastname: 'Right', 'cg_AccountId@odata.bind': `/accounts(${account})` });
    expect(ok.status).toBe(204);
    const row = await api(sandbox, 'GET', `contacts(${entityIdOf(ok)})?$select=_cg_accountid_value`);
    expect(row.body._cg_accountid_value).toBe(account);
    // Refused: more than one target, an unknown table.
    for (const Targets of [['account', 'contact'], ['nope']]) {
      expect((await api(sandbox, 'POST', "EntityDefinitions(LogicalName='contact')/Attributes", { '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', SchemaName: 'cg_Other', Targets })).status).toBe(400);
    }
  });
});
