/** GUIDs: random for new rows, and stable (name-derived) for metadata so MetadataIds survive a reset. */
import { createHash, randomUUID } from 'node:crypto';

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newGuid(): string {
  return randomUUID();
}

/** A GUID derived from a name (the same name always gives the same GUID). */
export function stableGuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Well-known rows of the sandbox org that it does not serve as tables but that lookups and WhoAmI name. */
export const ORG = {
  organizationId: stableGuid('organization'),
  businessUnitId: stableGuid('businessunit'),
  userId: stableGuid('systemuser:sandbox'),
  usdCurrencyId: stableGuid('transactioncurrency:USD'),
};
