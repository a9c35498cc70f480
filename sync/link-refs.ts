/**
 * The references each record read holds (Contact.AccountId → `company=salesforce/Account/001…`), stored with its
 * link whenever sync reads it — the full link run and change capture alike — so the inverse lists
 * (Company.customers, Company.deals, Customer.deals) follow a contact moved to another account at the next capture.
 */
import type { Tx } from '../db/link-store.ts';
import { writeLinkRefs } from '../db/relation-store.ts';
import type { LinkRefsUpdate } from '../db/relation-store.ts';
import { relationReferenceKeys } from '../resolver-engine/index.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';

export interface RecordRead { connectorId: string; crm: string; objectType: string; recordId: string; record: Readonly<Record<string, unknown>> }

export function hasRelations(config: MappingConfig, goldenType: string): boolean {
  return Object.keys(config.types[goldenType]?.relations ?? {}).length > 0;
}

export function linkRefsOf(config: MappingConfig, goldenType: string, read: RecordRead): LinkRefsUpdate {
  return { connectorId: read.connectorId, objectType: read.objectType, recordId: read.recordId, refs: relationReferenceKeys(config, goldenType, read.crm, read.objectType, read.record) };
}

/** Stores the references of every record read of one golden type (nothing when the type has no relation). */
export async function stampLinkRefs(tx: Tx, config: MappingConfig, goldenType: string, reads: readonly RecordRead[]): Promise<void> {
  if (!hasRelations(config, goldenType)) return;
  await writeLinkRefs(tx, reads.map((r) => linkRefsOf(config, goldenType, r)));
}
