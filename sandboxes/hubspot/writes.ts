/**
 * Every write to the portal goes through here, in two steps: `prepare…` validates and throws a HubSpotError
 * without touching anything, `apply…` stores, stamps the modification time, appends the ledger entry and emits
 * the webhook events. Batch endpoints prepare all inputs before applying any, so a rejected write stores nothing.
 */
import type { ControlPlane, LedgerEntry } from '../common/control-plane.ts';
import { OBJECT_TYPES } from './object-types.ts';
import type { ObjectTypeName } from './object-types.ts';
import { associationType, typesBetween } from './association-types.ts';
import { HubSpotError, isoNow, propertyValuesError, validationError } from './errors.ts';
import { associationChanges, edgesOf } from './association-events.ts';
import type { Portal, StoredRecord } from './store.ts';

/** Who wrote: API writes carry the credential's source id; seeding passes no source and emits nothing. */
export interface WriteSource {
  sourceId: string;
  method: string;
  route: string;
}

export interface ChangeEvent {
  kind: 'creation' | 'propertyChange' | 'deletion' | 'associationChange';
  objectType: ObjectTypeName;
  objectId: string;
  propertyName?: string;
  propertyValue?: string;
  /** associationChange only: the other record, the type as seen from this record, and whether it went away. */
  association?: { toObjectId: string; associationTypeId: number; removed: boolean };
  sourceId: string;
  occurredAt: number;
}

export interface EventSink {
  emit(events: ChangeEvent[]): void;
}

export interface AssociationInput {
  to?: { id?: unknown };
  types?: { associationCategory?: unknown; associationTypeId?: unknown }[];
}

export interface PlannedAssociation {
  toType: ObjectTypeName;
  toId: string;
  typeId: number;
}

export interface PreparedCreate {
  values: Record<string, string>;
  associations: PlannedAssociation[];
}

/** Unique values claimed by earlier inputs of the same batch, so two inputs cannot take the same email. */
export type UniqueClaims = Map<string, string>;

const HISTORY_LIMIT = 45;
const STAGE_PROBABILITY: Record<string, string> = {
  appointmentscheduled: '0.2', qualifiedtobuy: '0.4', presentationscheduled: '0.6', decisionmakerboughtin: '0.8',
  contractsent: '0.9', closedwon: '1', closedlost: '0',
};

export class RecordWriter {
  constructor(
    private readonly portal: () => Portal,
    private readonly control: ControlPlane,
    private readonly sink: EventSink,
  ) {}

  prepareCreate(type: ObjectTypeName, input: { properties?: unknown; associations?: unknown }, claims: UniqueClaims = new Map(), system = false): PreparedCreate {
    const props = asObject(input.properties, 'properties');
    const { values, problems } = this.portal().properties.normalize(type, props, system);
    if (problems.length) throw propertyValuesError(problems);
    this.checkUnique(type, values, undefined, claims);
    return { values, associations: this.prepareAssociations(type, input.associations) };
  }

  prepareUpdate(record: StoredRecord, properties: unknown, claims: UniqueClaims = new Map()): Record<string, string> {
    const props = asObject(properties, 'properties');
    const { values, problems } = this.portal().properties.normalize(record.type, props);
    if (problems.length) throw propertyValuesError(problems);
    this.checkUnique(record.type, values, record.id, claims);
    return values;
  }

  prepareAssociations(type: ObjectTypeName, raw: unknown): PlannedAssociation[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw validationError('associations must be an array');
    const planned: PlannedAssociation[] = [];
    for (const a of raw as AssociationInput[]) {
      const toId = String(a?.to?.id ?? '');
      for (const spec of a?.types ?? []) {
        const t = associationType(Number(spec?.associationTypeId));
        if (!t || t.from !== type || spec.associationCategory !== 'HUBSPOT_DEFINED') {
          throw validationError(`association type ${String(spec?.associationTypeId)} (${String(spec?.associationCategory)}) is not valid from ${type}; valid: ${typesBetweenAll(type)}`);
        }
        if (!this.portal().records.live(t.to, toId)) {
          throw validationError(`One or more associations are invalid: ${OBJECT_TYPES[t.to].upper} ${toId} does not exist.`);
        }
        planned.push({ toType: t.to, toId, typeId: t.typeId });
      }
    }
    return planned;
  }

  applyCreate(type: ObjectTypeName, prepared: PreparedCreate, src: WriteSource, operation: LedgerEntry['operation'] = 'create'): StoredRecord {
    const portal = this.portal();
    const now = isoNow();
    const id = portal.records.allocateId();
    const record: StoredRecord = { id, type, properties: {}, history: {}, createdAt: now, updatedAt: now, archived: false };
    const set = { ...prepared.values, hs_object_id: id, createdate: prepared.values.createdate ?? now };
    if (set.createdate !== now) record.createdAt = set.createdate;
    setValues(record, set, now, src.sourceId);
    portal.records.put(record);
    for (const a of prepared.associations) this.portal().link(type, id, a.toType, a.toId, a.typeId);
    this.control.recordWrite({ method: src.method, route: src.route, objectType: type, recordId: id, operation, fields: prepared.values });
    const at = Date.parse(now);
    const linkedTypes = [...new Set(prepared.associations.map((a) => a.toType))];
    this.sink.emit([
      { kind: 'creation', objectType: type, objectId: id, sourceId: src.sourceId, occurredAt: at },
      ...Object.entries(prepared.values)
        .filter(([, v]) => v !== '')
        .map(([k, v]) => ({ kind: 'propertyChange' as const, objectType: type, objectId: id, propertyName: k, propertyValue: v, sourceId: src.sourceId, occurredAt: at })),
      ...linkedTypes.flatMap((to) => associationChanges(type, id, to, new Set(), edgesOf(portal, type, id, to), src.sourceId, at)),
    ]);
    return record;
  }

