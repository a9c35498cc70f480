/**
 * Salesforce record ids: 3-char key prefix + 12 chars + a 3-char checksum that encodes which of the first
 * 15 characters are uppercase (reference §1.13). Clients round-trip ids as 18-char strings, so the demo set
 * must carry real checksums or jsforce-based code comparing ids would see mismatches.
 */
import type { Prng } from './prng.ts';

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const SALESFORCE_KEY_PREFIX = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
} as const;
export type SalesforceKeyedObject = keyof typeof SALESFORCE_KEY_PREFIX;

/** The 3-char suffix for a 15-char id. */
export function salesforceIdChecksum(id15: string): string {
  if (id15.length !== 15) throw new Error(`salesforceIdChecksum: expected 15 chars, got ${id15.length}`);
  let suffix = '';
  for (let group = 0; group < 3; group++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(group * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** True for an 18-char id made of base-62 characters whose suffix matches its checksum. */
export function isValidSalesforceId(id: string): boolean {
  return /^[0-9A-Za-z]{18}$/.test(id) && salesforceIdChecksum(id.slice(0, 15)) === id.slice(15);
}

/**
 * Hands out unique 18-char ids. Shape of the 15-char part: key prefix, a 2-char "pod" (`Dm` for demo),
 * the reserved `0`, then 9 record characters (two leading zeros and 7 random base-62 ones, as real orgs
 * show for their first few million records). Random rather than sequential so checksums vary.
 */
export class SalesforceIdFactory {
  private readonly issued = new Set<string>();

  constructor(private readonly rng: Prng) {}

  next(object: SalesforceKeyedObject): string {
    for (;;) {
      let body = '';
      for (let i = 0; i < 7; i++) body += BASE62.charAt(this.rng.int(0, 61));
      const id15 = `${SALESFORCE_KEY_PREFIX[object]}Dm000${body}`;
      if (this.issued.has(id15)) continue;
      this.issued.add(id15);
      return id15 + salesforceIdChecksum(id15);
    }
  }
}
