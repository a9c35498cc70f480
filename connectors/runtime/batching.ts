/**
 * Helpers every connector needs around bulk endpoints and paged reads, so per-CRM code stays a mapping:
 * split work into the CRM's batch size, keep results in input order, turn a failed chunk into per-item
 * failures, and expose paging as an async generator.
 */
import { ConnectorError, asConnectorError } from '../contract/errors.ts';
import type { WriteResult } from '../contract/connector.ts';

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError('chunk size must be at least 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Writes `items` in chunks of `size` (one after another: write-back is not a race) and returns one result per
 * item in input order. A chunk that throws (CRM down, budget spent) fails each of its items with that error
 * instead of losing the results of the chunks that did go through.
 */
export async function writeInChunks<T>(crm: string, items: readonly T[], size: number, writeChunk: (chunk: T[]) => Promise<WriteResult[]>): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const part of chunk(items, size)) {
    try {
      const partResults = await writeChunk(part);
      if (partResults.length !== part.length) {
        throw new ConnectorError('CRM_UNAVAILABLE', crm, `batch answer has ${partResults.length} results for ${part.length} items`);
      }
      results.push(...partResults);
    } catch (err) {
      const error = asConnectorError(crm, err);
      for (let i = 0; i < part.length; i++) results.push({ ok: false, error });
    }
  }
  return results;
}

/** For callers that want all-or-error: throws CRM_PARTIAL_FAILURE listing the failed input indexes. */
export function assertAllSucceeded(crm: string, results: readonly WriteResult[]): Array<{ id: string; created?: boolean }> {
  const failures = results.flatMap((r, index) => (r.ok ? [] : [{ index, code: r.error.code, message: r.error.message }]));
  if (failures.length > 0) {
    throw new ConnectorError('CRM_PARTIAL_FAILURE', crm, `${failures.length} of ${results.length} items failed`, {
      details: { failures },
      retryable: results.every((r) => r.ok || r.error.retryable),
    });
  }
  return results.map((r) => (r.ok ? { id: r.id, ...(r.created !== undefined ? { created: r.created } : {}) } : { id: '' }));
}

/**
 * Paging as an async generator: `fetchPage(cursor)` returns a page and the next cursor (null at the end).
 * The consumer stops early by breaking out of its `for await`, and no further page is fetched.
 */
export async function* paginate<T, C>(first: C | null, fetchPage: (cursor: C | null) => Promise<{ items: T[]; next: C | null }>): AsyncGenerator<T[]> {
  let cursor: C | null = first;
  for (;;) {
    const page = await fetchPage(cursor);
    if (page.items.length > 0) yield page.items;
    if (page.next === null || page.next === undefined) return;
    cursor = page.next;
  }
}
