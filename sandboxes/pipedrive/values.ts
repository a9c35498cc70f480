/**
 * Checks and normalises one standard field value of a v2 write. Each checker throws Pipedrive's 400 or returns
 * the value to store, so a rejected write never reaches the store.
 */
import { badRequest } from './errors.ts';
import { isDate } from './time.ts';

export type Checker = (value: unknown, key: string) => unknown;

export const text: Checker = (v, key) => {
  if (v === null) return null;
  if (typeof v !== 'string') throw badRequest(`Invalid value for ${key}: a string is expected`);
  return v;
};

export const id = (nullable: boolean): Checker => (v, key) => {
  if (v === null && nullable) return null;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw badRequest(`Invalid value for ${key}: a positive integer is expected`);
  return n;
};

export const number = (nullable: boolean): Checker => (v, key) => {
  if (v === null && nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`Invalid value for ${key}: a number is expected`);
  return v;
};

export const visibleTo: Checker = (v, key) => {
  const n = typeof v === 'string' ? Number(v) : v;
  if (![1, 3, 5, 7].includes(n as number)) throw badRequest(`Invalid value for ${key}: one of 1, 3, 5, 7 is expected`);
  return n;
};

export const labelIds: Checker = (v, key) => {
  if (v === null) return [];
  if (!Array.isArray(v) || v.some((x) => !Number.isSafeInteger(x))) throw badRequest(`Invalid value for ${key}: an array of integers is expected`);
  return [...(v as number[])];
};

export const date: Checker = (v, key) => {
  if (v === null) return null;
  if (typeof v !== 'string' || !isDate(v)) throw badRequest(`Invalid value for ${key}: a YYYY-MM-DD date is expected`);
  return v;
};

export const oneOf = (allowed: string[]): Checker => (v, key) => {
  if (typeof v !== 'string' || !allowed.includes(v)) throw badRequest(`Invalid value for ${key}: one of ${allowed.join(', ')} is expected`);
  return v;
};

export const currency: Checker = (v, key) => {
  if (typeof v !== 'string' || !/^[A-Za-z]{3}$/.test(v)) throw badRequest(`Invalid value for ${key}: a 3-letter currency code is expected`);
  return v.toUpperCase();
};

export interface ContactValue {
  value: string;
  primary: boolean;
  label: string;
}

/**
 * `emails` / `phones`: an array of `{value, primary?, label?}` (plain strings accepted too). Empty values are
 * dropped; the first entry is primary unless one says so. Emails need an `@`.
 */
export const contactList = (kind: 'email' | 'phone'): Checker => (v, key) => {
  if (v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  const out: ContactValue[] = [];
  for (const item of items) {
    const entry = typeof item === 'string' ? { value: item } : (item as Record<string, unknown> | null);
    if (!entry || typeof entry !== 'object' || (entry.value !== undefined && typeof entry.value !== 'string')) {
      throw badRequest(`Invalid value for ${key}: [{value, primary, label}] is expected`);
    }
    const value = String(entry.value ?? '').trim();
    if (!value) continue;
    if (kind === 'email' && !/^[^@\s]+@[^@\s]+$/.test(value)) throw badRequest('Invalid email address');
    out.push({ value, primary: entry.primary === true, label: typeof entry.label === 'string' && entry.label ? entry.label : 'work' });
  }
  if (out.length > 0 && !out.some((e) => e.primary)) out[0]!.primary = true;
  return out;
};

const ADDRESS_PARTS = ['value', 'country', 'locality', 'postal_code', 'route', 'street_number'] as const;

/** Organization `address`: a string (the formatted value) or an object of the parts; null clears it. */
export const address: Checker = (v, key) => {
  if (v === null) return null;
  const parts = typeof v === 'string' ? { value: v } : (v as Record<string, unknown>);
  if (!parts || typeof parts !== 'object' || Array.isArray(parts)) throw badRequest(`Invalid value for ${key}: an address object is expected`);
  const out: Record<string, string | null> = {};
  for (const p of ADDRESS_PARTS) {
    const x = parts[p];
    if (x !== undefined && x !== null && typeof x !== 'string') throw badRequest(`Invalid value for ${key}.${p}: a string is expected`);
    out[p] = (x as string | undefined) ?? null;
  }
  return out;
};
