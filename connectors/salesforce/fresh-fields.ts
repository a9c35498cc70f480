/**
 * Reads that outlive a field deleted in Salesforce after the held describe was taken.
 *
 * A read leaves out the fields the held describe does not list (index.ts `fieldsToRead`), but until that describe
 * is refreshed (metadata refresh or TTL) a field deleted since still goes into the SOQL, and the whole query fails
 * with INVALID_FIELD: every fetch, poll and backfill page of the object, for up to a refresh period. So on
 * INVALID_FIELD the read recomputes its field list; when that changes, it runs once more with the new list. It
 * asks for a fresh describe only when the held one still yields the list that failed: a read that failed on a list
 * built before someone else's refresh just retries with the new one, so a burst of failures costs one describe.
 * When nothing changes (a bad relationship path, which no describe filters) the original error stands.
 */
import { ConnectorError } from '../contract/errors.ts';

export interface FieldSource {
  /** The fields a read asks for, computed from the describe held now. */
  current(): Promise<string[]>;
  /** Replaces the held describe with a fresh one (one in flight per object, shared). */
  refresh(): Promise<unknown>;
}

/** Salesforce's answer to a query naming a field (or relationship) the object does not have. */
export function isInvalidField(err: unknown): boolean {
  return err instanceof ConnectorError && err.code === 'CRM_VALIDATION' && err.details?.nativeCode === 'INVALID_FIELD';
}

/** `read` with the current fields, and once more with refreshed ones after an INVALID_FIELD that changes them. */
export async function readWithFreshFields<T>(source: FieldSource, read: (fields: string[]) => Promise<T>): Promise<T> {
  const fields = await source.current();
  try {
    return await read(fields);
  } catch (err) {
    return read(await fieldsAfterFailure(err, fields, source));
  }
}

/**
 * The same for a paged read, retried only while it has yielded nothing: after a yield the caller holds part of
 * the answer and a cursor, so the error goes to it; the describe refreshed here makes its next attempt succeed.
 */
export async function* pagesWithFreshFields<T>(source: FieldSource, read: (fields: string[]) => AsyncGenerator<T>): AsyncGenerator<T> {
  const fields = await source.current();
  let yielded = false;
  let retryWith: string[];
  try {
    for await (const item of read(fields)) {
      yielded = true;
      yield item;
    }
    return;
  } catch (err) {
    // Also reached by an error the consumer throws in at a yield: `yielded` is true then, so it is rethrown.
    if (yielded) {
      await fieldsAfterFailure(err, fields, source).catch(() => undefined);
      throw err;
    }
    retryWith = await fieldsAfterFailure(err, fields, source);
  }
  yield* read(retryWith);
}

/** The field list to retry with, or a throw of `err` when it is not INVALID_FIELD or a refresh changes nothing. */
async function fieldsAfterFailure(err: unknown, failed: readonly string[], source: FieldSource): Promise<string[]> {
  if (!isInvalidField(err)) throw err;
  // A describe that fails too is no reason to hide the read's own error.
  const fields = await recomputed(failed, source).catch(() => failed);
  if (sameList(fields, failed)) throw err;
  return [...fields];
}

/** The list from the held describe, refreshed first only when the held one still yields the list that failed. */
async function recomputed(failed: readonly string[], source: FieldSource): Promise<readonly string[]> {
  const fields = await source.current();
  if (!sameList(fields, failed)) return fields;
  await source.refresh();
  return source.current();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
