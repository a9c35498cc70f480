/**
 * Server-side query cursors behind `nextRecordsUrl`. A locator is `<cursorId>-<offset>` with no `/`, because
 * jsforce keeps only the text after the last `/` and always asks `/query/{locator}`, even for queryAll.
 */
import { LRUCache } from 'lru-cache';
import { checksum } from './ids.ts';

interface Cursor {
  records: Record<string, unknown>[];
  totalSize: number;
}

export const DEFAULT_BATCH_SIZE = 2000;
const MIN_BATCH_SIZE = 200;

export interface Page {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

export class QueryCursors {
  // Salesforce keeps a bounded number of open cursors per user and expires idle ones after 15 minutes.
  private cursors = new LRUCache<string, Cursor>({ max: 200, ttl: 15 * 60_000, updateAgeOnGet: true });
  private counter = 0;

  /** First page of a result; opens a cursor when more rows remain. */
  firstPage(records: Record<string, unknown>[], totalSize: number, batchSize: number, version: string): Page {
    if (records.length <= batchSize) return { totalSize, done: true, records };
    const id15 = `01g5Sb${(++this.counter).toString(36).toUpperCase().padStart(9, '0')}`;
    const cursorId = id15 + checksum(id15);
    this.cursors.set(cursorId, { records, totalSize });
    return this.page(cursorId, 0, batchSize, version)!;
  }

  /** The page at a locator, or undefined for an unknown, expired or malformed locator. */
  pageAt(locator: string, batchSize: number, version: string): Page | undefined {
    const m = /^([A-Za-z0-9]{18})-(\d+)$/.exec(locator);
    if (!m) return undefined;
    return this.page(m[1]!, Number(m[2]), batchSize, version);
  }

  clear(): void {
    this.cursors.clear();
  }

  private page(cursorId: string, offset: number, batchSize: number, version: string): Page | undefined {
    const cursor = this.cursors.get(cursorId);
    if (!cursor || offset > cursor.records.length) return undefined;
    const end = offset + batchSize;
    const records = cursor.records.slice(offset, end);
    if (end >= cursor.records.length) {
      this.cursors.delete(cursorId);
      return { totalSize: cursor.totalSize, done: true, records };
    }
    return { totalSize: cursor.totalSize, done: false, nextRecordsUrl: `/services/data/v${version}/query/${cursorId}-${end}`, records };
  }
}

/** `Sforce-Query-Options: batchSize=N`, clamped to Salesforce's 200–2000. */
export function batchSizeFrom(header: string | undefined): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(header ?? '');
  if (!m) return DEFAULT_BATCH_SIZE;
  return Math.min(DEFAULT_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(m[1])));
}
