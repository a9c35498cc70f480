import { describe, expect, it } from 'vitest';
import { blockingKeys } from '../../../resolver-engine/identity/blocking.ts';
import { buildMatchContext } from '../../../resolver-engine/identity/match-context.ts';
import { normalisePostalCode, normaliseStreet } from '../../../resolver-engine/identity/normalise/address.ts';
import type { PersonRecord } from '../../../resolver-engine/identity/person.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';
import { scorePair } from '../../../resolver-engine/identity/score-pair.ts';

describe('street normalisation', () => {
  it('reads one US or UK address written many ways as one, without the unit', () => {
    for (const raw of ['12 Main Street, Apt 4B', '12 MAIN ST.', '12 main st #4b', '12 Main St Unit 4B', '12 Main Street']) expect(normaliseStreet(raw)).toBe('12 main st');
    expect(normaliseStreet('Flat 3, 12 Station Road')).toBe('12 station rd');
    expect(normaliseStreet('384 VALLEY LN. STE 1600')).toBe('384 valley ln');
    expect(normaliseStreet('100 Market St, 3rd Floor')).toBe('100 market st');
  });
  it('reads German compounds and abbreviations as one street, the house number wherever it stands', () => {
    for (const raw of ['Hauptstraße 12', 'Hauptstr. 12', 'Hauptstrasse 12', 'HAUPTSTR.12', 'Hauptstraße12', 'hauptstraße 12, 3. OG']) expect(normaliseStreet(raw)).toBe('12 haupt st');
    expect(normaliseStreet('Hauptstraße 12 a')).toBe(normaliseStreet('Hauptstraße 12a'));
    expect(normaliseStreet('Marktplatz 3')).toBe(normaliseStreet('Marktpl. 3'));
  });
  it('gives no address for a line without a house number or a PO box', () => {
    expect(normaliseStreet('Main Street')).toBe('');
    expect(normaliseStreet('PO Box 12')).toBe('');
    expect(normaliseStreet(null)).toBe('');
  });
  it('keeps different houses and streets apart', () => {
    expect(normaliseStreet('12 Main St')).not.toBe(normaliseStreet('14 Main St'));
    expect(normaliseStreet('12 Main St')).not.toBe(normaliseStreet('12 Main Ave'));
  });
});

describe('postal code normalisation, per country', () => {
  it('US: a ZIP+4 is its ZIP, and a ZIP that lost its leading zero gets it back', () => {
    expect(normalisePostalCode('94110-1234', 'US')).toBe('94110');
    expect(normalisePostalCode('2108', 'US')).toBe('02108');
    expect(normalisePostalCode(2108, 'US')).toBe('02108');
  });
  it('UK: case and the space do not matter', () => {
    expect(normalisePostalCode('sw1a 2aa', 'GB')).toBe('SW1A2AA');
    expect(normalisePostalCode('SW1A2AA', 'GB')).toBe('SW1A2AA');
  });
  it('Germany: an old country prefix is dropped; four digits elsewhere are not padded', () => {
    expect(normalisePostalCode('D-10115', 'DE')).toBe('10115');
    expect(normalisePostalCode('8001', 'CH')).toBe('8001');
    expect(normalisePostalCode('', 'US')).toBe('');
  });
  it('is read in the country of the record', () => {
    expect(normalisePerson({ id: 'x', postalCode: '2108', country: 'USA' }).postalCode).toBe('02108');
    expect(normalisePerson({ id: 'x', postalCode: '8001', country: 'Schweiz' }).postalCode).toBe('8001');
  });
});

const person = (id: string, fields: Omit<PersonRecord, 'id'>) => normalisePerson({ id, ...fields });
const home = { street: '12 Main Street, Apt 4B', postalCode: '94110', city: 'San Francisco' };

