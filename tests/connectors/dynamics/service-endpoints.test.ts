/**
 * Dataverse webhook registrations in the Dynamics sandbox, spoken to over its Web API like any other Dataverse
 * client: `ensureSubscriptions` keeps one service endpoint of this connector with its nine steps, replaces it when
 * the URL or the key changed, never touches another tool's; `removeSubscriptions` removes only ours. What the sandbox
 * then delivers verifies and parses into the written row's event.
 */
import { describe, expect, it } from 'vitest';
import { createDynamicsConnector, keyFingerprint, serviceEndpointName } from '../../../connectors/dynamics/index.ts';
import { RateBudgetRegistry } from '../../../connectors/runtime/index.ts';
import type { RunningDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import { countCalls, setFaults } from '../contract-suite/sandbox-control.ts';
import { startWebhookReceiver } from '../webhook-receiver.ts';
import { CREDENTIALS, sandboxToken } from './harness.ts';
import { guid, start } from './helpers.ts';

const WEBHOOK_KEY = 'dv-wk-5c1e9a7f3b2d8e4a6f0c';
const CONNECTOR_ID = 'dynamics-hooks-main';
const NAME = serviceEndpointName(CONNECTOR_ID);
const TARGET = `https://gw.example.test/webhooks/${CONNECTOR_ID}`;

interface Endpoint { serviceendpointid: string; name: string; url: string; description: string | null; authvalue: unknown }
interface Step { sdkmessageprocessingstepid: string; _eventhandler_value: string; _sdkmessageid_value: string; _sdkmessagefilterid_value: string; stage: number; mode: number }

async function setup(options: { webhookKey?: string; retry?: { maxAttempts: number } } = {}) {
  const sandbox = await start({ contacts: [{ contactid: guid(1), firstname: 'Ada', lastname: 'Hooked', emailaddress1: 'ada@hooked.test' }] });
  const connector = connectWithKey(sandbox, options.webhookKey ?? WEBHOOK_KEY, options.retry);
  const token = await sandboxToken(sandbox);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/api/data/v9.2/${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', prefer: 'return=representation' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  const endpoints = async () => (await api('GET', 'serviceendpoints')).body.value as Endpoint[];
  const steps = async () => (await api('GET', 'sdkmessageprocessingsteps')).body.value as Step[];
  /** An endpoint made by someone else (another tool, an old gateway) with one Update-of-contact step. */
  const register = async (name: string, url: string) => {
    const made = await api('POST', 'serviceendpoints', {
      name, url, contract: 8, authtype: 5, authvalue: '<settings><setting name="x-other" value="other-tool-key" /></settings>', messageformat: 2, userclaim: 1,
    });
    expect(made.status).toBe(201);
    const id = made.body.serviceendpointid as string;
    const message = ((await api('GET', "sdkmessages?$filter=name eq 'Update'")).body.value as { sdkmessageid: string }[])[0]!.sdkmessageid;
    const filter = ((await api('GET', `sdkmessagefilters?$filter=primaryobjecttypecode eq 'contact' and _sdkmessageid_value eq ${message}`)).body.value as { sdkmessagefilterid: string }[])[0]!;
    const step = await api('POST', 'sdkmessageprocessingsteps', {
      name: `${name} step`, mode: 1, stage: 40, rank: 1, supporteddeployment: 0, asyncautodelete: true,
      'sdkmessageid@odata.bind': `/sdkmessages(${message})`, 'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${filter.sdkmessagefilterid})`,
      'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${id})`,
    });
    expect(step.status).toBe(201);
    return id;
  };
  return { sandbox, connector, handler: connector.webhooks!, api, endpoints, steps, register };
}

function connectWithKey(sandbox: RunningDynamicsSandbox, webhookKey: string, retry?: { maxAttempts: number }) {
  return createDynamicsConnector({
    connectorId: CONNECTOR_ID, baseUrl: sandbox.url, authorityUrl: sandbox.url, auth: { kind: 'client-credentials', ...CREDENTIALS },
    registry: new RateBudgetRegistry(), webhookKey, ...(retry ? { retry } : {}),
  });
}

/** The lookups of SDK messages and message filters among counted calls, by table. */
const lookups = (routes: Record<string, number>) => Object.fromEntries(['sdkmessages', 'sdkmessagefilters']
  .map((table) => [table, Object.entries(routes).filter(([r]) => new RegExp(`^GET \\S*\\b${table}\\b`).test(r)).reduce((sum, [, n]) => sum + n, 0)])
  .filter(([, n]) => n !== 0));

const stepsOf = (all: Step[], endpointId: string) => all.filter((s) => s._eventhandler_value === endpointId);

describe('Dynamics webhooks: service endpoints in the sandbox', () => {
  it('creates one endpoint (this name, URL and key fingerprint; the key unreadable) and nine steps; a second call finds them and makes nothing', async () => {
    const { sandbox, handler, endpoints, steps } = await setup();
    const { result: made, calls: first } = await countCalls(sandbox, () => handler.ensureSubscriptions!(TARGET));
    // The org's messages and their filters in one query each.
    expect(lookups(first.routes)).toEqual({ sdkmessages: 1, sdkmessagefilters: 1 });
    expect(made.created).toHaveLength(10);
    expect(made).toMatchObject({ existing: [], removed: [], notRemoved: [] });
    const [endpoint, ...more] = await endpoints();
    expect(more).toEqual([]);
    expect(endpoint).toMatchObject({ serviceendpointid: made.created[0], name: NAME, url: TARGET, description: `customer-graph webhook for ${CONNECTOR_ID} ${keyFingerprint(WEBHOOK_KEY)}`, authvalue: null });
    const own = stepsOf(await steps(), endpoint!.serviceendpointid);
    expect(own).toHaveLength(9);
    expect(own.map((s) => s.sdkmessageprocessingstepid).sort()).toEqual(made.created.slice(1).sort());
    expect(new Set(own.map((s) => `${s._sdkmessageid_value}/${s._sdkmessagefilterid_value}`)).size).toBe(9);
    expect(own.every((s) => s.stage === 40 && s.mode === 1)).toBe(true);
    const { result, calls } = await countCalls(sandbox, () => handler.ensureSubscriptions!(TARGET));
    expect(result).toEqual({ existing: made.created, created: [], removed: [], notRemoved: [] });
    // The endpoint list and the endpoint's steps; the messages and filters are known from the first call; no write.
    expect(Object.keys(calls.routes).filter((r) => !r.startsWith('GET '))).toEqual([]);
    expect(lookups(calls.routes)).toEqual({});
  });

  it('adds the steps that are missing to the endpoint it finds', async () => {
    const { handler, api, steps } = await setup();
    const made = await handler.ensureSubscriptions!(TARGET);
    const [gone1, gone2] = made.created.slice(1);
    for (const id of [gone1, gone2]) expect((await api('DELETE', `sdkmessageprocessingsteps(${id})`)).status).toBe(204);
    const again = await handler.ensureSubscriptions!(TARGET);
    expect(again.existing).toHaveLength(8);
    expect(again.created).toHaveLength(2);
    expect(stepsOf(await steps(), made.created[0]!)).toHaveLength(9);
  });

  it('replaces its endpoint when the URL changed, and when the key changed (steps first), and keeps another tool\'s', async () => {
    const { sandbox, handler, endpoints, steps, register } = await setup();
    const other = await register('Contoso audit hook', 'https://audit.example.test/dataverse');
    const lookalike = await register(`${NAME}-other`, `https://gw.example.test/webhooks/${CONNECTOR_ID}-other`);
    const first = await handler.ensureSubscriptions!(TARGET);
    const moved = `https://new-gw.example.test/webhooks/${CONNECTOR_ID}`;
    const second = await handler.ensureSubscriptions!(moved);
    expect(second.created).toHaveLength(10);
    expect(second.removed.sort()).toEqual([...first.created].sort());
    expect(second.notRemoved).toEqual([]);
    const rotated = await connectWithKey(sandbox, 'dv-wk-rotated-9e2b6d4f0a8c').webhooks!.ensureSubscriptions!(moved);
    expect(rotated.created).toHaveLength(10);
    expect(rotated.removed.sort()).toEqual([...second.created].sort());
    const after = await endpoints();
    expect(after.map((e) => [e.name, e.url]).sort()).toEqual([
      ['Contoso audit hook', 'https://audit.example.test/dataverse'], [`${NAME}-other`, `https://gw.example.test/webhooks/${CONNECTOR_ID}-other`], [NAME, moved],
    ].sort());
    expect(after.find((e) => e.name === NAME)!.description).toContain(keyFingerprint('dv-wk-rotated-9e2b6d4f0a8c'));
    const all = await steps();
    expect(stepsOf(all, other)).toHaveLength(1);
    expect(stepsOf(all, lookalike)).toHaveLength(1);
    // The old key's connector now sees an endpoint with another fingerprint: it would replace it again.
    expect((await handler.ensureSubscriptions!(moved)).created).toHaveLength(10);
  });

  it('removeSubscriptions removes its endpoint and steps, never another tool\'s; a second run removes nothing', async () => {
    const { handler, endpoints, steps, register } = await setup();
    const other = await register('Contoso audit hook', 'https://audit.example.test/dataverse');
    const made = await handler.ensureSubscriptions!(TARGET);
    const removal = await handler.removeSubscriptions!();
    expect(removal.notRemoved).toEqual([]);
    expect(removal.removed.sort()).toEqual([...made.created].sort());
    expect((await endpoints()).map((e) => e.serviceendpointid)).toEqual([other]);
    expect((await steps()).map((s) => s._eventhandler_value)).toEqual([other]);
    expect(await handler.removeSubscriptions!()).toEqual({ removed: [], notRemoved: [] });
  });

  it('a stale endpoint whose steps Dataverse fails to delete is reported in notRemoved with them; the wanted one is in place', async () => {
    const { sandbox, handler, endpoints } = await setup({ retry: { maxAttempts: 1 } });
    const first = await handler.ensureSubscriptions!(TARGET);
    await setFaults(sandbox, [{ kind: 'server-error', rate: 1, match: '^DELETE /api/data/v9.2/sdkmessageprocessingsteps' }]);
    const moved = `https://new-gw.example.test/webhooks/${CONNECTOR_ID}`;
    const report = await handler.ensureSubscriptions!(moved);
    expect(report.created).toHaveLength(10);
    expect(report.removed).toEqual([]);
    expect(report.notRemoved).toHaveLength(10);
    expect(report.notRemoved.at(-1)).toMatchObject({ id: first.created[0], url: TARGET, reason: expect.stringMatching(/steps/) });
    expect((await endpoints()).map((e) => e.url).sort()).toEqual([moved, TARGET].sort());
  });

  it('what the sandbox delivers after a write carries the key and parses into the written row\'s event', async () => {
    const { handler, connector } = await setup();
    const hook = await startWebhookReceiver(`/webhooks/${CONNECTOR_ID}`);
    try {
      await handler.ensureSubscriptions!(hook.url);
      expect(await connector.updateMany('contacts', [{ id: guid(1), fields: { telephone1: '+1 415 555 0100' } }])).toEqual([expect.objectContaining({ ok: true })]);
      await expect.poll(() => hook.deliveries.length, { timeout: 5_000 }).toBeGreaterThan(0);
      const delivery = hook.deliveries[0]!;
      expect(delivery.headers['x-customer-graph-key']).toBe(WEBHOOK_KEY);
      expect(handler.verify(delivery)).toBe(true);
      expect(handler.parse(delivery.rawBody)).toEqual([expect.objectContaining({
        objectType: 'contacts', recordId: guid(1), kind: 'updated', changedFields: ['telephone1'], eventId: expect.stringMatching(new RegExp(`:${guid(1)}$`)),
      })]);
    } finally {
      await hook.close();
    }
  });
});
