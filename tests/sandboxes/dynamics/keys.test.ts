import { describe, expect, it } from 'vitest';
import { api, startSandbox } from './helpers.ts';

const KEYS = "EntityDefinitions(LogicalName='contact')/Keys";
const code = (b: { error?: { code?: string } }) => b.error?.code;

describe('Dynamics sandbox: alternate keys', () => {
  it('lists cg_externalid_key, creates a key that upserts at once, and deletes it', async () => {
    const sandbox = await startSandbox();
    const list = await api(sandbox, 'GET', `${KEYS}?$select=LogicalName,KeyAttributes,EntityKeyIndexStatus`);
    expect(list.status).toBe(200);
    expect(list.body.value).toEqual([{ MetadataId: expect.any(String), LogicalName: 'cg_externalid_key', KeyAttributes: ['cg_externalid'], EntityKeyIndexStatus: 'Active' }]);

    // emailaddress1 is no key yet: Dataverse's 400 naming the keys the table has.
    const before = await api(sandbox, 'PATCH', "contacts(emailaddress1='ada@acme.test')", { lastname: 'Lovelace' });
    expect(before.status).toBe(400);
    expect(code(before.body)).toBe('0x80060891');
    expect(before.body.error.message).toContain('cg_externalid_key');

    const created = await api(sandbox, 'POST', KEYS, { SchemaName: 'cg_Email_Key', DisplayName: { LocalizedLabels: [{ Label: 'Email', LanguageCode: 1033 }] }, KeyAttributes: ['emailaddress1'] });
    expect(created.status).toBe(204);
    const again = await api(sandbox, 'GET', `${KEYS}(LogicalName='cg_email_key')`);
    expect(again.body).toMatchObject({ LogicalName: 'cg_email_key', KeyAttributes: ['emailaddress1'], EntityKeyIndexStatus: 'Active' });

    const upsert = await api(sandbox, 'PATCH', "contacts(emailaddress1='ada@acme.test')", { lastname: 'Lovelace' });
    expect(upsert.status).toBe(204);
    const read = await api(sandbox, 'GET', "contacts(emailaddress1='ADA@acme.test')?$select=lastname,emailaddress1");
    expect(read.body).toMatchObject({ lastname: 'Lovelace', emailaddress1: 'ada@acme.test' });
    const update = await api(sandbox, 'PATCH', "contacts(emailaddress1='ada@acme.test')", { firstname: 'Ada' });
    expect(update.status).toBe(204);
    expect((await api(sandbox, 'GET', 'contacts?$select=firstname&$filter=lastname eq \'Lovelace\'')).body.value).toHaveLength(1);
    // A second row with the same email is the duplicate-key 412.
    const dup = await api(sandbox, 'POST', 'contacts', { lastname: 'Other', emailaddress1: 'Ada@acme.test' });
    expect(dup.status).toBe(412);
    expect(dup.body.error.message).toContain('cg_email_key');

    expect((await api(sandbox, 'DELETE', `${KEYS}(LogicalName='cg_email_key')`)).status).toBe(204);
    expect((await api(sandbox, 'GET', "contacts(emailaddress1='ada@acme.test')")).status).toBe(400);
  });

  it('takes multi-attribute keys and refuses bad key definitions', async () => {
    const sandbox = await startSandbox();
    expect((await api(sandbox, 'POST', KEYS, { SchemaName: 'cg_Name_Key', KeyAttributes: ['firstname', 'lastname'] })).status).toBe(204);
    expect((await api(sandbox, 'PATCH', "contacts(lastname='Hopper',firstname='Grace')", { jobtitle: 'Admiral' })).status).toBe(204);
    const read = await api(sandbox, 'GET', "contacts(firstname='grace',lastname='hopper')?$select=jobtitle");
    expect(read.body.jobtitle).toBe('Admiral');
    expect((await api(sandbox, 'PATCH', "contacts(firstname='Grace')", { jobtitle: 'x' })).status).toBe(400);

    expect((await api(sandbox, 'POST', KEYS, { SchemaName: 'NoPrefix', KeyAttributes: ['jobtitle'] })).status).toBe(400);
    expect((await api(sandbox, 'POST', KEYS, { SchemaName: 'cg_Nope', KeyAttributes: ['nope'] })).status).toBe(400);
    expect((await api(sandbox, 'POST', KEYS, { SchemaName: 'cg_Memo', KeyAttributes: ['description'] })).status).toBe(400);
    // An attribute in a key cannot be deleted; cg_externalid_key's own column neither.
    expect((await api(sandbox, 'DELETE', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='cg_externalid')")).status).toBe(400);
    expect((await api(sandbox, 'DELETE', `${KEYS}(LogicalName='cg_missing')`)).status).toBe(404);
  });
});
