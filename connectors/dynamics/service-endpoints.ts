/**
 * Dataverse webhook registrations kept in place for one connector: one service endpoint (`serviceendpoints`,
 * contract Webhook, auth HttpHeader, JSON) named `customer-graph <connector id>`, delivering to the gateway with the
 * connector's key as a header, and its nine steps (`sdkmessageprocessingsteps`: Create, Update and Delete of contact,
 * account and opportunity, asynchronous, post-operation, no filtering attributes). The endpoint is found again by
 * that name, never duplicated; endpoints with any other name belong to other tools and are never touched.
 *
 * Dataverse never reads an endpoint's `authvalue` back (a secured attribute), so the key cannot be compared: the
 * description carries a fingerprint of it (the first 16 hex digits of its SHA-256), and an endpoint whose fingerprint
 * or URL differs is replaced. Steps go before their endpoint: Dataverse refuses to delete an endpoint that has steps.
 */
import { createHash } from 'node:crypto';
import { ConnectorError } from '../contract/index.ts';
import type { CallOptions, Lane, UnremovedSubscription, WebhookSubscriptionRemoval, WebhookSubscriptionReport } from '../contract/index.ts';
import { DYNAMICS, odataString, unusable } from './client.ts';
import type { DynamicsApi, DynamicsResponse } from './client.ts';

/** The header every delivery carries the key in (from the endpoint's HttpHeader auth settings). */
export const WEBHOOK_KEY_HEADER = 'x-customer-graph-key';
/** The tables (logical names) and messages the steps cover. */
export const WEBHOOK_TABLES: readonly string[] = ['contact', 'account', 'opportunity'];
export const WEBHOOK_MESSAGES: readonly string[] = ['Create', 'Update', 'Delete'];

/** Dataverse's option values a webhook registration is made with. */
const WEBHOOK_CONTRACT = 8;
const AUTH_HTTP_HEADER = 5;
const FORMAT_JSON = 2;
const USER_CLAIM_NONE = 1;
const MODE_ASYNCHRONOUS = 1;
const STAGE_POST_OPERATION = 40;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const serviceEndpointName = (connectorId: string): string => `customer-graph ${connectorId}`;

/** `key-sha256:<first 16 hex digits of sha256(key)>`: tells a changed key without revealing it. */
export const keyFingerprint = (key: string): string => `key-sha256:${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`;

export const serviceEndpointDescription = (connectorId: string, key: string): string => `customer-graph webhook for ${connectorId} ${keyFingerprint(key)}`;

export interface OwnEndpoint {
  connectorId: string;
  key: string;
}

interface ServiceEndpoint {
  serviceendpointid: string;
  name?: unknown;
  description?: unknown;
  url?: unknown;
  contract?: unknown;
  authtype?: unknown;
  messageformat?: unknown;
}

interface Step {
  sdkmessageprocessingstepid: string;
  mode?: unknown;
  stage?: unknown;
  filteringattributes?: unknown;
  _sdkmessageid_value?: unknown;
  _sdkmessagefilterid_value?: unknown;
}

/** One wanted step: a message on a table, with the org's ids for both. */
interface Registration {
  message: string;
  table: string;
  messageId: string;
  filterId: string;
}

interface Call {
  lane: Lane;
  signal?: AbortSignal;
}

const callOf = (options: CallOptions | undefined): Call => ({ lane: options?.lane ?? 'sync', ...(options?.signal ? { signal: options.signal } : {}) });

const sameId = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** A guid an answer named, checked before it goes into a path or a filter. */
function guidOf(value: unknown, what: string): string {
  if (typeof value !== 'string' || !GUID.test(value)) throw unusable(`answered ${what} without a guid`);
  return value.toLowerCase();
}

/** Every row of a collection query, following next links. */
async function rows<T>(api: DynamicsApi, call: Call, path: string, query: Record<string, string>): Promise<T[]> {
  const all: T[] = [];
  let page = await api.page<T>(call.lane, { path, query, ...(call.signal ? { signal: call.signal } : {}) });
  all.push(...page.value);
  while (page['@odata.nextLink']) {
    page = await api.page<T>(call.lane, { path: page['@odata.nextLink'], ...(call.signal ? { signal: call.signal } : {}) });
    all.push(...page.value);
  }
  return all;
}

