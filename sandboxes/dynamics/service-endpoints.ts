/**
 * The system tables through which Dataverse registers webhooks: `sdkmessages` and `sdkmessagefilters` (read only,
 * seeded with Create/Update/Delete × contact/account/opportunity under fixed GUIDs), `serviceendpoints` (Webhook
 * contract, HttpHeader auth) and `sdkmessageprocessingsteps` (asynchronous PostOperation steps that send a
 * message's context to an endpoint). Served as entity sets under the Web API with `$filter` (`eq` joined by `and`),
 * `$select`, POST and DELETE. As in Dataverse, an endpoint's `authvalue` reads as null: the key it holds (the headers
 * every delivery carries) cannot be read back. Registrations live until a reset.
 */
import { isHttpUrl } from '../common/webhook-delivery.ts';
import type { ApiRequest } from './api.ts';
import { jsonBody, preferOf } from './api.ts';
import { badQuery, badRequest, CODES, DataverseError, emptyAnswer, jsonAnswer, rowNotFound, unknownProperty } from './errors.ts';
import type { ApiAnswer } from './errors.ts';
import { GUID_RE, newGuid, stableGuid } from './ids.ts';
import { evaluate, parseFilter as parseOData } from './odata/filter.ts';
import type { AttributeDef } from './schema.ts';
import type { Segment } from './odata/paths.ts';

export const SDK_MESSAGES = ['Create', 'Update', 'Delete'] as const;
export type SdkMessageName = (typeof SDK_MESSAGES)[number];
/** The tables whose writes can be sent to a webhook (the ones the sandbox serves rows for). */
export const WEBHOOK_TABLES = ['contact', 'account', 'opportunity'] as const;

export interface ServiceEndpoint {
  serviceendpointid: string;
  name: string;
  description: string | null;
  url: string;
  contract: number;
  authtype: number;
  /** Kept for delivery, never rendered. */
  authvalue: string;
  messageformat: number;
  userclaim: number;
  /** The headers the authvalue's settings name, sent with every delivery. */
  headers: Record<string, string>;
}

export interface ProcessingStep {
  sdkmessageprocessingstepid: string;
  name: string;
  description: string | null;
  mode: number;
  stage: number;
  rank: number;
  supporteddeployment: number;
  asyncautodelete: boolean;
  filteringattributes: string | null;
  _sdkmessageid_value: string;
  _sdkmessagefilterid_value: string;
  _eventhandler_value: string;
}

type Row = Record<string, unknown>;

const messageId = (name: SdkMessageName) => stableGuid(`sdkmessage:${name}`);
const MESSAGES: Row[] = SDK_MESSAGES.map((name) => ({ sdkmessageid: messageId(name), name }));
const FILTERS: Row[] = SDK_MESSAGES.flatMap((message) => WEBHOOK_TABLES.map((table) => ({
  sdkmessagefilterid: stableGuid(`sdkmessagefilter:${message}:${table}`), primaryobjecttypecode: table, _sdkmessageid_value: messageId(message),
})));

const CONTRACT_WEBHOOK = 8;
const AUTH_HTTP_HEADER = 5;
const FORMAT_JSON = 2;
const MODE_ASYNC = 1;
const STAGE_POST_OPERATION = 40;
/** Dataverse refuses deleting a service endpoint that steps still send to. */
export const ENDPOINT_HAS_STEPS = '0x8004f01f';

interface TableSpec {
  set: string;
  logicalName: string;
  key: string;
  columns: string[];
}

