/**
 * Writing `email` / `phone` to a record that has an `emails` / `phones` list. Reading surfaces the primary entry
 * (else the first) as the field, so writing it sets that entry and nothing else: its value changes, its label stays,
 * and the person's other addresses and numbers (a home address, a mobile) are kept. Pipedrive replaces the whole list
 * on PATCH, so the list the record has now must be read first (one list call per 100 records, `currentLists`).
 */
import { chunk } from '../runtime/index.ts';
import type { Lane } from '../contract/index.ts';
import type { PipedriveApi } from './client.ts';
import { PIPEDRIVE_V2, expectList } from './client.ts';
import { MAX_IDS } from './reads.ts';
import type { PipedriveRecord } from './records.ts';

export type ContactEntry = { value: string; primary: boolean; label: string };
type StoredList = PipedriveRecord['emails'];

const LIST_KEYS = ['emails', 'phones'] as const;

/** True when a v2 body replaces a contact list (and so needs the record's current one to keep its other entries). */
export function writesContactList(body: Record<string, unknown>): boolean {
  return LIST_KEYS.some((key) => key in body);
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The list to send: `written` (what toPipedriveBody made of the field: one primary entry, or none for an empty value)
 * in place of the current primary entry, the other entries as they are (without a duplicate of the new value).
 */
export function replacePrimary(current: StoredList, written: readonly ContactEntry[]): ContactEntry[] {
  const list = (Array.isArray(current) ? current : []).filter((e) => e?.value !== undefined && e.value !== null && String(e.value) !== '');
  const primaryIndex = Math.max(0, list.findIndex((e) => e.primary === true));
  const primary = list[primaryIndex];
  const entry = written[0];
  const others = list
    .filter((_, i) => i !== primaryIndex)
    .filter((e) => !entry || !same(String(e.value), entry.value))
    .map((e) => ({ value: String(e.value), primary: false, label: typeof e.label === 'string' && e.label ? e.label : 'other' }));
  if (!entry) return others;
  const label = typeof primary?.label === 'string' && primary.label ? primary.label : entry.label;
  return [{ value: entry.value, primary: true, label }, ...others];
}

/** `body` with each contact list it replaces merged into the record's current one (`replacePrimary`). */
export function mergeContactLists(body: Record<string, unknown>, current: PipedriveRecord | undefined): Record<string, unknown> {
  if (!current) return body;
  const merged = { ...body };
  for (const key of LIST_KEYS) {
    if (key in body) merged[key] = replacePrimary(current[key], body[key] as ContactEntry[]);
  }
  return merged;
}

/** The current records (their lists) of `ids`, by id: one list call per 100 ids. Ids Pipedrive does not list are absent. */
export async function currentLists(api: PipedriveApi, objectType: string, ids: readonly string[], lane: Lane, signal?: AbortSignal): Promise<Map<string, PipedriveRecord>> {
  const wanted = [...new Set(ids)].filter((id) => /^\d+$/.test(id));
  const out = new Map<string, PipedriveRecord>();
  for (const part of chunk(wanted, MAX_IDS)) {
    const page = await api.request(lane, { path: `${PIPEDRIVE_V2}/${objectType}`, query: { ids: part.join(','), limit: MAX_IDS }, ...(signal ? { signal } : {}) });
    for (const raw of expectList<PipedriveRecord>(page, 'a list by ids')) out.set(String(raw.id), raw);
  }
  return out;
}
