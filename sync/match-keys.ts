/**
 * Match keys of the email linker (until identity resolution, issue 6, replaces it): a native record joins the
 * golden record holding a link with the same key. Keys are computed from the record's golden candidates (the
 * mapping decides which native field is the email, the domain…), so any configured CRM is linked the same way.
 *
 * - Customer: `email:<normalised email>` (case, Gmail dots, plus-tags of big providers ignored).
 * - Company: `domain:<bare domain>`, else `name:<normalised company name>`. A company with a domain also keeps its
 *   name key beside it (`altKey`, in the link's match detail), so a record known only by its name (Pipedrive
 *   organizations have no website field) joins the only company of that name (`altLookup`). The other way round, a
 *   record with a domain that no company holds joins a company known by its name alone (`bareLookup`) when that
 *   company is the only one of the name and none of its records has a domain yet: so the order CRMs are linked in
 *   does not matter. Once it has one, a record with another domain founds a company of its own (two companies of one
 *   name with two domains must not both join the name-only one).
 * - Deal: `deal:<normalised name>|<normalised company>`. A deal whose company is unknown (HubSpot links deals to
 *   companies by association, not by a property) joins the only deal of that name, if there is exactly one. The
 *   reverse (a deal with a company joining a company-less one) is not done: two same-named deals of two companies
 *   would both join it. Objects are linked in configuration order, so list the CRM that knows companies first.
 */
import { normaliseCompanyName, normaliseEmail, normaliseName } from '../resolver-engine/index.ts';

export interface MatchKeys {
  /** Stored on the link; exact matches join. Null: the record gets a golden record of its own. */
  key: string | null;
  /** A key prefix that may join when exactly one golden record holds a link starting with it. */
  uniquePrefix?: string;
  /** A second key stored with the link (its match detail `alt`) that records without the first may join by. */
  altKey?: string;
  /** When nothing else matched: joins the only golden record holding a link whose `altKey` is this. */
  altLookup?: string;
  /**
   * When nothing else matched: joins the golden record that is the only one holding `key` (as its key or alternate
   * key), unless one of its links has a key starting with `unlessPrefix` (it is another company of that name).
   */
  bareLookup?: { key: string; unlessPrefix: string };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

export function matchKeys(goldenType: string, values: Readonly<Record<string, unknown>>): MatchKeys {
  switch (goldenType) {
    case 'Customer': {
      const email = normaliseEmail(values.email);
      return { key: email ? `email:${email}` : null };
    }
    case 'Company': {
      const domain = text(values.domain).trim().toLowerCase();
      const name = normaliseCompanyName(values.name);
      if (domain) return { key: `domain:${domain}`, ...(name ? { altKey: `name:${name}`, bareLookup: { key: `name:${name}`, unlessPrefix: 'domain:' } } : {}) };
      return name ? { key: `name:${name}`, altLookup: `name:${name}` } : { key: null };
    }
    case 'Deal': {
      // Deal names keep every word ('Group licence' is not 'licence'); only the company loses its legal suffix.
      const name = normaliseName(values.name);
      if (!name) return { key: null };
      const company = normaliseCompanyName(values.companyName);
      return company ? { key: `deal:${name}|${company}` } : { key: `deal:${name}|`, uniquePrefix: `deal:${name}|` };
    }
    default:
      return { key: null };
  }
}