const TABLES: Record<string, TableSpec> = {
  sdkmessages: { set: 'sdkmessages', logicalName: 'sdkmessage', key: 'sdkmessageid', columns: ['sdkmessageid', 'name'] },
  sdkmessagefilters: {
    set: 'sdkmessagefilters', logicalName: 'sdkmessagefilter', key: 'sdkmessagefilterid', columns: ['sdkmessagefilterid', 'primaryobjecttypecode', '_sdkmessageid_value'],
  },
  serviceendpoints: {
    set: 'serviceendpoints', logicalName: 'serviceendpoint', key: 'serviceendpointid',
    columns: ['serviceendpointid', 'name', 'description', 'url', 'contract', 'authtype', 'authvalue', 'messageformat', 'userclaim'],
  },
  sdkmessageprocessingsteps: {
    set: 'sdkmessageprocessingsteps', logicalName: 'sdkmessageprocessingstep', key: 'sdkmessageprocessingstepid',
    columns: ['sdkmessageprocessingstepid', 'name', 'description', 'mode', 'stage', 'rank', 'supporteddeployment', 'asyncautodelete', 'filteringattributes',
      '_sdkmessageid_value', '_sdkmessagefilterid_value', '_eventhandler_value'],
  },
};

export const isWebhookTable = (entitySet: string): boolean => Object.hasOwn(TABLES, entitySet);

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => XML_ENTITIES[e]!);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `<settings><setting name="H" value="V" /></settings>` → `{H: V}`; undefined when malformed or empty. */
export function parseAuthSettings(raw: unknown): Record<string, string> | undefined {
  if (typeof raw !== 'string') return undefined;
  const m = /^\s*<settings>([\s\S]*)<\/settings>\s*$/.exec(raw);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  const setting = /\s*<setting\s+(name|value)="([^"]*)"\s+(name|value)="([^"]*)"\s*\/>\s*/y;
  let pos = 0;
  const inner = m[1]!;
  while (pos < inner.length) {
    setting.lastIndex = pos;
    const s = setting.exec(inner);
    if (!s || s[1] === s[3]) return undefined;
    const name = unescapeXml(s[1] === 'name' ? s[2]! : s[4]!);
    const value = unescapeXml(s[1] === 'name' ? s[4]! : s[2]!);
    if (!HEADER_NAME.test(name) || /[\r\n]/.test(value)) return undefined;
    headers[name.toLowerCase()] = value;
    pos = setting.lastIndex;
  }
  return Object.keys(headers).length ? headers : undefined;
}

/** The type a system table's column is filtered as: ids and lookups are GUIDs, options and ranks numbers. */
function columnType(name: string): AttributeDef['type'] {
  if (name.endsWith('id') || /^_.*_value$/.test(name)) return 'Uniqueidentifier';
  if (name === 'asyncautodelete') return 'Boolean';
  return ['mode', 'stage', 'rank', 'supporteddeployment', 'contract', 'authtype', 'messageformat', 'userclaim'].includes(name) ? 'Integer' : 'String';
}

/** `$filter` on a system table, with the Web API's grammar (odata/filter.ts: `and`, `or`, parentheses, `In`…). */
function parseFilter(spec: TableSpec, text: string | null): ((row: Row) => boolean) | undefined {
  if (text === null) return undefined;
  const expr = parseOData(text, (name) => {
    if (!spec.columns.includes(name)) throw unknownProperty(name, spec.logicalName);
    return { logicalName: name, schemaName: name, type: columnType(name), displayName: name, required: 'None', validForCreate: false, validForUpdate: false, custom: false };
  });
  return (row) => evaluate(expr, (prop) => row[prop] ?? null);
}

function parseSelect(spec: TableSpec, text: string | null): string[] | undefined {
  if (text === null) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!spec.columns.includes(n)) throw unknownProperty(n, spec.logicalName);
  return names;
}

/** A bind target `/sdkmessages(<guid>)` (also without the slash or as an absolute URL) in the set it must name. */
function bindId(raw: unknown, set: string, key: string): string {
  const m = typeof raw === 'string' ? /([A-Za-z_]+)\(([^)]+)\)\s*$/.exec(raw) : null;
  if (!m || m[1] !== set || !GUID_RE.test(m[2]!)) throw badRequest(CODES.badValue, `The value '${String(raw)}' of '${key}' is not a valid reference to ${set}.`);
  return m[2]!.toLowerCase();
}

