/**
 * Salesforce record ids: 3-char key prefix + 12 chars + a 3-char case checksum (18 chars in all).
 * Clients compare ids as strings, so we always hand out the 18-char form and accept 15-char input.
 */

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-char suffix that makes a 15-char case-sensitive id safe for case-insensitive systems. */
export function checksum(id15: string): string {
  let out = '';
  for (let group = 0; group < 3; group++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(group * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    out += CHECKSUM_ALPHABET.charAt(bits);
  }
  return out;
}

/** Returns the 18-char form of a 15- or 18-char id, or undefined when `value` is not an id at all. */
export function to18(value: string): string | undefined {
  if (/^[a-zA-Z0-9]{15}$/.test(value)) return value + checksum(value);
  if (/^[a-zA-Z0-9]{18}$/.test(value)) {
    const base = value.slice(0, 15);
    // The suffix is case-insensitive by design; a wrong suffix means a mangled id.
    return checksum(base) === value.slice(15).toUpperCase() ? base + checksum(base) : undefined;
  }
  return undefined;
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && to18(value) !== undefined;
}

/**
 * Mints ids for one key prefix. The counter is seeded from the clock so two sandboxes started in the same
 * test run do not hand out the same ids (tests sometimes compare ids across sandboxes).
 */
export class IdGenerator {
  private counter = Date.now() % 1_000_000_000;

  next(keyPrefix: string, taken: (id: string) => boolean): string {
    for (;;) {
      const body = keyPrefix + '5Sb' + base62(this.counter++, 9);
      const id = body + checksum(body);
      if (!taken(id)) return id;
    }
  }
}

function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  while (v > 0) {
    s = BASE62.charAt(v % 62) + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0').slice(-width);
}

/** The org and the one API user every token belongs to. */
export const ORG_ID = withChecksum('00D5Sb000000001');
export const USER_ID = withChecksum('0055Sb000000001');

function withChecksum(id15: string): string {
  return id15 + checksum(id15);
}
