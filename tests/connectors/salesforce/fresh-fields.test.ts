/**
 * The retry rule of paged reads (fresh-fields.ts) where the sandbox cannot reach it: its query cursors hold
 * their rows, so a field deleted mid-read never fails a later page there. Here a hand-written page source fails
 * after its first page, as Salesforce's queryMore may.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/errors.ts';
import { pagesWithFreshFields } from '../../../connectors/salesforce/fresh-fields.ts';
import type { FieldSource } from '../../../connectors/salesforce/fresh-fields.ts';

const invalidField = () => new ConnectorError('CRM_VALIDATION', 'salesforce', 'INVALID_FIELD: No such column', { details: { nativeCode: 'INVALID_FIELD' } });

/** A paged read that yields `pages` pages and then fails with INVALID_FIELD. */
async function* failingAfter(pages: number): AsyncGenerator<string> {
  for (let i = 1; i <= pages; i++) yield `page ${i}`;
  throw invalidField();
}

/** Fields from a list that loses 'Tier__c' on the first refresh; counts refreshes. */
function source(): FieldSource & { refreshes: number } {
  let fields = ['LastName', 'Tier__c'];
  const s = {
    refreshes: 0,
    current: () => Promise.resolve([...fields]),
    refresh: () => {
      s.refreshes += 1;
      fields = ['LastName'];
      return Promise.resolve();
    },
  };
  return s;
}

describe('pagesWithFreshFields', () => {
  it('after a page was yielded, an INVALID_FIELD goes to the caller (who resumes by cursor), the describe refreshed for its next attempt', async () => {
    const src = source();
    const reads: string[][] = [];
    const read = (fields: string[]) => {
      reads.push(fields);
      return failingAfter(1);
    };
    const got: string[] = [];
    const err = await (async () => {
      try {
        for await (const page of pagesWithFreshFields(src, read)) got.push(page);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(got).toEqual(['page 1']);
    expect(err).toMatchObject({ code: 'CRM_VALIDATION', details: { nativeCode: 'INVALID_FIELD' } });
    expect(reads).toEqual([['LastName', 'Tier__c']]);
    expect(src.refreshes).toBe(1);
    expect(await src.current()).toEqual(['LastName']);
  });

  it('before any page, it reads once more with the refreshed list; a second INVALID_FIELD is not retried again', async () => {
    const src = source();
    const reads: string[][] = [];
    const read = (fields: string[]) => {
      reads.push(fields);
      return failingAfter(0);
    };
    const iterator = pagesWithFreshFields(src, read);
    await expect(iterator.next()).rejects.toMatchObject({ details: { nativeCode: 'INVALID_FIELD' } });
    expect(reads).toEqual([['LastName', 'Tier__c'], ['LastName']]);
    expect(src.refreshes).toBe(1);
  });

  it('a consumer that stops early triggers nothing', async () => {
    const src = source();
    for await (const page of pagesWithFreshFields(src, () => failingAfter(1))) {
      expect(page).toBe('page 1');
      break;
    }
    expect(src.refreshes).toBe(0);
  });
});