/** Creates a row; its guid from the representation, else from `OData-EntityId`. */
async function create(api: DynamicsApi, call: Call, entitySet: string, idKey: string, json: Record<string, unknown>): Promise<string> {
  const answer: DynamicsResponse<Record<string, unknown> | null> = await api.request(call.lane, {
    method: 'POST', path: entitySet, json, prefer: ['return=representation'], ...(call.signal ? { signal: call.signal } : {}),
  });
  const fromBody = answer.body?.[idKey];
  if (typeof fromBody === 'string') return guidOf(fromBody, `the new ${entitySet} row`);
  const entityId = answer.headers.get('odata-entityid') ?? answer.headers.get('location') ?? '';
  return guidOf(/\(([^)]+)\)\s*$/.exec(entityId)?.[1], `the new ${entitySet} row`);
}

/** This connector's endpoints (by exact name), by id so every gateway keeps the same one. */
async function listEndpoints(api: DynamicsApi, call: Call, name: string): Promise<ServiceEndpoint[]> {
  const found = await rows<ServiceEndpoint>(api, call, 'serviceendpoints', {
    $select: 'serviceendpointid,name,description,url,contract,authtype,messageformat', $filter: `name eq ${odataString(name)}`,
  });
  // Dataverse compares case-insensitively; the name is ours only when it is exactly ours.
  return found.filter((e) => e.name === name).map((e) => ({ ...e, serviceendpointid: guidOf(e.serviceendpointid, 'a service endpoint') }))
    .sort((a, b) => a.serviceendpointid.localeCompare(b.serviceendpointid));
}

async function listSteps(api: DynamicsApi, call: Call, endpointId: string): Promise<Step[]> {
  const found = await rows<Step>(api, call, 'sdkmessageprocessingsteps', {
    $select: 'sdkmessageprocessingstepid,name,mode,stage,filteringattributes,_sdkmessageid_value,_sdkmessagefilterid_value',
    $filter: `_eventhandler_value eq ${endpointId}`,
  });
  return found.map((s) => ({ ...s, sdkmessageprocessingstepid: guidOf(s.sdkmessageprocessingstepid, 'a step') }))
    .sort((a, b) => a.sdkmessageprocessingstepid.localeCompare(b.sdkmessageprocessingstepid));
}

/**
 * The org's ids of the three messages and their nine message filters (one per table), in two queries. They are the
 * platform's own rows and never change in an org, so each client asks once: an upkeep round or a resubscription
 * after a settings save only lists the endpoint and its steps. A failed lookup is not kept.
 */
const registrationsByApi = new WeakMap<DynamicsApi, Promise<Registration[]>>();

function registrations(api: DynamicsApi, call: Call): Promise<Registration[]> {
  let found = registrationsByApi.get(api);
  if (!found) {
    found = lookUpRegistrations(api, call);
    registrationsByApi.set(api, found);
    found.catch(() => registrationsByApi.delete(api));
  }
  return found;
}

const anyOf = (property: string, values: readonly string[]) => `(${values.map((v) => `${property} eq ${v}`).join(' or ')})`;

