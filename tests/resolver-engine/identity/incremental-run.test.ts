/**
 * What an incremental run (a few new records matched against stored ones) asks of the matcher: only the new records'
 * pairs are scored, and the population's name and title rates stand in for the sample's, in which every record
 * shares a name block with the new one.
 */
import { describe, expect, it } from 'vitest';
import { buildMatchContext, populationRates } from '../../../resolver-engine/identity/match-context.ts';
import { matchPeople } from '../../../resolver-engine/identity/match-people.ts';
import type { PersonRecord } from '../../../resolver-engine/identity/person.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';

const person = (id: string, firstName: string, lastName: string, extra: Partial<PersonRecord> = {}): PersonRecord =>
  ({ id, firstName, lastName, email: null, phones: [], companyName: 'Initech', title: null, ...extra });

describe('incremental matching runs', () => {
  it('scores only the pairs of the subjects', () => {
    const records = [
      person('stored-1', 'Peter', 'Gibbons', { email: 'peter.gibbons@initech.example' }),
      person('stored-2', 'Peter', 'Gibbons', { email: 'peter.gibbons@initech.example' }),
      person('new', 'Samir', 'Nagheenanajar'),
    ];
    expect(matchPeople(records).pairs.map((p) => [p.a, p.b])).toEqual([['stored-1', 'stored-2']]);
    expect(matchPeople(records, { subjects: new Set(['new']) }).pairs).toEqual([]);
  });

  it('takes the population rates when given: a name block is no measure of how common a name is', () => {
    // Eight Gibbonses of an account, as an incremental run reads them around a new Gibbons: in this sample every
    // second pair shares a full name, so the account looks large and one full name there says little.
    const sample = ['Peter', 'Joanna', 'Peter', 'Milton', 'Bill', 'Joanna', 'Michael', 'Bill'].map((first, i) => normalisePerson(person(`g${i}`, first, 'Gibbons')));
    expect(buildMatchContext(sample).recordsPerLargeCompany?.has('initech')).toBe(true);
    // In the population full names rarely collide: eight records are no large account.
    const population = Array.from({ length: 400 }, (_, i) => normalisePerson(person(`p${i}`, `First${i % 97}`, `Last${i}`)));
    const rates = populationRates(population);
    expect(rates.sharesName).toBeLessThan(populationRates(sample).sharesName);
    expect(buildMatchContext(sample, rates).recordsPerLargeCompany?.has('initech') ?? false).toBe(false);
  });
});
