import { describe, expect, it } from 'vitest';
import { buildMatchContext } from '../../../resolver-engine/identity/match-context.ts';
import { normalisePerson } from '../../../resolver-engine/identity/person.ts';
import { scorePair } from '../../../resolver-engine/identity/score-pair.ts';

describe('a household email shared by a family', () => {
  const people = [
    normalisePerson({ id: 'john-sf', firstName: 'John', lastName: 'Miller', email: 'millers@home.test', phones: ['4155550101'] }),
    normalisePerson({ id: 'john-hs', firstName: 'Johnny', lastName: 'Miller', email: 'millers@home.test', phones: ['(415) 555-0101'] }),
    normalisePerson({ id: 'mary-hs', firstName: 'Mary', lastName: 'Miller', email: 'millers@home.test' }),
  ];
  const context = buildMatchContext(people);

  it('is recognised as shared by two people (John and Johnny are one)', () => {
    expect(context.peoplePerEmail.get('millers@home.test')).toBe(2);
  });
  it('never links John and Mary', () => {
    expect(scorePair(people[0]!, people[2]!, { context }).decision).toBe('separate');
    expect(scorePair(people[1]!, people[2]!, { context }).decision).toBe('separate');
  });
  it('still links John to his own second record through name and phone', () => {
    const r = scorePair(people[0]!, people[1]!, { context });
    expect(r.decision).toBe('link');
    expect(r.reasons.find((x) => x.feature === 'email')).toMatchObject({ weight: 3, detail: expect.stringMatching(/shared by 2 people, same first name/) });
  });
});