const requireOne = (body: Row, name: string, entity: string, allowed: number, meaning: string) => {
  if (body[name] !== allowed) throw badRequest(CODES.badValue, `${entity}.${name} must be ${allowed} (${meaning}); got ${JSON.stringify(body[name] ?? null)}.`);
};

const requiredName = (body: Row, entity: string) => {
  if (typeof body.name !== 'string' || !body.name.trim()) throw badRequest(CODES.requiredOrReadOnly, `A required field 'name' of '${entity}' is missing or empty.`);
  return body.name;
};

const optionalText = (body: Row, name: string, entity: string): string | null => {
  const v = body[name] ?? null;
  if (v !== null && typeof v !== 'string') throw badRequest(CODES.badValue, `${entity}.${name} must be a string.`);
  return v === '' ? null : v;
};

function checkKeys(body: Row, allowed: string[], entity: string): void {
  for (const key of Object.keys(body)) if (!key.startsWith('@odata.') && !allowed.includes(key)) throw unknownProperty(key.replace(/@odata\.bind$/, ''), entity);
}

/** A new row's id: the key the body gives (a GUID) or a fresh one. */
function newId(body: Row, key: string, taken: Map<string, unknown>): string {
  const given = body[key];
  if (given === undefined) return newGuid();
  if (typeof given !== 'string' || !GUID_RE.test(given)) throw badRequest(CODES.badValue, `Cannot convert the literal '${JSON.stringify(given)}' to the expected type 'Edm.Guid'.`);
  if (taken.has(given.toLowerCase())) throw new DataverseError(412, CODES.alreadyExists, 'A record with matching key values already exists.');
  return given.toLowerCase();
}

export class WebhookRegistrations {
  readonly endpoints = new Map<string, ServiceEndpoint>();
  readonly steps = new Map<string, ProcessingStep>();

  clear(): void {
    this.endpoints.clear();
    this.steps.clear();
  }

  /** The steps a write of `message` on `table` triggers, each with its endpoint. */
  stepsFor(message: SdkMessageName, table: string): { step: ProcessingStep; endpoint: ServiceEndpoint }[] {
    const filterId = stableGuid(`sdkmessagefilter:${message}:${table}`);
    return [...this.steps.values()]
      .filter((s) => s._sdkmessagefilterid_value === filterId)
      .map((step) => ({ step, endpoint: this.endpoints.get(step._eventhandler_value)! }))
      .filter((s) => s.endpoint !== undefined);
  }

  handle(req: ApiRequest, segments: Segment[]): ApiAnswer {
    const [first] = segments;
    const spec = TABLES[first!.name]!;
    if (segments.length > 1) throw badQuery(`Resource not found for the segment '${segments[1]!.name}'.`);
    const key = first!.key;
    if (key && !('id' in key)) throw badQuery(`${spec.set} rows are named by their GUID only.`);
    if (!key) {
      if (req.method === 'GET') return this.list(req, spec);
      if (req.method === 'POST') return this.create(req, spec);
      throw new DataverseError(405, CODES.badProperty, `The HTTP method '${req.method}' is not allowed on the collection ${spec.set}.`);
    }
    const row = this.rows(spec).find((r) => r[spec.key] === key.id);
    if (!row) throw rowNotFound(spec.logicalName, key.id);
    if (req.method === 'GET') return jsonAnswer(200, this.representation(req, spec, row));
    if (req.method === 'DELETE') return this.remove(spec, key.id);
    throw new DataverseError(405, CODES.badProperty, `The HTTP method '${req.method}' is not allowed on a ${spec.logicalName} row by this sandbox.`);
  }

  private rows(spec: TableSpec): Row[] {
    switch (spec.set) {
      case 'sdkmessages': return MESSAGES;
      case 'sdkmessagefilters': return FILTERS;
      case 'serviceendpoints': return [...this.endpoints.values()].map(({ headers: _h, ...e }) => ({ ...e, authvalue: null }));
      default: return [...this.steps.values()] as unknown as Row[];
    }
  }