async function lookUpRegistrations(api: DynamicsApi, call: Call): Promise<Registration[]> {
  const messages = await rows<{ sdkmessageid?: unknown; name?: unknown }>(api, call, 'sdkmessages', {
    $select: 'sdkmessageid,name', $filter: anyOf('name', WEBHOOK_MESSAGES.map(odataString)),
  });
  const messageIds = new Map<string, string>();
  for (const message of WEBHOOK_MESSAGES) {
    const row = messages.find((m) => m.name === message);
    if (!row) throw new ConnectorError('CRM_NOT_FOUND', DYNAMICS, `the org has no '${message}' SDK message`);
    messageIds.set(message, guidOf(row.sdkmessageid, `the '${message}' SDK message`));
  }
  const filters = await rows<{ sdkmessagefilterid?: unknown; primaryobjecttypecode?: unknown; _sdkmessageid_value?: unknown }>(api, call, 'sdkmessagefilters', {
    $select: 'sdkmessagefilterid,primaryobjecttypecode,_sdkmessageid_value',
    $filter: `${anyOf('_sdkmessageid_value', [...messageIds.values()])} and ${anyOf('primaryobjecttypecode', WEBHOOK_TABLES.map(odataString))}`,
  });
  const wanted: Registration[] = [];
  for (const [message, messageId] of messageIds) {
    for (const table of WEBHOOK_TABLES) {
      const filter = filters.find((f) => sameId(f._sdkmessageid_value, messageId) && f.primaryobjecttypecode === table);
      if (!filter) throw new ConnectorError('CRM_NOT_FOUND', DYNAMICS, `the org has no '${message}' message filter for ${table}`);
      wanted.push({ message, table, messageId, filterId: guidOf(filter.sdkmessagefilterid, `the '${message}' filter of ${table}`) });
    }
  }
  return wanted;
}

/** Delivers to `targetUrl` with the current key, as a JSON webhook. */
function isWanted(e: ServiceEndpoint, targetUrl: string, fingerprint: string): boolean {
  const optionIs = (value: unknown, wanted: number) => value === undefined || value === null || value === wanted;
  return e.url === targetUrl && typeof e.description === 'string' && e.description.split(/\s+/).includes(fingerprint) &&
    optionIs(e.contract, WEBHOOK_CONTRACT) && optionIs(e.authtype, AUTH_HTTP_HEADER) && optionIs(e.messageformat, FORMAT_JSON);
}

/** Every change of the row, after the write, in the background. */
const stepMatches = (s: Step, r: Registration): boolean =>
  sameId(s._sdkmessageid_value, r.messageId) && sameId(s._sdkmessagefilterid_value, r.filterId) &&
  s.stage === STAGE_POST_OPERATION && s.mode === MODE_ASYNCHRONOUS && (s.filteringattributes === undefined || s.filteringattributes === null || s.filteringattributes === '');

/** The key as the endpoint's HttpHeader settings (XML: the value escaped). */
function authValue(key: string): string {
  const escaped = key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return `<settings><setting name="${WEBHOOK_KEY_HEADER}" value="${escaped}" /></settings>`;
}

function createEndpoint(api: DynamicsApi, call: Call, own: OwnEndpoint, targetUrl: string): Promise<string> {
  return create(api, call, 'serviceendpoints', 'serviceendpointid', {
    name: serviceEndpointName(own.connectorId), description: serviceEndpointDescription(own.connectorId, own.key), url: targetUrl,
    contract: WEBHOOK_CONTRACT, authtype: AUTH_HTTP_HEADER, authvalue: authValue(own.key), messageformat: FORMAT_JSON, userclaim: USER_CLAIM_NONE,
  });
}

function createStep(api: DynamicsApi, call: Call, connectorId: string, endpointId: string, r: Registration): Promise<string> {
  return create(api, call, 'sdkmessageprocessingsteps', 'sdkmessageprocessingstepid', {
    name: `${serviceEndpointName(connectorId)}: ${r.message} of ${r.table}`,
    mode: MODE_ASYNCHRONOUS, stage: STAGE_POST_OPERATION, rank: 1, supporteddeployment: 0, asyncautodelete: true,
    'sdkmessageid@odata.bind': `/sdkmessages(${r.messageId})`,
    'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${r.filterId})`,
    'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${endpointId})`,
  });
}

/**
 * This connector's endpoint delivering to `targetUrl` with the current key, with its nine steps; and no other
 * endpoint of ours. Found with the same name, URL and key fingerprint → `existing` (the endpoint's id, then its
 * steps'); missing steps are created (`created`), a new endpoint first when none is wanted. Then the rest of ours is
 * removed: steps of the endpoint that are not wanted (duplicates, filtered ones), and endpoints of this connector's
 * name with another URL or key, or duplicates (their steps first). A stale one Dataverse refuses or fails to delete is
 * reported in `notRemoved`: the wanted registrations deliver all the same.
 */
