/** One sandbox org: its schema, its records and its id minting. Routes and seeding work on this. */
import { MetadataRegistry } from './describe/metadata.ts';
import { IdGenerator } from './ids.ts';
import { RecordStore } from './store.ts';
import type { LedgerEntry } from '../common/control-plane.ts';

export class SalesforceOrg {
  readonly meta = new MetadataRegistry();
  readonly store: RecordStore;
  readonly ids = new IdGenerator();

  constructor(onCommit: (entries: Omit<LedgerEntry, 'seq' | 'at'>[]) => void) {
    this.store = new RecordStore(onCommit);
  }

  newId(keyPrefix: string): string {
    return this.ids.next(keyPrefix, (id) => this.store.has(id));
  }
}

/** Where a write came from, for the ledger. */
export interface WriteOrigin {
  method: string;
  route: string;
}
