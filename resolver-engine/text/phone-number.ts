/**
 * One parse per distinct phone string. libphonenumber's parse is the most expensive step of mapping a record
 * (a profile of the golden customers query put it at about a quarter of mapping time), and the same numbers
 * come back on every request and every sync round: the gateway maps cached CRM records again per query, change
 * capture re-maps records whose phone did not change. Parsing is pure, so a bounded cache cannot change a result.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js';
import { LRUCache } from 'lru-cache';

export interface ParsedPhone {
  /** E.164, or null when the text is not a possible number in that region. */
  e164: string | null;
  /** libphonenumber's full validity check (number plan), computed on first use: most callers never ask. */
  readonly valid: boolean;
  country: string | undefined;
}

const NOT_A_NUMBER: ParsedPhone = Object.freeze({ e164: null, valid: false, country: undefined });

function summarise(parsed: PhoneNumber | undefined): ParsedPhone {
  if (!parsed) return NOT_A_NUMBER;
  let valid: boolean | undefined;
  return {
    e164: parsed.isPossible() ? parsed.number : null,
    get valid() { return (valid ??= parsed.isValid()); },
    country: parsed.country,
  };
}

// 50,000 entries of a few hundred bytes each: a few tens of MB at most, far less than the records they serve.
const cache = new LRUCache<string, ParsedPhone>({ max: 50_000 });

/** `text` is trimmed by the caller; `region` is the ISO code for numbers written without a country code. */
export function parsePhone(text: string, region: string): ParsedPhone {
  const key = `${region}\u0000${text}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = summarise(parsePhoneNumberFromString(text, region as CountryCode));
    cache.set(key, hit);
  }
  return hit;
}
