/**
 * HUBSPOT_DEFINED association types between contacts, companies and deals (reference §2.8). Every type has an
 * inverse: creating contact→company 279 also creates company→contact 280, as HubSpot does.
 */
import type { ObjectTypeName } from './object-types.ts';

export interface AssociationType {
  typeId: number;
  from: ObjectTypeName;
  to: ObjectTypeName;
  /** The v3 `type` string (`contact_to_company_unlabeled`). */
  name: string;
  /** The v4 label (`Primary` for primary types, null for the unlabeled default). */
  label: string | null;
  inverse: number;
  primary: boolean;
}

const T = (typeId: number, from: ObjectTypeName, to: ObjectTypeName, name: string, inverse: number, primary = false): AssociationType => ({
  typeId, from, to, name, inverse, primary, label: primary ? 'Primary' : null,
});

export const ASSOCIATION_TYPES: AssociationType[] = [
  T(279, 'contacts', 'companies', 'contact_to_company_unlabeled', 280),
  T(1, 'contacts', 'companies', 'contact_to_company', 2, true),
  T(280, 'companies', 'contacts', 'company_to_contact_unlabeled', 279),
  T(2, 'companies', 'contacts', 'company_to_contact', 1, true),
  T(3, 'deals', 'contacts', 'deal_to_contact', 4),
  T(4, 'contacts', 'deals', 'contact_to_deal', 3),
  T(341, 'deals', 'companies', 'deal_to_company_unlabeled', 342),
  T(5, 'deals', 'companies', 'deal_to_company', 6, true),
  T(342, 'companies', 'deals', 'company_to_deal_unlabeled', 341),
  T(6, 'companies', 'deals', 'company_to_deal', 5, true),
];

const BY_ID = new Map(ASSOCIATION_TYPES.map((t) => [t.typeId, t]));
const BY_NAME = new Map(ASSOCIATION_TYPES.map((t) => [t.name, t]));

export const associationType = (typeId: number): AssociationType | undefined => BY_ID.get(typeId);
export const associationTypeByName = (name: string): AssociationType | undefined => BY_NAME.get(name.toLowerCase());

/** The unlabeled default type between two object types (what `createDefault` uses). */
export function defaultAssociationType(from: ObjectTypeName, to: ObjectTypeName): AssociationType | undefined {
  return ASSOCIATION_TYPES.find((t) => t.from === from && t.to === to && !t.primary);
}

export function typesBetween(from: ObjectTypeName, to: ObjectTypeName): AssociationType[] {
  return ASSOCIATION_TYPES.filter((t) => t.from === from && t.to === to);
}
