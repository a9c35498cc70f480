/**
 * Association changes as webhook events (reference §2.11). HubSpot sends one `associationChange` event per direction
 * and per association type: linking deal 11 to company 22 with the primary type tells the deal (`DEAL_TO_COMPANY`,
 * 11 → 22) and the company (`COMPANY_TO_DEAL`, 22 → 11). Writers compare a record's edges before and after a write,
 * so implied types (primary brings the unlabeled one) and a primary moved off another record are reported too.
 */
import { associationType } from './association-types.ts';
import { OBJECT_TYPES } from './object-types.ts';
import type { ObjectTypeName } from './object-types.ts';
import type { Portal } from './store.ts';
import type { ChangeEvent } from './writes.ts';
import type { WebhookEvent } from './webhooks.ts';

/** `toId:typeId` for every edge from one record to records of one type. */
export function edgesOf(portal: Portal, fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName): Set<string> {
  return new Set(portal.associations.list(fromType, fromId, toType).flatMap((a) => a.typeIds.map((t) => `${a.toId}:${t}`)));
}

/** The events for what differs between two edge sets of one record, each with its mirror on the other record. */
export function associationChanges(
  fromType: ObjectTypeName, fromId: string, toType: ObjectTypeName,
  before: ReadonlySet<string>, after: ReadonlySet<string>, sourceId: string, occurredAt: number,
): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  const add = (edge: string, removed: boolean) => {
    const [toId = '', typeId] = edge.split(':');
    const t = associationType(Number(typeId));
    if (!t) return;
    events.push(
      { kind: 'associationChange', objectType: fromType, objectId: fromId, sourceId, occurredAt, association: { toObjectId: toId, associationTypeId: t.typeId, removed } },
      { kind: 'associationChange', objectType: toType, objectId: toId, sourceId, occurredAt, association: { toObjectId: fromId, associationTypeId: t.inverse, removed } },
    );
  };
  for (const edge of after) if (!before.has(edge)) add(edge, false);
  for (const edge of before) if (!after.has(edge)) add(edge, true);
  return events;
}

/** The association fields of a delivered event: `DEAL_TO_COMPANY`, both ids as numbers, removed, primary. */
export function associationEventFields(ch: ChangeEvent): Partial<WebhookEvent> {
  if (!ch.association) return {};
  const t = associationType(ch.association.associationTypeId);
  return {
    fromObjectId: Number(ch.objectId),
    toObjectId: Number(ch.association.toObjectId),
    associationType: t ? `${OBJECT_TYPES[t.from].upper}_TO_${OBJECT_TYPES[t.to].upper}` : '',
    associationCategory: 'HUBSPOT_DEFINED' as const,
    associationTypeId: ch.association.associationTypeId,
    associationRemoved: ch.association.removed,
    isPrimaryAssociation: t?.primary ?? false,
  };
}
