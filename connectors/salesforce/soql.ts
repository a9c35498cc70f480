/**
 * SOQL text built from caller input, safely: names are checked against a strict identifier grammar (a field list
 * is not a place for injection), string literals are escaped, datetimes are written in the unquoted form SOQL
 * wants, and `Id IN (…)` lists are cut so one GET query stays under Salesforce's URL limit.
 */
import { ConnectorError } from '../contract/errors.ts';
import { CRM } from './errors.ts';

/** Most ids in one `Id IN (…)`: a few hundred keeps one query per DataLoader batch without huge URLs. */
export const MAX_IDS_PER_QUERY = 300;
/**
 * Budget for the URL-encoded SOQL of one GET query. Salesforce refuses request URIs over 16,384 bytes
 * (414 / URI_TOO_LONG); this leaves room for the instance URL and the `/services/data/vXX.X/query?q=` prefix.
 */
export const MAX_ENCODED_SOQL_CHARS = 15_000;

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const PATH = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*){0,4}$/;

/** An sObject name ('Contact', 'Invoice__c'); anything else is refused before it reaches a query or a path. */
export function objectName(name: string): string {
  if (!NAME.test(name)) throw new ConnectorError('CRM_VALIDATION', CRM, `'${name.slice(0, 80)}' is not a valid sObject name`);
  return name;
}

/** A field or parent-relationship path ('Email', 'Account.Name', 'Account.Owner__r.Region__c'). */
export function fieldPath(path: string): string {
  const trimmed = path.trim();
  if (!PATH.test(trimmed)) throw new ConnectorError('CRM_VALIDATION', CRM, `'${path.slice(0, 80)}' is not a valid field name`);
  return trimmed;
}

/**
 * The SELECT list: the caller's fields plus the ones the connector itself needs (Id, SystemModstamp, and
 * IsDeleted when deleted rows matter), de-duplicated case-insensitively as SOQL would reject duplicates.
 */
export function selectList(fields: readonly string[], required: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of [...required, ...fields]) {
    const path = fieldPath(f);
    const key = path.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(path);
  }
  return out;
}

/** A SOQL string literal: backslash escapes for quote, backslash and control characters. */
export function quote(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' })[c] as string);
  return `'${escaped}'`;
}

/** A datetime literal (unquoted, UTC, with milliseconds: SystemModstamp has millisecond precision). */
export function dateTimeLiteral(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Salesforce's `2024-05-01T12:00:00.000+0000` (and ISO variants) → epoch ms; NaN when unreadable. */
export function parseSalesforceDateTime(value: string): number {
  return Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character form of a Salesforce id (15-character ids are case-sensitive; the 3-character suffix encodes
 * which of the 15 are upper case), or null when `id` is not id-shaped. Queries answer with 18-character ids.
 */
export function to18(id: string): string | null {
  if (/^[a-zA-Z0-9]{18}$/.test(id)) return id;
  if (!/^[a-zA-Z0-9]{15}$/.test(id)) return null;
  let suffix = '';
  for (let group = 0; group < 3; group++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id.charAt(group * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits);
  }
  return id + suffix;
}

/**
 * Splits ids into `Id IN (…)` lists that fit both `maxIds` and the URL budget left after the rest of the query
 * (`fixedEncodedChars`: the encoded length of the query without the id list).
 */
export function chunkIdsForQuery(ids: readonly string[], fixedEncodedChars: number, maxIds = MAX_IDS_PER_QUERY, maxEncodedChars = MAX_ENCODED_SOQL_CHARS): string[][] {
  const room = maxEncodedChars - fixedEncodedChars;
  const chunks: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const id of ids) {
    // `'<id>',` plus a space, URL-encoded.
    const cost = encodeURIComponent(`${quote(id)}, `).length;
    if (cost > room) throw new ConnectorError('CRM_VALIDATION', CRM, 'the field list is too long for a GET query: ask for fewer fields');
    if (current.length > 0 && (current.length >= maxIds || used + cost > room)) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(id);
    used += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** `SELECT … FROM T WHERE Id IN (…)` for one chunk. */
export function byIdsQuery(objectType: string, select: readonly string[], ids: readonly string[]): string {
  return `SELECT ${select.join(', ')} FROM ${objectName(objectType)} WHERE Id IN (${ids.map(quote).join(', ')})`;
}

/** The encoded length of the query for `ids = []`, i.e. what every chunk pays besides its ids. */
export function byIdsFixedLength(objectType: string, select: readonly string[]): number {
  return encodeURIComponent(byIdsQuery(objectType, select, [])).length;
}

/** The path of a SOQL call: `/query` (live rows) or `/queryAll` (recycle bin included). */
export function queryPath(soql: string, includeDeleted: boolean): string {
  return `/${includeDeleted ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`;
}

/**
 * The path of the next page. jsforce itself keeps only the locator (the text after the last '/') and asks
 * `/query/{locator}`, which Salesforce serves for queryAll cursors too; we do the same.
 */
export function nextPagePath(nextRecordsUrl: string): string {
  const locator = nextRecordsUrl.slice(nextRecordsUrl.lastIndexOf('/') + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(locator)) throw new ConnectorError('CRM_UNAVAILABLE', CRM, 'answered with an unreadable query locator');
  return `/query/${locator}`;
}

/** `Sforce-Query-Options: batchSize=N`; Salesforce accepts 200–2000 and treats it as a hint. */
export function batchSizeHeader(pageSize: number | undefined): Record<string, string> {
  if (pageSize === undefined) return {};
  const size = Math.min(2000, Math.max(200, Math.floor(pageSize)));
  return { 'Sforce-Query-Options': `batchSize=${size}` };
}
