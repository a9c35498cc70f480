/**
 * In-memory records, one table per sObject type, with savepoints so a rejected write or an `allOrNone`
 * collection leaves nothing behind — neither records nor ledger entries.
 *
 * Records are never mutated in place: every write stores a fresh object, so a journal of previous values is
 * enough to roll back.
 */
import type { LedgerEntry } from '../common/control-plane.ts';

/** A stored record: canonical field names → JSON values. `$deletedAt` (epoch ms) is internal, never rendered. */
export type SfRecord = Readonly<Record<string, unknown>> & { readonly Id: string };

type LedgerInput = Omit<LedgerEntry, 'seq' | 'at'>;

/** A committed transaction: its ledger entries and each written record as it was before (undefined: created). */
export type CommitListener = (entries: LedgerInput[], before: ReadonlyMap<string, SfRecord | undefined>) => void;

type JournalEntry =
  | { kind: 'record'; type: string; id: string; prev: SfRecord | undefined }
  | { kind: 'ledger'; entry: LedgerInput };

export class RecordStore {
  private tables = new Map<string, Map<string, SfRecord>>();
  /** Open transaction journal; null when writes auto-commit. */
  private journal: JournalEntry[] | null = null;

  constructor(private readonly onCommit: CommitListener = () => {}) {}

  private table(type: string): Map<string, SfRecord> {
    let t = this.tables.get(type);
    if (!t) {
      t = new Map();
      this.tables.set(type, t);
    }
    return t;
  }

  get(type: string, id: string): SfRecord | undefined {
    return this.tables.get(type)?.get(id);
  }

  /** Finds a record of any type by id. */
  find(id: string): { type: string; record: SfRecord } | undefined {
    for (const [type, table] of this.tables) {
      const record = table.get(id);
      if (record) return { type, record };
    }
    return undefined;
  }

  has(id: string): boolean {
    return this.find(id) !== undefined;
  }

  /** Records of a type in insertion order; deleted ones only when asked. */
  all(type: string, opts: { includeDeleted?: boolean } = {}): SfRecord[] {
    const rows = [...(this.tables.get(type)?.values() ?? [])];
    return opts.includeDeleted ? rows : rows.filter((r) => r.IsDeleted !== true);
  }

  count(type: string, opts: { includeDeleted?: boolean } = {}): number {
    return this.all(type, opts).length;
  }

  types(): string[] {
    return [...this.tables.keys()];
  }

  /** Stores a record (insert or replace) and records the previous value for rollback. */
  put(type: string, record: SfRecord): void {
    const table = this.table(type);
    this.inTransaction(() => {
      this.journal!.push({ kind: 'record', type, id: record.Id, prev: table.get(record.Id) });
      table.set(record.Id, Object.freeze({ ...record }) as SfRecord);
    });
  }

  /** Queues a ledger entry that reaches the control plane only if the surrounding transaction commits. */
  logWrite(entry: LedgerInput): void {
    this.inTransaction(() => {
      this.journal!.push({ kind: 'ledger', entry });
    });
  }

  /**
   * Removes a field's values from every record of a type, deleted ones included (a custom field deleted in Setup
   * takes its data with it). Schema work, like `clear`: not journaled, no ledger entry, no new SystemModstamp.
   */
  dropField(type: string, field: string): void {
    const table = this.tables.get(type);
    for (const [id, record] of table ?? []) {
      if (!Object.hasOwn(record, field)) continue;
      const rest: Record<string, unknown> = { ...record };
      delete rest[field];
      table!.set(id, Object.freeze(rest) as SfRecord);
    }
  }

  /** Drops everything (seeding and reset); not journaled. */
  clear(): void {
    this.tables.clear();
  }

  /**
   * Runs `fn` atomically. Nested calls act as savepoints: a throw rolls back only the inner work and rethrows.
   * The outermost successful call publishes its ledger entries.
   */
  transaction<T>(fn: () => T): T {
    const outer = this.journal === null;
    if (outer) this.journal = [];
    const mark = this.journal!.length;
    try {
      const result = fn();
      return result;
    } catch (err) {
      this.rollbackTo(mark);
      throw err;
    } finally {
      if (outer) {
        const journal = this.journal!;
        const committed = journal.filter((j) => j.kind === 'ledger').map((j) => j.entry);
        this.journal = null;
        if (committed.length) this.onCommit(committed, valuesBefore(journal));
      }
    }
  }

  /** Savepoint marker for callers that decide to roll back without throwing (allOrNone collections). */
  savepoint(): number {
    if (this.journal === null) throw new Error('savepoint outside a transaction');
    return this.journal.length;
  }

  rollbackTo(mark: number): void {
    const journal = this.journal;
    if (!journal) return;
    while (journal.length > mark) {
      const entry = journal.pop()!;
      if (entry.kind !== 'record') continue;
      const table = this.table(entry.type);
      if (entry.prev) table.set(entry.id, entry.prev);
      else table.delete(entry.id);
    }
  }

  private inTransaction(fn: () => void): void {
    if (this.journal) fn();
    else this.transaction(fn);
  }
}

/** The first journaled previous value of each record: its state before the transaction. */
function valuesBefore(journal: JournalEntry[]): Map<string, SfRecord | undefined> {
  const before = new Map<string, SfRecord | undefined>();
  for (const j of journal) if (j.kind === 'record' && !before.has(j.id)) before.set(j.id, j.prev);
  return before;
}