describe('the address feature', () => {
  it('links the same full name at the same address, written differently', () => {
    const r = scorePair(person('a', { firstName: 'Ada', lastName: 'Lovelace', ...home }), person('b', { firstName: 'Ada', lastName: 'Lovelace', street: '12 MAIN ST.', postalCode: '94110-3301' }));
    expect(r.reasons.find((x) => x.feature === 'address')).toMatchObject({ weight: 3, detail: expect.stringMatching(/same address '12 main st', 94110/) });
    expect(r.decision).toBe('link');
  });
  it('reads a typing slip in a long street name at one house number as the same street', () => {
    const r = scorePair(person('a', { firstName: 'Ada', lastName: 'Lovelace', street: '5 Union Street', postalCode: '33148' }), person('b', { firstName: 'Ada', lastName: 'Lovelace', street: '5 Unnion St', postalCode: '33148' }));
    expect(r.reasons.find((x) => x.feature === 'address')!.detail).toMatch(/typo/);
    expect(r.decision).toBe('link');
  });
  it('says nothing about a different address (people move; records carry the home or the office)', () => {
    const r = scorePair(person('a', { firstName: 'Ada', lastName: 'Lovelace', ...home }), person('b', { firstName: 'Ada', lastName: 'Lovelace', street: '9 Oak Ave', postalCode: '94110' }));
    expect(r.reasons.find((x) => x.feature === 'address')).toBeUndefined();
    expect(r.decision).not.toBe('link');
  });
  it('needs the same place: one street line at another postal code is another address', () => {
    const r = scorePair(person('a', { firstName: 'Ada', lastName: 'Lovelace', ...home }), person('b', { firstName: 'Ada', lastName: 'Lovelace', street: '12 Main St', postalCode: '60601' }));
    expect(r.reasons.find((x) => x.feature === 'address')).toBeUndefined();
  });
  it('does not link a different last name on an address alone (married name: only a personal email does)', () => {
    const r = scorePair(person('a', { firstName: 'Jane', lastName: 'Doe', ...home }), person('b', { firstName: 'Jane', lastName: 'Smith', ...home }));
    expect(r.decision).not.toBe('link');
  });
  it('compares records that meet only at one address (a mistyped first and company-less record)', () => {
    const keysA = blockingKeys(person('a', { firstName: 'Rbecca', lastName: 'Mensah', street: '67 Cavendish Avenue', postalCode: 'BS6 2WH' }));
    const keysB = blockingKeys(person('b', { firstName: 'Rebecca', lastName: 'Mensha', street: '67 Cavendish Ave', postalCode: 'bs62wh' }));
    expect(keysA.filter((k) => keysB.includes(k))).toEqual(['address:67 cavendish ave@BS62WH:M520']);
  });
});

describe('a home address shared by a household', () => {
  const people = [
    person('john-sf', { firstName: 'John', lastName: 'Miller', ...home }),
    person('john-hs', { firstName: 'Johnny', lastName: 'Miller', street: '12 Main St', postalCode: '94110' }),
    person('mary-hs', { firstName: 'Mary', lastName: 'Miller', street: '12 main st #4b', postalCode: '94110' }),
    person('m-pd', { lastName: 'Miller', ...home }),
  ];
  const context = buildMatchContext(people);

  it('is recognised as shared by two people (John and Johnny are one)', () => {
    expect(context.peoplePerAddress?.get('12 main st@94110')).toBe(2);
  });
  it('never links two people of one household, however high the score', () => {
    for (const john of [people[0]!, people[1]!]) {
      const r = scorePair(john, people[2]!, { context });
      expect(r.decision).not.toBe('link');
      expect(r.reasons.find((x) => x.feature === 'address')!.weight).toBeLessThan(1);
    }
    // Even when the run does not know the address and the landline are shared (both count in full), the
    // guard holds the pair back: a different first name never links.
    const withPhone = scorePair(
      person('j', { firstName: 'John', lastName: 'Miller', phones: ['4155550100'], ...home }),
      person('m', { firstName: 'Mary', lastName: 'Miller', phones: ['4155550100'], ...home }),
    );
    expect(withPhone.score).toBeGreaterThanOrEqual(6);
    expect(withPhone.decision).toBe('review');
    expect(withPhone.guard).toMatch(/first names differ/);
  });
  it('does not link a record without a first name at the household address', () => {
    expect(scorePair(people[0]!, people[3]!, { context }).decision).not.toBe('link');
    expect(scorePair(people[2]!, people[3]!, { context }).decision).not.toBe('link');
  });
  it('still links John to his own second record: the same full name at his home', () => {
    const r = scorePair(people[0]!, people[1]!, { context });
    expect(r.reasons.find((x) => x.feature === 'address')).toMatchObject({ weight: 2, detail: expect.stringMatching(/shared by 2 people, same first name/) });
    expect(r.decision).toBe('link');
  });
});
