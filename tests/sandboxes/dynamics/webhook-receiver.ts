/**
 * Webhook set-up for the Dynamics sandbox tests: a loopback receiver that records every POST (answering the next of
 * `statuses`, then 200), and registration of a service endpoint and steps through the Web API as a connector does.
 */
import { expect, vi } from 'vitest';
import type { RunningDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import { startLoopbackReceiver } from '../support/loopback-receiver.ts';
import { api, entityIdOf } from './helpers.ts';

export type { Received } from '../support/loopback-receiver.ts';

export const startReceiver = (statuses: number[] = []) => startLoopbackReceiver({ statuses, path: '/webhooks/dynamics-1' });

export const KEY_HEADER = 'x-customer-graph-key';
export const authValue = (key: string) => `<settings><setting name="${KEY_HEADER}" value="${key}" /></settings>`;

export function endpointBody(url: string, key = 'secret-key', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'customer-graph dynamics-1', description: 'customer-graph webhook', url, contract: 8, authtype: 5, authvalue: authValue(key), messageformat: 2, userclaim: 1, ...extra };
}

export async function messageId(sandbox: RunningDynamicsSandbox, name: string): Promise<string> {
  const answer = await api(sandbox, 'GET', `sdkmessages?$select=sdkmessageid,name&$filter=name eq '${name}'`);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.value).toHaveLength(1);
  return answer.body.value[0].sdkmessageid as string;
}

export async function filterId(sandbox: RunningDynamicsSandbox, message: string, table: string): Promise<string> {
  const msg = await messageId(sandbox, message);
  const answer = await api(sandbox, 'GET', `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq '${table}' and _sdkmessageid_value eq ${msg}`);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.value).toHaveLength(1);
  return answer.body.value[0].sdkmessagefilterid as string;
}

export async function stepBody(sandbox: RunningDynamicsSandbox, endpointId: string, message: string, table: string, extra: Record<string, unknown> = {}) {
  return {
    name: `customer-graph dynamics-1 ${message} ${table}`, mode: 1, stage: 40, rank: 1, supporteddeployment: 0, asyncautodelete: true,
    'sdkmessageid@odata.bind': `/sdkmessages(${await messageId(sandbox, message)})`,
    'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${await filterId(sandbox, message, table)})`,
    'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${endpointId})`,
    ...extra,
  };
}

/** One endpoint at `url` and a step per (message, table); returns the endpoint id and the step ids. */
export async function register(sandbox: RunningDynamicsSandbox, url: string, steps: [string, string, Record<string, unknown>?][], key = 'secret-key') {
  const endpoint = await api(sandbox, 'POST', 'serviceendpoints', endpointBody(url, key));
  expect(endpoint.status, endpoint.text).toBe(204);
  const endpointId = entityIdOf(endpoint);
  const stepIds: string[] = [];
  for (const [message, table, extra] of steps) {
    const step = await api(sandbox, 'POST', 'sdkmessageprocessingsteps', await stepBody(sandbox, endpointId, message, table, extra));
    expect(step.status, step.text).toBe(204);
    stepIds.push(entityIdOf(step));
  }
  return { endpointId, stepIds };
}

/** Every delivery, first attempts and retries, has ended. */
export const drained = (sandbox: RunningDynamicsSandbox) =>
  vi.waitFor(() => expect(sandbox.webhooks.pending()).toBe(0), { timeout: 10_000, interval: 10 });
