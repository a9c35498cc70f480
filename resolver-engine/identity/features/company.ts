import { jaroWinkler } from '../../text/similarity.ts';
import { numbersDiffer, typingDistance } from '../edit-distance.ts';
import { FREEMAIL_DOMAINS, emailDomain, isRoleEmail } from '../normalise/email.ts';
import { isCompanySuffix } from '../normalise/name.ts';
import type { NormalisedPerson } from '../person.ts';
import type { MatchFeature } from './feature.ts';

/**
 * Same employer is strong support once the name agrees (the standard CRM duplicate rule is name plus
 * account); a clearly different one says nothing, because people change jobs and CRMs lag behind.
 */
export const COMPANY_MATCH_WEIGHT = 2.5;
/** Below what the guard counts as "same workplace": a name at a large account needs an identifier too. */
export const LARGE_COMPANY_WEIGHT = 1.5;

/** 'evergreenstudios' of 'ada@evergreenstudios.co.uk'; null for mailbox providers and role addresses. */
function workDomainLabel(person: NormalisedPerson): string | null {
  if (!person.email || isRoleEmail(person.email)) return null;
  const domain = emailDomain(person.email);
  if (FREEMAIL_DOMAINS.has(domain)) return null;
  const labels = domain.split('.');
  // Skip a second-level public suffix such as co.uk or com.au.
  const index = labels.length >= 3 && ['co', 'com', 'org', 'net', 'ac', 'gov'].includes(labels[labels.length - 2]!) ? labels.length - 3 : labels.length - 2;
  return labels[Math.max(0, index)] ?? null;
}

/** Whether a work domain is the company's own: 'Evergreen Studios' ↔ evergreenstudios, 'Polar Holdings' ↔ polarholdings. */
function domainNamesCompany(label: string, company: string): boolean {
  const compact = company.replace(/ /g, '');
  if (compact.length < 3) return false;
  return label === compact || (label.startsWith(compact) && isCompanySuffix(label.slice(compact.length)));
}

/** Compact names a typing slip or two apart ('sterlign solutions'); not merely alike ('golden oak' / 'golden apex'). */
function typoOfCompany(x: string, y: string): boolean {
  const [cx, cy] = [x.replace(/ /g, ''), y.replace(/ /g, '')];
  const shorter = Math.min(cx.length, cy.length);
  return cx === cy || typingDistance(cx, cy) <= (shorter >= 10 ? 2 : shorter >= 5 ? 1 : 0);
}

export const companyFeature: MatchFeature = (a, b, ctx) => {
  if (a.company === '' || b.company === '') {
    // One record names the company, the other only writes from its domain.
    const [named, other] = a.company !== '' ? [a, b] : [b, a];
    const label = named.company !== '' ? workDomainLabel(other) : null;
    if (label && domainNamesCompany(label, named.company)) {
      // At a large account, as with the company name itself, two people of one name there are no longer rare.
      const records = ctx.recordsPerLargeCompany?.get(named.company);
      if (records) return { feature: 'company', weight: LARGE_COMPANY_WEIGHT, detail: `works at '${named.company}' (large: ${records} records) and writes from its domain` };
      return { feature: 'company', weight: 2, detail: `works at '${named.company}' and writes from its domain` };
    }
    return null;
  }
  if (a.company === b.company) {
    // At a large account two people of one name are no longer rare, so the company supports less.
    const records = ctx.recordsPerLargeCompany?.get(a.company);
    if (records) {
      // The same job title makes two people of one name there unlikely again, where the run says so.
      if (a.title !== '' && a.title === b.title && ctx.largeCompaniesWhereTitleTells?.has(a.company)) {
        return { feature: 'company', weight: COMPANY_MATCH_WEIGHT, detail: `same company '${a.company}' (large: ${records} records) and same title '${a.title}'` };
      }
      return { feature: 'company', weight: LARGE_COMPANY_WEIGHT, detail: `same company '${a.company}' (large: ${records} records)` };
    }
    return { feature: 'company', weight: COMPANY_MATCH_WEIGHT, detail: `same company '${a.company}'` };
  }
  // 'Bulk Company 0' and 'Bulk Company 20', 'Unit 4 Ltd' and 'Unit 5 Ltd': other numbers, other companies.
  if (numbersDiffer(a.company, b.company)) return null;
  // Compared without spaces too: 'NorthMaterials' is 'North Materials'.
  if (typoOfCompany(a.company, b.company)) return { feature: 'company', weight: 2, detail: `'${a.company}' ≈ '${b.company}' (typo?)` };
  if (jaroWinkler(a.company, b.company) >= 0.9) return { feature: 'company', weight: 1, detail: `similar companies '${a.company}' and '${b.company}'` };
  return null;
};
