/** Renders stored records in the v3 object shape (reference §2.2). */
import { OBJECT_TYPES } from './object-types.ts';
import type { ObjectTypeName } from './object-types.ts';
import { associationType } from './association-types.ts';
import type { Portal, StoredRecord } from './store.ts';

export interface RenderOptions {
  /** Requested properties; undefined → the type's defaults; 'all' → every property with a value (write answers). */
  properties?: string[] | 'all';
  propertiesWithHistory?: string[];
  associations?: ObjectTypeName[];
}

/** HubSpot always answers these three, whatever was asked for. */
function alwaysReturned(type: ObjectTypeName): string[] {
  return ['createdate', 'hs_object_id', OBJECT_TYPES[type].modifiedProperty];
}

export function renderRecord(portal: Portal, r: StoredRecord, opts: RenderOptions = {}): Record<string, unknown> {
  const properties: Record<string, string | null> = {};
  if (opts.properties === 'all') {
    for (const [k, v] of Object.entries(r.properties)) if (v !== '') properties[k] = v;
  } else {
    const wanted = opts.properties && opts.properties.length ? opts.properties : OBJECT_TYPES[r.type].defaultProperties;
    for (const name of [...wanted, ...alwaysReturned(r.type)]) {
      // Unknown names in a read are ignored, as HubSpot does.
      if (!portal.properties.get(r.type, name)) continue;
      properties[name] = r.properties[name] ?? null;
    }
  }
  const out: Record<string, unknown> = {
    id: r.id,
    properties: sortKeys(properties),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    archived: r.archived,
  };
  if (r.archived && r.archivedAt) out.archivedAt = r.archivedAt;
  if (opts.propertiesWithHistory?.length) {
    const hist: Record<string, unknown[]> = {};
    for (const name of opts.propertiesWithHistory) {
      if (portal.properties.get(r.type, name)) hist[name] = r.history[name] ?? [];
    }
    out.propertiesWithHistory = hist;
  }
  if (opts.associations?.length) {
    const assoc: Record<string, { results: { id: string; type: string }[] }> = {};
    for (const toType of opts.associations) {
      const results = portal
        .liveAssociations(r.type, r.id, toType)
        .flatMap((a) => a.typeIds.map((t) => ({ id: a.toId, type: associationType(t)?.name ?? String(t) })));
      if (results.length) assoc[toType] = { results };
    }
    if (Object.keys(assoc).length) out.associations = assoc;
  }
  return out;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
