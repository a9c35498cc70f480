import { describe, expect, it } from 'vitest';
import { api, control, entityIdOf, GUID, startSandbox } from './helpers.ts';
import { endpointBody, filterId, messageId, register, stepBody } from './webhook-receiver.ts';

const URL = 'https://gateway.example.test/webhooks/dynamics/dynamics-1';

describe('Dynamics sandbox: webhook registration tables', () => {
  it('sdkmessages and sdkmessagefilters are seeded with fixed ids, filtered with the Web API $filter grammar, and read only', async () => {
    const sandbox = await startSandbox();
    const all = await api(sandbox, 'GET', 'sdkmessages');
    expect(all.status).toBe(200);
    expect(all.body.value.map((m: { name: string }) => m.name)).toEqual(['Create', 'Update', 'Delete']);
    const update = await messageId(sandbox, 'Update');
    expect(update).toMatch(GUID);
    const other = await startSandbox();
    expect(await messageId(other, 'Update')).toBe(update);

    const filters = await api(sandbox, 'GET', 'sdkmessagefilters');
    expect(filters.body.value).toHaveLength(9);
    const contactUpdate = await filterId(sandbox, 'Update', 'contact');
    expect(contactUpdate).not.toBe(await filterId(sandbox, 'Create', 'contact'));
    const one = await api(sandbox, 'GET', `sdkmessagefilters(${contactUpdate})`);
    expect(one.body).toMatchObject({ sdkmessagefilterid: contactUpdate, primaryobjecttypecode: 'contact', _sdkmessageid_value: update });

    expect((await api(sandbox, 'POST', 'sdkmessages', { name: 'Merge' })).status).toBe(405);
    const unknown = await api(sandbox, 'GET', "sdkmessages?$filter=bogus eq 'x'");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('0x80060888');
    // The Web API's $filter grammar: functions, `or`, parentheses; a malformed one is Dataverse's 400.
    expect((await api(sandbox, 'GET', "sdkmessages?$filter=contains(name,'Up')")).body.value.map((m: { name: string }) => m.name)).toEqual(['Update']);
    const two = await api(sandbox, 'GET', `sdkmessagefilters?$filter=(_sdkmessageid_value eq ${update} or _sdkmessageid_value eq ${await messageId(sandbox, 'Create')}) and primaryobjecttypecode eq 'account'`);
    expect(two.body.value.map((f: { _sdkmessageid_value: string }) => f._sdkmessageid_value).sort()).toEqual([update, await messageId(sandbox, 'Create')].sort());
    expect((await api(sandbox, 'GET', "sdkmessages?$filter=name eq")).status).toBe(400);
  });

  it('a service endpoint is created (204 + OData-EntityId, or 201 with return=representation) and its authvalue never reads back', async () => {
    const sandbox = await startSandbox();
    const created = await api(sandbox, 'POST', 'serviceendpoints', endpointBody(URL, 'k1'));
    expect(created.status, created.text).toBe(204);
    const id = entityIdOf(created);
    expect(created.headers.get('odata-entityid')).toBe(`${sandbox.apiUrl}serviceendpoints(${id})`);

    const repr = await api(sandbox, 'POST', 'serviceendpoints?$select=name,authvalue', endpointBody(URL, 'k2', { name: 'other' }), { headers: { prefer: 'return=representation' } });
    expect(repr.status, repr.text).toBe(201);
    expect(repr.body).toMatchObject({ name: 'other', authvalue: null });

    const listed = await api(sandbox, 'GET', `serviceendpoints?$filter=serviceendpointid eq ${id}`);
    expect(listed.body.value).toEqual([{
      serviceendpointid: id, name: 'customer-graph dynamics-1', description: 'customer-graph webhook', url: URL, contract: 8, authtype: 5,
      authvalue: null, messageformat: 2, userclaim: 1,
    }]);
    expect(listed.text).not.toContain('k1');
    const single = await api(sandbox, 'GET', `serviceendpoints(${id})?$select=authvalue`);
    expect(single.body).toMatchObject({ serviceendpointid: id, authvalue: null });
    expect((await api(sandbox, 'GET', "serviceendpoints?$filter=name eq 'OTHER'")).body.value).toHaveLength(1);
  });

  it('refuses a bad endpoint with 400 in the Dataverse error envelope and stores nothing', async () => {
    const sandbox = await startSandbox();
    const bad: [string, Record<string, unknown>][] = [
      ['contract', { contract: 1 }],
      ['authvalue', { authvalue: 'x-customer-graph-key: k' }],
      ['authvalue', { authvalue: '<settings></settings>' }],
      ['authvalue', { authvalue: '<settings><setting name="bad header" value="v" /></settings>' }],
      ['authtype', { authtype: 4 }],
      ['messageformat', { messageformat: 1 }],
      ['url', { url: 'ftp://example.test/x' }],
      ['url', { url: '/relative' }],
      ['name', { name: '' }],
      ['bogus', { bogus: 1 }],
    ];
    for (const [what, patch] of bad) {
      const answer = await api(sandbox, 'POST', 'serviceendpoints', endpointBody(URL, 'k', patch));
      expect(answer.status, `${what}: ${answer.text}`).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/json; odata.metadata=minimal');
      expect(answer.body.error).toEqual({ code: expect.stringMatching(/^0x[0-9a-f]{8}$/), message: expect.stringContaining(what) });
    }
    expect((await api(sandbox, 'GET', 'serviceendpoints')).body.value).toEqual([]);
    // Several settings, either attribute order, XML escapes: accepted.
    const several = '<settings><setting name="x-customer-graph-key" value="a&amp;b" /><setting value="v" name="x-other" /></settings>';
    expect((await api(sandbox, 'POST', 'serviceendpoints', endpointBody(URL, 'k', { authvalue: several }))).status).toBe(204);
  });

  it('steps: created with binds, listed by _eventhandler_value, validated, and an endpoint with steps cannot be deleted', async () => {
    const sandbox = await startSandbox();
    const { endpointId, stepIds } = await register(sandbox, URL, [['Create', 'contact'], ['Update', 'account', { filteringattributes: 'name, telephone1' }]]);
    const other = await register(sandbox, `${URL}-2`, [['Delete', 'opportunity']]);
    const listed = await api(sandbox, 'GET', `sdkmessageprocessingsteps?$filter=_eventhandler_value eq ${endpointId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.value.map((s: { sdkmessageprocessingstepid: string }) => s.sdkmessageprocessingstepid)).toEqual(stepIds);
    expect(listed.body.value[1]).toMatchObject({
      name: 'customer-graph dynamics-1 Update account', mode: 1, stage: 40, filteringattributes: 'name,telephone1',
      _sdkmessageid_value: await messageId(sandbox, 'Update'), _sdkmessagefilterid_value: await filterId(sandbox, 'Update', 'account'), _eventhandler_value: endpointId,
    });
    const selected = await api(sandbox, 'GET', `sdkmessageprocessingsteps?$select=name&$filter=_eventhandler_value eq ${other.endpointId}`);
    expect(selected.body.value).toEqual([{ sdkmessageprocessingstepid: other.stepIds[0], name: 'customer-graph dynamics-1 Delete opportunity' }]);

    const base = await stepBody(sandbox, endpointId, 'Update', 'contact');
    const missingGuid = '00000000-0000-4000-8000-000000000000';
    const bad: [string, Record<string, unknown>][] = [
      ['unknown endpoint', { 'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${missingGuid})` }],
      ['unknown message', { 'sdkmessageid@odata.bind': `/sdkmessages(${missingGuid})` }],
      ['unknown filter', { 'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${missingGuid})` }],
      ['filter of another message', { 'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${await filterId(sandbox, 'Create', 'contact')})` }],
      ['bind to the wrong set', { 'sdkmessageid@odata.bind': `/serviceendpoints(${endpointId})` }],
      ['synchronous', { mode: 0 }],
      ['pre-operation', { stage: 20 }],
      ['no name', { name: '' }],
    ];
    for (const [what, patch] of bad) {
      const answer = await api(sandbox, 'POST', 'sdkmessageprocessingsteps', { ...base, ...patch });
      expect(answer.status, `${what}: ${answer.text}`).toBe(400);
      expect(answer.body.error.code, what).toMatch(/^0x[0-9a-f]{8}$/);
    }
    const { 'eventhandler_serviceendpoint@odata.bind': _drop, ...unbound } = base;
    expect((await api(sandbox, 'POST', 'sdkmessageprocessingsteps', unbound)).status).toBe(400);
    expect((await api(sandbox, 'GET', 'sdkmessageprocessingsteps')).body.value).toHaveLength(3);

    const refused = await api(sandbox, 'DELETE', `serviceendpoints(${endpointId})`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('0x8004f01f');
    expect(refused.body.error.message).toContain('Remove the steps first');
    for (const id of stepIds) expect((await api(sandbox, 'DELETE', `sdkmessageprocessingsteps(${id})`)).status).toBe(204);
    expect((await api(sandbox, 'DELETE', `sdkmessageprocessingsteps(${stepIds[0]})`)).status).toBe(404);
    expect((await api(sandbox, 'DELETE', `serviceendpoints(${endpointId})`)).status).toBe(204);
    expect((await api(sandbox, 'GET', `serviceendpoints(${endpointId})`)).status).toBe(404);

    expect((await control(sandbox, 'POST', '/reset', {})).status).toBe(200);
    expect((await api(sandbox, 'GET', 'serviceendpoints')).body.value).toEqual([]);
    expect((await api(sandbox, 'GET', 'sdkmessageprocessingsteps')).body.value).toEqual([]);
  });
});
