import type { QualityRule } from '../quality-rule.ts';

/**
 * A company's website as its bare domain: 'https://www.Acme.com/about?utm=x' → 'acme.com'. CRMs hold every form of
 * it, and the domain is what identifies a company (and matches the domain of its people's email addresses).
 * Something that is not a host name at all is flagged and kept.
 */
const HOST = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const websiteDomain: QualityRule = {
  name: 'website-domain',
  description: "Reduces a website to its bare domain (https://www.Acme.com/about → acme.com) and flags values that are not web addresses.",
  check(value, ctx) {
    if (typeof value !== 'string') return { value, issues: [] };
    const text = value.trim();
    let host = '';
    try {
      const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
      // An email address or a mailto: is not a website (it parses as user info before a host).
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) host = url.hostname.toLowerCase();
    } catch {
      host = '';
    }
    host = host.replace(/^www\d?\./, '').replace(/\.$/, '');
    return HOST.test(host)
      ? { value: host, issues: [] }
      : { value, issues: [{ code: 'INVALID_WEBSITE', message: `${ctx.field}: '${value}' is not a web address` }] };
  },
};