  applyUpdate(record: StoredRecord, values: Record<string, string>, src: WriteSource, operation: LedgerEntry['operation'] = 'update'): StoredRecord {
    const now = isoNow();
    const changed = Object.entries(values).filter(([k, v]) => (record.properties[k] ?? '') !== v);
    setValues(record, Object.fromEntries(changed), now, src.sourceId);
    this.control.recordWrite({ method: src.method, route: src.route, objectType: record.type, recordId: record.id, operation, fields: values });
    const at = Date.parse(now);
    this.sink.emit(
      changed.map(([k, v]) => ({ kind: 'propertyChange' as const, objectType: record.type, objectId: record.id, propertyName: k, propertyValue: v, sourceId: src.sourceId, occurredAt: at })),
    );
    return record;
  }

  /** Soft delete; archiving an archived or unknown record is a no-op, as HubSpot answers 204 regardless. */
  archive(record: StoredRecord | undefined, src: WriteSource): void {
    if (!record || record.archived) return;
    const now = isoNow();
    record.archived = true;
    record.archivedAt = now;
    record.updatedAt = now;
    this.control.recordWrite({ method: src.method, route: src.route, objectType: record.type, recordId: record.id, operation: 'delete', fields: {} });
    this.sink.emit([{ kind: 'deletion', objectType: record.type, objectId: record.id, sourceId: src.sourceId, occurredAt: Date.parse(now) }]);
  }

  /** Adds association types between two live records (through the API), recording the write. */
  associate(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, typeIds: number[], src: WriteSource): void {
    const before = edgesOf(this.portal(), fromType, fromId, toType);
    for (const typeId of typeIds) this.portal().link(fromType, fromId, toType, toId, typeId);
    this.control.recordWrite({
      method: src.method, route: src.route, objectType: fromType, recordId: fromId, operation: 'update',
      fields: { associationsAdded: typeIds.map((associationTypeId) => ({ toObjectType: toType, toObjectId: toId, associationTypeId })) },
    });
    this.sink.emit(associationChanges(fromType, fromId, toType, before, edgesOf(this.portal(), fromType, fromId, toType), src.sourceId, Date.now()));
  }

  dissociate(fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName, toId: string, src: WriteSource): void {
    const before = edgesOf(this.portal(), fromType, fromId, toType);
    const removed = this.portal().associations.removeAll(fromType, fromId, toType, toId);
    if (!removed.length) return;
    this.control.recordWrite({
      method: src.method, route: src.route, objectType: fromType, recordId: fromId, operation: 'update',
      fields: { associationsRemoved: removed.map((associationTypeId) => ({ toObjectType: toType, toObjectId: toId, associationTypeId })) },
    });
    this.sink.emit(associationChanges(fromType, fromId, toType, before, edgesOf(this.portal(), fromType, fromId, toType), src.sourceId, Date.now()));
  }

  private checkUnique(type: ObjectTypeName, values: Record<string, string>, selfId: string | undefined, claims: UniqueClaims): void {
    const portal = this.portal();
    for (const prop of portal.properties.uniqueProperties(type)) {
      const v = values[prop];
      if (v === undefined || v === '') continue;
      const existing = portal.records.findByUnique(type, prop, v);
      if (existing && existing.id !== selfId) {
        const message = type === 'contacts' && prop === 'email'
          ? `Contact already exists. Existing ID: ${existing.id}`
          : `A ${OBJECT_TYPES[type].singular} with ${prop} "${v}" already exists. Existing ID: ${existing.id}`;
        throw new HubSpotError(409, 'CONFLICT', message);
      }
      const me = selfId ?? `new-${++claimSeq}`;
      const claimKey = `${prop}\u0000${v}`;
      const owner = claims.get(claimKey);
      if (owner !== undefined && owner !== me) {
        throw validationError(`Duplicate value "${v}" for unique property ${prop} in the batch input.`);
      }
      claims.set(claimKey, me);
    }
  }
}

let claimSeq = 0;

/** Writes values with history, keeps computed deal properties in step and stamps the modification time. */
export function setValues(record: StoredRecord, values: Record<string, string>, now: string, sourceId: string | null, sourceType = 'API'): void {
  const all = { ...values };
  if (record.type === 'deals' && values.dealstage !== undefined) {
    all.hs_deal_stage_probability = STAGE_PROBABILITY[values.dealstage] ?? '';
    all.hs_is_closed_won = String(values.dealstage === 'closedwon');
  }
  const modified = OBJECT_TYPES[record.type].modifiedProperty;
  if (all[modified] === undefined) all[modified] = now;
  record.updatedAt = all[modified]!;
  for (const [k, v] of Object.entries(all)) {
    record.properties[k] = v;
    const h = (record.history[k] ??= []);
    h.unshift({ value: v, timestamp: all[modified]!, sourceType, sourceId, sourceLabel: null, updatedByUserId: null });
    if (h.length > HISTORY_LIMIT) h.length = HISTORY_LIMIT;
  }
}

function typesBetweenAll(type: ObjectTypeName): string {
  return (['contacts', 'companies', 'deals'] as const).flatMap((to) => typesBetween(type, to).map((t) => `${t.typeId} (${t.name})`)).join(', ');
}

export function asObject(v: unknown, what: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw validationError(`${what} must be an object`);
  return v as Record<string, unknown>;
}
