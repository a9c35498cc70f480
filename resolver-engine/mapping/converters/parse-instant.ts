/**
 * Strict parsing of the timestamp and date formats the CRMs actually send (see crm-wire-formats.md §0),
 * shared by the date and datetime converters and by modification-time reading. Deliberately strict:
 * `Date.parse` accepts almost anything and would turn a typo into a plausible but wrong instant.
 */

import { LRUCache } from 'lru-cache';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// 2024-05-01T12:00:00Z, …00.000Z, …00+05:30, …00.000+0000 (Salesforce), 2024-05-01 12:00:00 (Pipedrive v1, UTC)
const ISO_DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH_MS = /^-?\d{10,}$/;

function validCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Epoch ms per distinct text (NaN: not understood). The same modification times are parsed again on every golden
 * query (each candidate's clock, each field clock) and every sync round: a profile of the golden customers query put
 * this parse at the top of our own code. Parsing is pure, so a bounded cache cannot change a result; callers still
 * get a fresh Date each time, because a Date is mutable.
 */
const parsed = new LRUCache<string, number>({ max: 50_000 });

/** Parses an instant; a date without a time is UTC midnight. Returns null when the value is not understood. */
export function parseInstant(raw: unknown): Date | null {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? new Date(raw) : null;
  if (typeof raw !== 'string') return null;
  let ms = parsed.get(raw);
  if (ms === undefined) {
    ms = parseText(raw.trim())?.getTime() ?? Number.NaN;
    parsed.set(raw, ms);
  }
  return Number.isNaN(ms) ? null : new Date(ms);
}

function parseText(text: string): Date | null {
  if (EPOCH_MS.test(text)) return new Date(Number(text));
  const dateOnly = ISO_DATE.exec(text);
  if (dateOnly) {
    const [y, m, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    return validCalendarDate(y, m, d) ? new Date(Date.UTC(y, m - 1, d)) : null;
  }
  const match = ISO_DATETIME.exec(text);
  if (!match) return null;
  const [, day, time, zone] = match;
  const [y, m, d] = day!.split('-').map(Number) as [number, number, number];
  if (!validCalendarDate(y, m, d)) return null;
  // No zone: the CRMs that omit it (Pipedrive v1) mean UTC. '+0000' gains its colon for ECMAScript parsing.
  const offset = zone === undefined ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const parsed = new Date(`${day}T${time!.length === 5 ? `${time}:00` : time}${offset}`);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Salesforce's own datetime rendering: milliseconds and a `+0000` offset. */
export function toSalesforceDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
