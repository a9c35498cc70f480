import { describe, expect, it } from 'vitest';
import { typingDistance } from '../../../resolver-engine/identity/edit-distance.ts';
import { compareFirstNames, compatibleFirstNames } from '../../../resolver-engine/identity/first-name-match.ts';
import { buildMatchContext } from '../../../resolver-engine/identity/match-context.ts';
import { normaliseCountry } from '../../../resolver-engine/identity/normalise/country.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';

describe('compareFirstNames', () => {
  it.each([
    ['robert', 'robert', 'same'],
    ['bob', 'robert', 'nickname'],
    ['kim', 'kimberly', 'nickname'],
    ['nat', 'natalie', 'nickname'],
    ['izzy', 'isabelle', 'nickname'],
    ['bredna', 'brenda', 'typo'],
    ['thjomas', 'tommy', 'typo'], // a typo of the formal name still meets the nickname
    ['juddith', 'judy', 'typo'],
    ['ryo', 'roy', 'possible-typo'],
    ['j', 'john', 'initial'],
    ['j', 'mary', 'different'],
    ['j', 'j', 'initial'], // two initials are no more than an initial apart
    ['frances', 'francois', 'different'],
    ['kath', 'katharina', 'short-form'],
    ['john', 'mary', 'different'],
  ] as const)('%s ↔ %s: %s', (a, b, expected) => {
    expect(compareFirstNames(a, b)).toBe(expected);
    expect(compareFirstNames(b, a)).toBe(expected);
  });
  it('keeps two known names apart however alike they look (a couple, not a typo)', () => {
    for (const [a, b] of [['daniel', 'danielle'], ['christina', 'christine'], ['jane', 'janet'], ['alexander', 'alexandra'], ['eva', 'eve']]) {
      expect(compareFirstNames(a!, b!)).toBe('different');
      expect(compatibleFirstNames(a!, b!)).toBe(false);
    }
  });
  it('has nothing to say about a missing name', () => {
    expect(compareFirstNames('', 'john')).toBeNull();
    expect(compatibleFirstNames('', 'john')).toBe(false);
  });
});

describe('match context', () => {
  it('does not count a nickname, a typo or an initial as another person on one address', () => {
    const people = ['Angela', 'Angie', 'Angla', 'A.', ''].map((first, i) => normalisePerson({ id: String(i), firstName: first, lastName: 'Hall', email: 'angela.hall@metro.test' }));
    expect(buildMatchContext(people).peoplePerEmail.get('angela.hall@metro.test')).toBeUndefined();
  });
  it('counts two different names on one address', () => {
    const people = ['Angela', 'Bruno'].map((first, i) => normalisePerson({ id: String(i), firstName: first, lastName: 'Hall', email: 'halls@home.test' }));
    expect(buildMatchContext(people).peoplePerEmail.get('halls@home.test')).toBe(2);
  });
});

describe('helpers', () => {
  it('typingDistance counts a swap of neighbours as one edit', () => {
    expect(typingDistance('roy', 'ryo')).toBe(1);
    expect(typingDistance('butler', 'butlre')).toBe(1);
    expect(typingDistance('kitten', 'sitting')).toBe(3);
    expect(typingDistance('', 'abc')).toBe(3);
  });
  it('normaliseCountry reads ISO codes and common names', () => {
    expect(normaliseCountry('UK')).toBe('GB');
    expect(normaliseCountry('United Kingdom')).toBe('GB');
    expect(normaliseCountry('Deutschland')).toBe('DE');
    expect(normaliseCountry('us')).toBe('US');
    expect(normaliseCountry('Atlantis')).toBeNull();
    expect(normaliseCountry(null)).toBeNull();
  });
  it('reads national phone numbers in the record country', () => {
    expect(normalisePerson({ id: 'a', phones: ['020 7946 0958'], country: 'United Kingdom' }).phones).toEqual(['+442079460958']);
    expect(normalisePerson({ id: 'b', phones: ['030 12345678'], country: 'DE' }).phones).toEqual(['+493012345678']);
    expect(normalisePerson({ id: 'c', phones: ['(415) 555-0100'] }).phones).toEqual(['+14155550100']);
  });
});