export async function ensureServiceEndpoint(api: DynamicsApi, own: OwnEndpoint, targetUrl: string, options?: CallOptions): Promise<WebhookSubscriptionReport> {
  const call = callOf(options);
  const ours = await listEndpoints(api, call, serviceEndpointName(own.connectorId));
  const fingerprint = keyFingerprint(own.key);
  const report: WebhookSubscriptionReport = { existing: [], created: [], removed: [], notRemoved: [] };
  const endpoint = ours.find((e) => isWanted(e, targetUrl, fingerprint));
  let endpointId: string;
  if (endpoint) {
    endpointId = endpoint.serviceendpointid;
    report.existing.push(endpointId);
  } else {
    endpointId = await createEndpoint(api, call, own, targetUrl);
    report.created.push(endpointId);
  }
  const steps = endpoint ? await listSteps(api, call, endpointId) : [];
  const kept = new Set<Step>();
  for (const registration of await registrations(api, call)) {
    const found = steps.find((s) => !kept.has(s) && stepMatches(s, registration));
    if (found) {
      kept.add(found);
      report.existing.push(found.sdkmessageprocessingstepid);
    } else {
      report.created.push(await createStep(api, call, own.connectorId, endpointId, registration));
    }
  }
  const removal = await deleteSteps(api, call, steps.filter((s) => !kept.has(s)), null);
  const stale = await deleteEndpoints(api, call, ours.filter((e) => e.serviceendpointid !== endpointId));
  return { ...report, removed: [...removal.removed, ...stale.removed], notRemoved: [...removal.notRemoved, ...stale.notRemoved] };
}

/** Every endpoint of this connector's name, steps first; none of another name. */
export async function removeServiceEndpoints(api: DynamicsApi, connectorId: string, options?: CallOptions): Promise<WebhookSubscriptionRemoval> {
  const call = callOf(options);
  return deleteEndpoints(api, call, await listEndpoints(api, call, serviceEndpointName(connectorId)));
}

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const isGone = (err: unknown): boolean => err instanceof ConnectorError && err.code === 'CRM_NOT_FOUND';

/** Deletes the steps; one already gone (another gateway removed it first) is what was wanted, and not listed. */
async function deleteSteps(api: DynamicsApi, call: Call, steps: readonly Step[], url: string | null): Promise<WebhookSubscriptionRemoval> {
  const removed: string[] = [];
  const notRemoved: UnremovedSubscription[] = [];
  for (const s of steps) {
    const id = s.sdkmessageprocessingstepid;
    try {
      await api.request(call.lane, { method: 'DELETE', path: `sdkmessageprocessingsteps(${id})`, ...(call.signal ? { signal: call.signal } : {}) });
      removed.push(id);
    } catch (err) {
      if (!isGone(err)) notRemoved.push({ id, url, reason: reasonOf(err) });
    }
  }
  return { removed, notRemoved };
}

/** Each endpoint after its steps; one whose steps could not all be deleted stays, reported with them. */
async function deleteEndpoints(api: DynamicsApi, call: Call, endpoints: readonly ServiceEndpoint[]): Promise<WebhookSubscriptionRemoval> {
  const removed: string[] = [];
  const notRemoved: UnremovedSubscription[] = [];
  for (const e of endpoints) {
    const id = e.serviceendpointid;
    const url = typeof e.url === 'string' ? e.url : null;
    try {
      const steps = await deleteSteps(api, call, await listSteps(api, call, id), url);
      removed.push(...steps.removed);
      notRemoved.push(...steps.notRemoved);
      if (steps.notRemoved.length > 0) {
        notRemoved.push({ id, url, reason: 'some of its steps could not be deleted, and Dataverse deletes no endpoint that has steps' });
        continue;
      }
      await api.request(call.lane, { method: 'DELETE', path: `serviceendpoints(${id})`, ...(call.signal ? { signal: call.signal } : {}) });
      removed.push(id);
    } catch (err) {
      if (!isGone(err)) notRemoved.push({ id, url, reason: reasonOf(err) });
    }
  }
  return { removed, notRemoved };
}
