import { describe, expect, it } from 'vitest';
import { NICKNAME_GROUPS, areNicknameVariants, formalNames } from '../../../resolver-engine/identity/nicknames.ts';
import { isRoleEmail, normaliseEmail } from '../../../resolver-engine/identity/normalise/email.ts';
import { firstGivenName, normaliseCompanyName, normaliseName } from '../../../resolver-engine/identity/normalise/name.ts';
import { normalisePhone } from '../../../resolver-engine/identity/normalise/phone.ts';
import { soundex } from '../../../resolver-engine/identity/soundex.ts';
import { jaroWinkler, levenshtein } from '../../../resolver-engine/text/similarity.ts';

describe('email normalisation', () => {
  it('ignores case and whitespace', () => {
    expect(normaliseEmail('  Ada.Lovelace@Acme.TEST ')).toBe('ada.lovelace@acme.test');
  });
  it('applies Gmail rules: dots, +tags, googlemail.com', () => {
    expect(normaliseEmail('Ada.Love.Lace+crm@googlemail.com')).toBe('adalovelace@gmail.com');
    expect(normaliseEmail('adalovelace@gmail.com')).toBe('adalovelace@gmail.com');
  });
  it('keeps dots and plus signs on company domains', () => {
    expect(normaliseEmail('ada.lovelace+x@acme.test')).toBe('ada.lovelace+x@acme.test');
    expect(normaliseEmail('ada+news@outlook.com')).toBe('ada@outlook.com');
  });
  it('rejects what is not an address and spots role addresses', () => {
    expect(normaliseEmail('not an email')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
    expect(isRoleEmail('info@acme.test')).toBe(true);
    expect(isRoleEmail('ada@acme.test')).toBe(false);
  });
});

describe('phone normalisation', () => {
  it('brings every format of one number to E.164', () => {
    for (const raw of ['(415) 555-0132', '415.555.0132', '+1 415 555 0132', '1-415-555-0132']) expect(normalisePhone(raw)).toBe('+14155550132');
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalisePhone('12')).toBeNull();
    expect(normalisePhone('')).toBeNull();
  });
});

describe('name normalisation', () => {
  it('removes accents, case and punctuation', () => {
    expect(normaliseName('José-María  O’Neil')).toBe('jose maria oneil');
    expect(normaliseName('Søren Kierkegaard')).toBe('soren kierkegaard');
    expect(normaliseName('Weiß')).toBe('weiss');
    expect(firstGivenName('Dr. Mary Ann')).toBe('mary');
  });
  it('drops legal suffixes from company names', () => {
    expect(normaliseCompanyName('The Acme Corp.')).toBe('acme');
    expect(normaliseCompanyName('ACME, Inc')).toBe('acme');
    expect(normaliseCompanyName('Müller GmbH')).toBe('muller');
  });
});

describe('nickname table', () => {
  it('holds at least 60 nickname pairs', () => {
    expect(NICKNAME_GROUPS.reduce((n, g) => n + g.length - 1, 0)).toBeGreaterThanOrEqual(60);
  });
  it.each([
    ['bob', 'robert'], ['bill', 'william'], ['liz', 'elizabeth'], ['beth', 'elizabeth'], ['kate', 'katherine'],
    ['jim', 'james'], ['mike', 'michael'], ['liz', 'beth'], ['peggy', 'margaret'], ['alex', 'alexandra'],
  ])('%s ↔ %s', (a, b) => {
    expect(areNicknameVariants(a, b)).toBe(true);
    expect(areNicknameVariants(b, a)).toBe(true);
  });
  it('does not equate unrelated names', () => {
    expect(areNicknameVariants('john', 'mary')).toBe(false);
    expect(areNicknameVariants('robert', 'william')).toBe(false);
    expect(formalNames('xavierz')).toEqual(new Set(['xavierz']));
  });
});

describe('helpers', () => {
  it('soundex groups similar surnames', () => {
    expect(soundex('smith')).toBe('S530');
    expect(soundex('smyth')).toBe('S530');
    expect(soundex('robert')).toBe('R163');
    expect(soundex('rupert')).toBe('R163');
    expect(soundex('ashcraft')).toBe('A261');
  });
  it('similarity measures', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});
