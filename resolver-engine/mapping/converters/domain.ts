import { z } from 'zod';
import type { Converter } from '../converter.ts';
import { isAbsent } from '../converter.ts';

const domainOptions = z.object({}).strict();

// host of 'https://www.acme.com/about', 'www.acme.com', 'ACME.com.' → 'acme.com'
const HOST = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?([^/:?#]+)/i;

/** The bare registrable host of a website or domain. */
export function toDomain(raw: string): string | null {
  const host = HOST.exec(raw.trim())?.[1]?.toLowerCase().replace(/\.$/, '').replace(/^www\d*\./, '');
  return host && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/**
 * Salesforce keeps a company's `Website` (a URL), HubSpot its `domain`: reading both as a bare domain lets
 * them agree. Write-back sends the bare domain, which both CRMs accept.
 */
export const domainConverter: Converter<Record<string, never>> = {
  name: 'domain',
  description: "Reduces a website URL or domain to its bare host ('https://www.acme.com/x' → 'acme.com').",
  optionsSchema: domainOptions,
  produces: ['String'],
  arity: 'one',
  toGolden([raw]) {
    if (isAbsent(raw)) return { ok: true, value: null };
    const domain = toDomain(String(raw));
    return domain ? { ok: true, value: domain } : { ok: false, reason: `'${String(raw)}' is not a website or domain` };
  },
  fromGolden(value) {
    return { ok: true, values: [isAbsent(value) ? null : String(value)] };
  },
};