  private render(spec: TableSpec, row: Row, select?: string[]): Row {
    const names = select ? [...new Set([spec.key, ...select])] : spec.columns;
    return Object.fromEntries(names.map((n) => [n, row[n] ?? null]));
  }

  private representation(req: ApiRequest, spec: TableSpec, row: Row): Row {
    const select = req.params.get('$select');
    return { '@odata.context': `${req.base}$metadata#${spec.set}${select ? `(${select})` : ''}/$entity`, ...this.render(spec, row, parseSelect(spec, select)) };
  }

  private list(req: ApiRequest, spec: TableSpec): ApiAnswer {
    for (const k of req.params.keys()) {
      if (k.startsWith('$') && k !== '$filter' && k !== '$select') throw badQuery(`The query parameter ${k} is not supported on ${spec.set} by this sandbox.`);
    }
    const select = parseSelect(spec, req.params.get('$select'));
    const filter = parseFilter(spec, req.params.get('$filter'));
    const rows = this.rows(spec).filter((r) => !filter || filter(r));
    const selectRaw = req.params.get('$select');
    return jsonAnswer(200, { '@odata.context': `${req.base}$metadata#${spec.set}${selectRaw ? `(${selectRaw})` : ''}`, value: rows.map((r) => this.render(spec, r, select)) });
  }

  private create(req: ApiRequest, spec: TableSpec): ApiAnswer {
    if (spec.set === 'sdkmessages' || spec.set === 'sdkmessagefilters') {
      throw new DataverseError(405, CODES.badProperty, `${spec.set} is read only in this sandbox: its rows are the platform's messages.`);
    }
    const body = jsonBody(req);
    const id = spec.set === 'serviceendpoints' ? this.createEndpoint(body) : this.createStep(body);
    const entityId = { 'OData-EntityId': `${req.base}${spec.set}(${id})` };
    if (!preferOf(req).returnRepresentation) return emptyAnswer(204, entityId);
    const row = this.rows(spec).find((r) => r[spec.key] === id)!;
    return jsonAnswer(201, this.representation(req, spec, row), { ...entityId, 'Preference-Applied': 'return=representation' });
  }

  private createEndpoint(body: Row): string {
    const entity = 'serviceendpoint';
    checkKeys(body, TABLES.serviceendpoints!.columns, entity);
    const name = requiredName(body, entity);
    requireOne(body, 'contract', entity, CONTRACT_WEBHOOK, 'Webhook: the only contract this sandbox delivers to');
    if (!isHttpUrl(body.url)) throw badRequest(CODES.badValue, `serviceendpoint.url must be an absolute http(s) URL; got ${JSON.stringify(body.url ?? null)}.`);
    requireOne(body, 'authtype', entity, AUTH_HTTP_HEADER, 'HttpHeader: the only webhook authentication this sandbox supports');
    const headers = parseAuthSettings(body.authvalue);
    if (!headers) {
      throw badRequest(CODES.badValue, 'serviceendpoint.authvalue must be <settings><setting name="Header-Name" value="value" /></settings> with at least one setting when authtype is 5 (HttpHeader).');
    }
    if (body.messageformat !== undefined) requireOne(body, 'messageformat', entity, FORMAT_JSON, 'Json: the only format this sandbox delivers');
    const userclaim = body.userclaim ?? 1;
    if (typeof userclaim !== 'number' || !Number.isInteger(userclaim)) throw badRequest(CODES.badValue, 'serviceendpoint.userclaim must be an integer.');
    const id = newId(body, 'serviceendpointid', this.endpoints);
    this.endpoints.set(id, {
      serviceendpointid: id, name, description: optionalText(body, 'description', entity), url: body.url, contract: CONTRACT_WEBHOOK,
      authtype: AUTH_HTTP_HEADER, authvalue: body.authvalue as string, messageformat: FORMAT_JSON, userclaim, headers,
    });
    return id;
  }

