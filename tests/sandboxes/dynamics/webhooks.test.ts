import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { api, control, entityIdOf, GUID, startSandbox, token } from './helpers.ts';
import { drained, KEY_HEADER, register, startReceiver } from './webhook-receiver.ts';

const CONTRACTS = 'http://schemas.microsoft.com/xrm/2011/Contracts';
const DATE = /^\/Date\(\d+\)\/$/;
const ALL_CONTACT: [string, string][] = [['Create', 'contact'], ['Update', 'contact'], ['Delete', 'contact']];

/** A `$batch` body of one changeset of JSON operations (`method url body`). */
function changeset(ops: [string, string, unknown?][]): string {
  const lines = ['--batch_W', 'Content-Type: multipart/mixed; boundary=changeset_W', ''];
  ops.forEach(([method, url, body], i) => {
    lines.push('--changeset_W', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', `Content-ID: ${i + 1}`, '', `${method} ${url} HTTP/1.1`);
    if (body !== undefined) lines.push('Content-Type: application/json; type=entry');
    lines.push('', body === undefined ? '' : JSON.stringify(body));
  });
  lines.push('--changeset_W--', '--batch_W--', '');
  return lines.join('\r\n');
}

describe('Dynamics sandbox: webhook delivery', () => {
  it('create, update and delete each POST the RemoteExecutionContext with the endpoint key and the Dataverse headers', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    const { stepIds: [createStep, updateStep, deleteStep] } = await register(sandbox, receiver.url, ALL_CONTACT, 'k-123');
    const created = await api(sandbox, 'POST', 'contacts', { firstname: 'Ada', lastname: 'Lovelace', telephone1: '+1 415 555 0100' });
    expect(created.status).toBe(204);
    const id = entityIdOf(created);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    const [got] = receiver.received;
    const body = got!.body;
    expect(got!.headers).toMatchObject({
      'content-type': 'application/json', [KEY_HEADER]: 'k-123', 'x-request-id': body.RequestId, 'x-ms-dynamics-organization': new URL(sandbox.url).host,
      'x-ms-dynamics-entity-name': 'contact', 'x-ms-dynamics-request-name': 'Create', 'x-ms-correlation-request-id': body.CorrelationId,
    });
    const guid = expect.stringMatching(GUID);
    expect(body).toEqual({
      BusinessUnitId: guid, CorrelationId: guid, Depth: 1, InitiatingUserId: guid,
      InputParameters: [{ key: 'Target', value: {
        __type: `Entity:${CONTRACTS}`,
        Attributes: [{ key: 'firstname', value: 'Ada' }, { key: 'lastname', value: 'Lovelace' }, { key: 'telephone1', value: '+1 415 555 0100' }, { key: 'contactid', value: id }],
        EntityState: null, FormattedValues: [], Id: id, KeyAttributes: [], LogicalName: 'contact', RelatedEntities: [],
        RowVersion: String(sandbox.store.get('contacts', id)!.versionnumber),
      } }],
      IsExecutingOffline: false, IsInTransaction: false, IsOfflinePlayback: false, IsolationMode: 1, MessageName: 'Create', Mode: 1,
      OperationCreatedOn: expect.stringMatching(DATE), OperationId: guid, OrganizationId: guid, OrganizationName: expect.any(String),
      OutputParameters: [{ key: 'id', value: id }],
      OwningExtension: { Id: createStep, KeyAttributes: [], LogicalName: 'sdkmessageprocessingstep', Name: 'customer-graph dynamics-1 Create contact', RowVersion: null },
      ParentContext: null, PostEntityImages: [], PreEntityImages: [], PrimaryEntityId: id, PrimaryEntityName: 'contact', RequestId: guid,
      SecondaryEntityName: 'none', SharedVariables: [], Stage: 40, UserId: guid,
    });
    const createdOn = Number(/\d+/.exec(body.OperationCreatedOn)![0]);
    expect(Math.abs(createdOn - Date.now())).toBeLessThan(10_000);
    const whoAmI = (await api(sandbox, 'GET', 'WhoAmI')).body;
    expect(body).toMatchObject({ UserId: whoAmI.UserId, InitiatingUserId: whoAmI.UserId, BusinessUnitId: whoAmI.BusinessUnitId, OrganizationId: whoAmI.OrganizationId });

    // A write of a table with no step sends nothing.
    expect((await api(sandbox, 'POST', 'accounts', { name: 'Analytical Engines' })).status).toBe(204);
    expect((await api(sandbox, 'PATCH', `contacts(${id})`, { telephone1: '+44 20 7946 0000' })).status).toBe(204);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 10_000 });
    const update = receiver.received[1]!;
    expect(update.headers['x-ms-dynamics-request-name']).toBe('Update');
    expect(update.body).toMatchObject({ MessageName: 'Update', PrimaryEntityId: id, OutputParameters: [], OwningExtension: { Id: updateStep } });
    expect(update.body.InputParameters[0].value.Attributes).toEqual([{ key: 'telephone1', value: '+44 20 7946 0000' }, { key: 'contactid', value: id }]);
    expect(update.body.OperationId).not.toBe(body.OperationId);

    expect((await api(sandbox, 'DELETE', `contacts(${id})`)).status).toBe(204);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(3), { timeout: 10_000 });
    const deleted = receiver.received[2]!;
    expect(deleted.headers['x-ms-dynamics-request-name']).toBe('Delete');
    expect(deleted.body).toMatchObject({ MessageName: 'Delete', PrimaryEntityId: id, OwningExtension: { Id: deleteStep } });
    expect(deleted.body.InputParameters).toEqual([{ key: 'Target', value: {
      __type: `EntityReference:${CONTRACTS}`, Id: id, KeyAttributes: [], LogicalName: 'contact', Name: null, RowVersion: null,
    } }]);
    await drained(sandbox);
    expect(receiver.received).toHaveLength(3);

    const log = (await control(sandbox, 'GET', '/dynamics/webhooks/deliveries')).body.deliveries;
    expect(log.map((e: { messageName: string }) => e.messageName)).toEqual(['Create', 'Update', 'Delete']);
    expect(log[0]).toMatchObject({ operationId: body.OperationId, stepId: createStep, url: receiver.url, entityName: 'contact', primaryEntityId: id, attempt: 1, status: 200, ok: true });
    expect((await control(sandbox, 'GET', '/dynamics/webhooks')).body).toMatchObject({ enabled: true, delivered: 3, deadLettered: 0, pending: 0 });
  });

  it('an Update step with filteringattributes fires only when the write names one of them; lookups count by their attribute', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    await register(sandbox, receiver.url, [['Update', 'contact', { filteringattributes: 'telephone1,parentcustomerid' }]]);
    const id = entityIdOf(await api(sandbox, 'POST', 'contacts', { lastname: 'Hopper' }));
    const account = entityIdOf(await api(sandbox, 'POST', 'accounts', { name: 'Navy' }));
    expect((await api(sandbox, 'PATCH', `contacts(${id})`, { jobtitle: 'Rear Admiral' })).status).toBe(204);
    await drained(sandbox);
    await sleep(50);
    expect(receiver.received).toHaveLength(0);
    expect((await api(sandbox, 'PATCH', `contacts(${id})`, { jobtitle: 'Admiral', 'parentcustomerid_account@odata.bind': `/accounts(${account})` })).status).toBe(204);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    expect(receiver.received[0]!.body.InputParameters[0].value.Attributes).toEqual([
      { key: 'jobtitle', value: 'Admiral' },
      { key: 'parentcustomerid', value: { __type: `EntityReference:${CONTRACTS}`, Id: account, KeyAttributes: [], LogicalName: 'account', Name: null, RowVersion: null } },
      { key: 'contactid', value: id },
    ]);
  });

  it('writes inside $batch deliver, upserts deliver Create or Update, and a rolled-back changeset delivers nothing', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    await register(sandbox, receiver.url, [['Create', 'account'], ['Update', 'account']]);
    const batch = async (body: string) => {
      const res = await fetch(`${sandbox.apiUrl}$batch`, {
        method: 'POST', body, headers: { authorization: `Bearer ${await token(sandbox)}`, 'content-type': 'multipart/mixed; boundary=batch_W' },
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const failed = await batch(changeset([['POST', 'accounts', { name: 'Rolled back' }], ['POST', 'accounts', { bogus: 1 }]]));
    expect(failed).toContain('400');
    const ok = await batch(changeset([['POST', 'accounts', { name: 'In batch' }], ['PATCH', '$1', { telephone1: '555' }]]));
    expect(ok).toContain('204');
    await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 10_000 });
    expect(receiver.received.map((r) => r.body.MessageName)).toEqual(['Create', 'Update']);
    expect(receiver.received[0]!.body.InputParameters[0].value.Attributes[0]).toEqual({ key: 'name', value: 'In batch' });

    const upsertId = '5b1e0a1e-0000-4000-8000-00000000a001';
    expect((await api(sandbox, 'PATCH', `accounts(${upsertId})`, { name: 'Upserted' })).status).toBe(204);
    expect((await api(sandbox, 'PATCH', `accounts(${upsertId})`, { revenue: 1500 })).status).toBe(204);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(4), { timeout: 10_000 });
    expect(receiver.received.slice(2).map((r) => [r.body.MessageName, r.body.PrimaryEntityId])).toEqual([['Create', upsertId], ['Update', upsertId]]);
    expect(receiver.received[3]!.body.InputParameters[0].value.Attributes[0]).toEqual({ key: 'revenue', value: { __type: `Money:${CONTRACTS}`, Value: 1500 } });
    await drained(sandbox);
    expect(receiver.received.map((r) => r.body.InputParameters[0].value.Attributes[0].value)).not.toContain('Rolled back');
  });

  it('a failed delivery is retried with the same body (same OperationId), then dead-lettered', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver([500, 503, 502]);
    const put = await control(sandbox, 'PUT', '/dynamics/webhooks', { retryDelaysMs: [20, 20], timeoutMs: 2_000 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ enabled: true, retryDelaysMs: [20, 20], timeoutMs: 2_000 });
    await register(sandbox, receiver.url, [['Create', 'opportunity']]);
    expect((await api(sandbox, 'POST', 'opportunities', { name: 'Difference Engine' })).status).toBe(204);
    await vi.waitFor(() => expect(receiver.received).toHaveLength(3), { timeout: 10_000 });
    await drained(sandbox);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const state = (await control(sandbox, 'GET', '/dynamics/webhooks')).body;
    expect(state).toMatchObject({ delivered: 0, deadLettered: 1, pending: 0 });
    const log = (await control(sandbox, 'GET', '/dynamics/webhooks/deliveries')).body.deliveries;
    expect(log.map((e: { attempt: number; status: number; ok: boolean }) => [e.attempt, e.status, e.ok])).toEqual([[1, 500, false], [2, 503, false], [3, 502, false]]);
    expect(new Set(log.map((e: { operationId: string }) => e.operationId))).toEqual(new Set([receiver.received[0]!.body.OperationId]));
  });

  it('deleting a step stops its pending retries; a retry that succeeds counts as delivered', async () => {
    const sandbox = await startSandbox({ webhookRetryDelaysMs: [1_000, 1_000] });
    const failing = await startReceiver([500, 500, 500]);
    const recovering = await startReceiver([500]);
    const gone = await register(sandbox, failing.url, [['Create', 'contact']]);
    await register(sandbox, recovering.url, [['Create', 'contact']]);
    expect((await api(sandbox, 'POST', 'contacts', { lastname: 'Babbage' })).status).toBe(204);
    await vi.waitFor(() => expect(failing.received).toHaveLength(1), { timeout: 10_000 });
    expect((await api(sandbox, 'DELETE', `sdkmessageprocessingsteps(${gone.stepIds[0]})`)).status).toBe(204);
    await drained(sandbox);
    expect(failing.received).toHaveLength(1);
    expect(recovering.received).toHaveLength(2);
    expect((await control(sandbox, 'GET', '/dynamics/webhooks')).body).toMatchObject({ delivered: 1, deadLettered: 0 });
  });

  it('with delivery off nothing is sent; back on, new writes deliver; reset clears registrations, log and settings', async () => {
    const sandbox = await startSandbox();
    const receiver = await startReceiver();
    await register(sandbox, receiver.url, [['Create', 'contact']]);
    expect((await control(sandbox, 'PUT', '/dynamics/webhooks', { enabled: 'no' })).status).toBe(400);
    expect((await control(sandbox, 'PUT', '/dynamics/webhooks', { enabled: false })).body).toMatchObject({ enabled: false });
    expect((await api(sandbox, 'POST', 'contacts', { lastname: 'Off' })).status).toBe(204);
    await drained(sandbox);
    await sleep(100);
    expect(receiver.received).toHaveLength(0);
    expect((await control(sandbox, 'PUT', '/dynamics/webhooks', { enabled: true })).body).toMatchObject({ enabled: true });
    const on = entityIdOf(await api(sandbox, 'POST', 'contacts', { lastname: 'On' }));
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000 });
    expect(receiver.received[0]!.body.PrimaryEntityId).toBe(on);
    await drained(sandbox);
    expect((await control(sandbox, 'GET', '/dynamics/webhooks')).body).toMatchObject({ serviceEndpoints: [expect.objectContaining({ url: receiver.url })], steps: [expect.any(Object)] });

    await control(sandbox, 'PUT', '/dynamics/webhooks', { retryDelaysMs: [1], timeoutMs: 5 });
    expect((await control(sandbox, 'POST', '/reset', {})).status).toBe(200);
    expect((await control(sandbox, 'GET', '/dynamics/webhooks')).body).toEqual({
      enabled: true, retryDelaysMs: [1_000, 5_000, 30_000], timeoutMs: 10_000, pending: 0, delivered: 0, deadLettered: 0, serviceEndpoints: [], steps: [],
    });
    expect((await control(sandbox, 'GET', '/dynamics/webhooks/deliveries')).body).toEqual({ deliveries: [] });
    expect((await api(sandbox, 'POST', 'contacts', { lastname: 'After reset' })).status).toBe(204);
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
  });
});
