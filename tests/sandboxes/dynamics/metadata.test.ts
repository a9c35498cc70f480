import { describe, expect, it } from 'vitest';
import { api, entityIdOf, GUID, startSandbox } from './helpers.ts';

describe('Dynamics sandbox: metadata', () => {
  it('lists every table of the org with the selected properties, and one by LogicalName', async () => {
    const sandbox = await startSandbox();
    const list = await api(sandbox, 'GET', 'EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute');
    expect(list.status).toBe(200);
    const byName = Object.fromEntries(list.body.value.map((e: { LogicalName: string }) => [e.LogicalName, e]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['contact', 'account', 'opportunity', 'lead', 'incident', 'systemuser']));
    expect(byName.contact).toEqual({ MetadataId: expect.stringMatching(GUID), LogicalName: 'contact', EntitySetName: 'contacts', PrimaryIdAttribute: 'contactid', PrimaryNameAttribute: 'fullname' });
    expect(byName.opportunity.EntitySetName).toBe('opportunities');
    const one = await api(sandbox, 'GET', "EntityDefinitions(LogicalName='account')");
    expect(one.body).toMatchObject({ LogicalName: 'account', EntitySetName: 'accounts', PrimaryNameAttribute: 'name', MetadataId: byName.account.MetadataId });
    expect(one.body.DisplayName.UserLocalizedLabel.Label).toBe('Account');
    expect((await api(sandbox, 'GET', `EntityDefinitions(${byName.account.MetadataId})`)).body.LogicalName).toBe('account');
    expect((await api(sandbox, 'GET', "EntityDefinitions(LogicalName='nope')")).status).toBe(404);
  });

  it('describes attributes with type, required level, validity, length, format and targets', async () => {
    const sandbox = await startSandbox();
    const answer = await api(sandbox, 'GET', "EntityDefinitions(LogicalName='contact')/Attributes");
    expect(answer.status).toBe(200);
    const byName = Object.fromEntries(answer.body.value.map((a: { LogicalName: string }) => [a.LogicalName, a]));
    expect(byName.firstname).toMatchObject({
      '@odata.type': '#Microsoft.Dynamics.CRM.StringAttributeMetadata', LogicalName: 'firstname', AttributeType: 'String',
      AttributeTypeName: { Value: 'StringType' }, DisplayName: { UserLocalizedLabel: { Label: 'First Name' } },
      RequiredLevel: { Value: 'None' }, IsValidForCreate: true, IsValidForUpdate: true, IsValidForRead: true,
      IsCustomAttribute: false, IsPrimaryId: false, MaxLength: 50,
    });
    expect(byName.lastname.RequiredLevel.Value).toBe('ApplicationRequired');
    expect(byName.fullname).toMatchObject({ IsValidForCreate: false, IsValidForUpdate: false, MaxLength: 160 });
    expect(byName.contactid).toMatchObject({ AttributeType: 'Uniqueidentifier', IsPrimaryId: true });
    expect(byName.birthdate).toMatchObject({ AttributeType: 'DateTime', Format: 'DateOnly' });
    expect(byName.modifiedon).toMatchObject({ AttributeType: 'DateTime', Format: 'DateAndTime', IsValidForUpdate: false });
    expect(byName.parentcustomerid).toMatchObject({ '@odata.type': '#Microsoft.Dynamics.CRM.LookupAttributeMetadata', AttributeType: 'Customer', Targets: ['account', 'contact'] });
    expect(byName.ownerid.AttributeType).toBe('Owner');
    expect(byName.statecode.AttributeType).toBe('State');
    expect(byName.versionnumber.AttributeType).toBe('BigInt');
    expect(byName.cg_externalid).toMatchObject({ AttributeType: 'String', MaxLength: 100, IsCustomAttribute: true });
    const selected = await api(sandbox, 'GET', "EntityDefinitions(LogicalName='account')/Attributes?$select=LogicalName,AttributeType");
    expect(selected.body.value.find((a: { LogicalName: string }) => a.LogicalName === 'revenue')).toEqual({
      '@odata.type': '#Microsoft.Dynamics.CRM.MoneyAttributeMetadata', MetadataId: expect.stringMatching(GUID), LogicalName: 'revenue', AttributeType: 'Money',
    });
  });

  it('reads the options of choices through the Picklist, State and Status casts', async () => {
    const sandbox = await startSandbox();
    const optionsOf = async (cast: string) => {
      const answer = await api(sandbox, 'GET', `EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.${cast}?$select=LogicalName&$expand=OptionSet($select=Options)`);
      expect(answer.status, answer.text).toBe(200);
      return Object.fromEntries(answer.body.value.map((a: { LogicalName: string; OptionSet: { Options: { Value: number; Label: { UserLocalizedLabel: { Label: string } } }[] } }) =>
        [a.LogicalName, a.OptionSet.Options.map((o) => [o.Value, o.Label.UserLocalizedLabel.Label])]));
    };
    expect(await optionsOf('PicklistAttributeMetadata')).toEqual({ salesstage: [[0, 'Qualify'], [1, 'Develop'], [2, 'Propose'], [3, 'Close']] });
    expect(await optionsOf('StateAttributeMetadata')).toEqual({ statecode: [[0, 'Open'], [1, 'Won'], [2, 'Lost']] });
    const status = await optionsOf('StatusAttributeMetadata');
    expect(status.statuscode.map((o: [number, string]) => o[0])).toEqual([1, 2, 3, 4, 5]);
    const single = await api(sandbox, 'GET', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='statecode')/Microsoft.Dynamics.CRM.StateAttributeMetadata?$expand=OptionSet");
    expect(single.body.OptionSet.Options.map((o: { Value: number; DefaultStatus: number }) => [o.Value, o.DefaultStatus])).toEqual([[0, 1], [1, 2]]);
    expect((await api(sandbox, 'GET', "EntityDefinitions(LogicalName='contact')/Attributes?$expand=OptionSet")).status).toBe(400);
  });

  it('creates a custom attribute (204 + OData-EntityId) that rows then read and write, and deletes it', async () => {
    const sandbox = await startSandbox({ seed: { contacts: [{ lastname: 'Old' }] } });
    const created = await api(sandbox, 'POST', "EntityDefinitions(LogicalName='contact')/Attributes", {
      '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'cg_Nickname',
      DisplayName: { LocalizedLabels: [{ Label: 'Nickname', LanguageCode: 1033 }] }, RequiredLevel: { Value: 'None' }, MaxLength: 10,
    });
    expect(created.status).toBe(204);
    expect(created.headers.get('odata-entityid')).toMatch(new RegExp(`^${sandbox.apiUrl.replace(/[.]/g, '\\.')}EntityDefinitions\\([0-9a-f-]{36}\\)/Attributes\\([0-9a-f-]{36}\\)$`));
    const attr = await api(sandbox, 'GET', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='cg_nickname')");
    expect(attr.body).toMatchObject({ LogicalName: 'cg_nickname', SchemaName: 'cg_Nickname', AttributeType: 'String', MaxLength: 10, IsCustomAttribute: true, DisplayName: { UserLocalizedLabel: { Label: 'Nickname' } } });
    expect((await api(sandbox, 'GET', 'contacts?$select=cg_nickname')).body.value).toEqual([expect.objectContaining({ cg_nickname: null })]);
    const id = entityIdOf(await api(sandbox, 'POST', 'contacts', { lastname: 'New', cg_nickname: 'Nick' }));
    expect(sandbox.store.get('contacts', id)!.cg_nickname).toBe('Nick');
    expect((await api(sandbox, 'POST', 'contacts', { lastname: 'Long', cg_nickname: 'x'.repeat(11) })).body.error.code).toBe('0x80044331');

    const choice = await api(sandbox, 'POST', "EntityDefinitions(LogicalName='contact')/Attributes", {
      '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata', SchemaName: 'cg_Tier', DisplayName: { LocalizedLabels: [{ Label: 'Tier', LanguageCode: 1033 }] },
      OptionSet: { IsGlobal: false, Options: [{ Label: { LocalizedLabels: [{ Label: 'Gold', LanguageCode: 1033 }] } }, { Label: { LocalizedLabels: [{ Label: 'Silver', LanguageCode: 1033 }] } }] },
    });
    expect(choice.status).toBe(204);
    const tiers = await api(sandbox, 'GET', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='cg_tier')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$expand=OptionSet($select=Options)");
    expect(tiers.body.OptionSet.Options.map((o: { Value: number }) => o.Value)).toEqual([100000000, 100000001]);
    for (const [type, schema] of [['IntegerAttributeMetadata', 'cg_Score'], ['BooleanAttributeMetadata', 'cg_Vip'], ['DateTimeAttributeMetadata', 'cg_Since']]) {
      const answer = await api(sandbox, 'POST', "EntityDefinitions(LogicalName='account')/Attributes", { '@odata.type': `Microsoft.Dynamics.CRM.${type}`, SchemaName: schema, DisplayName: { LocalizedLabels: [{ Label: schema, LanguageCode: 1033 }] } });
      expect(answer.status, answer.text).toBe(204);
    }
    expect((await api(sandbox, 'POST', 'accounts', { name: 'Typed', cg_score: 5, cg_vip: true, cg_since: '2024-01-02T03:04:05Z' })).status).toBe(204);

    const duplicate = await api(sandbox, 'POST', "EntityDefinitions(LogicalName='contact')/Attributes", { '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'cg_Nickname' });
    expect(duplicate.status).toBe(400);
    expect((await api(sandbox, 'POST', "EntityDefinitions(LogicalName='contact')/Attributes", { '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'Nickname2' })).status).toBe(400);

    expect((await api(sandbox, 'DELETE', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='cg_nickname')")).status).toBe(204);
    const after = await api(sandbox, 'GET', 'contacts?$select=cg_nickname');
    expect(after.status).toBe(400);
    expect(after.body.error).toEqual({ code: '0x80060888', message: "Could not find a property named 'cg_nickname' on type 'Microsoft.Dynamics.CRM.contact'." });
    expect(sandbox.store.get('contacts', id)).not.toHaveProperty('cg_nickname');
    expect((await api(sandbox, 'DELETE', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='firstname')")).status).toBe(400);
    expect((await api(sandbox, 'DELETE', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='cg_externalid')")).status).toBe(400);
  });
});
