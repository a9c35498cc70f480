/**
 * Golden record ids: `<prefix>_<26 Crockford base32 chars>` (ULID layout: 48-bit time, 80 random bits), e.g.
 * `cus_01J9Z3K7Q4W8X2M5N6P7R8S9T0`. The prefix names the golden type, so a Company id passed where a Customer id
 * is expected is caught with a clear message; the time part keeps `ORDER BY id` close to creation order, which
 * makes paging stable and intuitive.
 */
import crypto from 'node:crypto';

export const GOLDEN_ID_PREFIX: Readonly<Record<string, string>> = { Customer: 'cus', Company: 'com', Deal: 'deal' };

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let last = { time: '', random: '' };

/** Monotonic within the process (like monotonic ULIDs): two ids made in one millisecond still sort in creation order. */
export function newGoldenId(entityType: string, now = Date.now()): string {
  const prefix = GOLDEN_ID_PREFIX[entityType];
  if (!prefix) throw new Error(`no id prefix for golden type '${entityType}'`);
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const random = time <= last.time ? increment(last.random) : [...crypto.randomBytes(16)].map((b) => ALPHABET[b % 32]).join('');
  if (time < last.time) time = last.time;
  last = { time, random };
  return `${prefix}_${time}${random}`;
}

function increment(base32: string): string {
  const digits = [...base32];
  for (let i = digits.length - 1; i >= 0; i--) {
    const next = ALPHABET.indexOf(digits[i]!) + 1;
    if (next < 32) {
      digits[i] = ALPHABET[next]!;
      return digits.join('');
    }
    digits[i] = ALPHABET[0]!;
  }
  return digits.join('');
}

export type GoldenIdCheck = { ok: true } | { ok: false; reason: string };

/** Whether `id` is a well-formed id of `entityType`; the reason says what is wrong, for BAD_USER_INPUT messages. */
export function checkGoldenId(entityType: string, id: string): GoldenIdCheck {
  const expected = GOLDEN_ID_PREFIX[entityType];
  const underscore = id.indexOf('_');
  const prefix = underscore > 0 ? id.slice(0, underscore) : '';
  const body = underscore > 0 ? id.slice(underscore + 1) : '';
  const owner = Object.entries(GOLDEN_ID_PREFIX).find(([, p]) => p === prefix)?.[0];
  if (!owner || !BODY.test(body)) {
    return { ok: false, reason: `'${truncate(id)}' is not a ${entityType} id (expected ${expected}_ followed by 26 letters and digits)` };
  }
  if (owner !== entityType) return { ok: false, reason: `'${truncate(id)}' is a ${owner} id, not a ${entityType} id` };
  return { ok: true };
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
