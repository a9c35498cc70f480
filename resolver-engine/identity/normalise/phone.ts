import { parsePhone } from '../../text/phone-number.ts';

/**
 * Phone numbers to E.164 for matching: '(415) 555-0132', '415.555.0132' and '+1 415 555 0132' are one number.
 * Extensions are dropped: a switchboard with extensions is still the shared company line.
 */
export function normalisePhone(raw: unknown, defaultRegion = 'US'): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const text = String(raw).trim();
  if (text === '') return null;
  return parsePhone(text, defaultRegion).e164;
}
