import { describe, expect, it } from 'vitest';
import { differencesOf } from '../../web/src/review-differences.ts';
import type { ComparedCustomer } from '../../web/src/review-differences.ts';

const customer = (c: Partial<ComparedCustomer>): ComparedCustomer =>
  ({ email: null, phone: null, companyName: null, mailingCity: null, mailingCountry: null, ...c });

describe('review pair differences', () => {
  it('lists fields both customers hold with different values, company and country first', () => {
    const left = customer({ companyName: 'Verdant Academy', mailingCountry: 'US', mailingCity: 'Nashville', email: 'r.jackson@verdant.edu', phone: '+16155550100' });
    const right = customer({ companyName: 'Riverstone Networks', mailingCountry: 'DE', mailingCity: 'Berlin', email: 'r.jackson@verdant.edu' });
    expect(differencesOf(left, right)).toEqual(['Company: Verdant Academy / Riverstone Networks', 'Country: US / DE', 'City: Nashville / Berlin']);
  });

  it('does not count case, spacing, punctuation or accents as a difference, nor a value only one side holds', () => {
    const left = customer({ companyName: 'ACME, Inc.', mailingCity: 'Köln', email: 'Ana@Example.com ' });
    const right = customer({ companyName: 'Acme Inc', mailingCity: 'Koln', email: 'ana@example.com', phone: '+4930123456' });
    expect(differencesOf(left, right)).toEqual([]);
    expect(differencesOf(null, right)).toEqual([]);
  });
});
