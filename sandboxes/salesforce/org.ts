/** One sandbox org: its schema, its records and its id minting. Routes and seeding work on this. */
import { MetadataRegistry } from './describe/metadata.ts';
import { IdGenerator } from './ids.ts';
import { RecordStore } from './store.ts';
import type { CommitListener } from './store.ts';
import type { LedgerEntry } from '../common/control-plane.ts';

export class SalesforceOrg {
  readonly meta = new MetadataRegistry();
  readonly store: RecordStore;
  readonly ids = new IdGenerator();
  /**
   * How far this org's clock is off ours (ms; negative: behind), set through `/_sandbox/salesforce/clock`: record
   * stamps (SystemModstamp…) are taken from it, so tests can show what clock skew does to change capture.
   */
  clockOffsetMs = 0;

  /** The org's own time (epoch ms): what it stamps writes with. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Told of every committed transaction after the ledger (Change Data Capture publishes from here). */
  readonly commitListeners: CommitListener[] = [];

  constructor(onCommit: (entries: Omit<LedgerEntry, 'seq' | 'at'>[]) => void) {
    this.store = new RecordStore((entries, before) => {
      onCommit(entries);
      for (const listener of this.commitListeners) listener(entries, before);
    });
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