  private createStep(body: Row): string {
    const entity = 'sdkmessageprocessingstep';
    const binds = ['sdkmessageid@odata.bind', 'sdkmessagefilterid@odata.bind', 'eventhandler_serviceendpoint@odata.bind'];
    checkKeys(body, [...TABLES.sdkmessageprocessingsteps!.columns.filter((c) => !c.startsWith('_')), 'configuration', ...binds], entity);
    const name = requiredName(body, entity);
    requireOne(body, 'mode', entity, MODE_ASYNC, 'Asynchronous: the only mode a webhook step runs in here');
    requireOne(body, 'stage', entity, STAGE_POST_OPERATION, 'PostOperation: the only stage this sandbox runs');
    for (const b of binds) if (body[b] === undefined) throw badRequest(CODES.requiredOrReadOnly, `A required field '${b.replace('@odata.bind', '')}' of '${entity}' is missing: bind it with '${b}'.`);
    const missing = (table: string, id: string) => badRequest(CODES.notFound, `${table} With Id = ${id} Does Not Exist`);
    const msgId = bindId(body['sdkmessageid@odata.bind'], 'sdkmessages', 'sdkmessageid@odata.bind');
    if (!MESSAGES.some((m) => m.sdkmessageid === msgId)) throw missing('sdkmessage', msgId);
    const filterId = bindId(body['sdkmessagefilterid@odata.bind'], 'sdkmessagefilters', 'sdkmessagefilterid@odata.bind');
    const filter = FILTERS.find((f) => f.sdkmessagefilterid === filterId);
    if (!filter) throw missing('sdkmessagefilter', filterId);
    if (filter._sdkmessageid_value !== msgId) throw badRequest(CODES.badValue, `The sdkmessagefilter ${filterId} does not belong to the sdkmessage ${msgId}.`);
    const endpointId = bindId(body['eventhandler_serviceendpoint@odata.bind'], 'serviceendpoints', 'eventhandler_serviceendpoint@odata.bind');
    if (!this.endpoints.has(endpointId)) throw missing('serviceendpoint', endpointId);
    const number = (n: string, dflt: number) => {
      const v = body[n] ?? dflt;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(CODES.badValue, `${entity}.${n} must be an integer.`);
      return v;
    };
    const autoDelete = body.asyncautodelete ?? false;
    if (typeof autoDelete !== 'boolean') throw badRequest(CODES.badValue, `${entity}.asyncautodelete must be a boolean.`);
    const attrs = optionalText(body, 'filteringattributes', entity);
    const normalised = attrs?.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean).join(',') || null;
    const id = newId(body, 'sdkmessageprocessingstepid', this.steps);
    this.steps.set(id, {
      sdkmessageprocessingstepid: id, name, description: optionalText(body, 'description', entity), mode: MODE_ASYNC, stage: STAGE_POST_OPERATION,
      rank: number('rank', 1), supporteddeployment: number('supporteddeployment', 0), asyncautodelete: autoDelete, filteringattributes: normalised,
      _sdkmessageid_value: msgId, _sdkmessagefilterid_value: filterId, _eventhandler_value: endpointId,
    });
    return id;
  }

  private remove(spec: TableSpec, id: string): ApiAnswer {
    if (spec.set === 'sdkmessages' || spec.set === 'sdkmessagefilters') {
      throw new DataverseError(405, CODES.badProperty, `${spec.set} is read only in this sandbox: its rows are the platform's messages.`);
    }
    if (spec.set === 'sdkmessageprocessingsteps') {
      this.steps.delete(id);
      return emptyAnswer(204);
    }
    const used = [...this.steps.values()].filter((s) => s._eventhandler_value === id).length;
    if (used) {
      throw badRequest(ENDPOINT_HAS_STEPS, `The service endpoint ${id} cannot be deleted: ${used} sdkmessageprocessingstep(s) still use it. Remove the steps first.`);
    }
    this.endpoints.delete(id);
    return emptyAnswer(204);
  }
}

