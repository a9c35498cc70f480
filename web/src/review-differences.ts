/**
 * What tells the two customers of a review pair apart, side by side: the matcher's reasons are the evidence it
 * weighed, mostly for a match, so a steward also needs the values that disagree (another company, another country)
 * before merging. Pure: compares what the page shows, without another request.
 */
export interface ComparedCustomer {
  email: string | null;
  phone: string | null;
  companyName: string | null;
  mailingCity: string | null;
  mailingCountry: string | null;
}

const FIELDS: readonly [keyof ComparedCustomer, string][] = [
  ['companyName', 'Company'],
  ['mailingCountry', 'Country'],
  ['mailingCity', 'City'],
  ['email', 'Email'],
  ['phone', 'Phone'],
];

/** Case, spacing and punctuation do not make two values different ("ACME, Inc." is "Acme Inc"). */
const same = (a: string, b: string) => {
  const norm = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}+@]+/gu, '');
  return norm(a) === norm(b);
};

/** One sentence per field both customers hold with different values, in the order a steward weighs them. */
export function differencesOf(left: ComparedCustomer | null, right: ComparedCustomer | null): string[] {
  if (!left || !right) return [];
  const out: string[] = [];
  for (const [field, label] of FIELDS) {
    const a = left[field];
    const b = right[field];
    if (a && b && !same(a, b)) out.push(`${label}: ${a} / ${b}`);
  }
  return out;
}
