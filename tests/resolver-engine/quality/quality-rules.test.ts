import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { mapToGolden } from '../../../resolver-engine/mapping/map-to-golden.ts';
import { validateMappingConfig } from '../../../resolver-engine/mapping/validate-mapping-config.ts';
import { applyQualityRules, specifiedQualityRules } from '../../../resolver-engine/quality/specified-quality-rules.ts';

const ctx = { field: 'f', defaultRegion: 'US' };
const run = (rule: string, value: unknown) => specifiedQualityRules[rule]!.check(value, ctx);

describe('quality rules', () => {
  it('the table holds the rules', () => {
    expect(Object.keys(specifiedQualityRules)).toEqual(['trim-whitespace', 'email-syntax', 'phone-parseable', 'country-code', 'placeholder-value', 'name-case', 'website-domain']);
  });
  it('placeholder-value flags filler typed into required fields and keeps it', () => {
    for (const filler of ['N/A', ' unknown ', 'TEST', 'xxx', '-', '123456', '000-000-0000', 'aaaa']) {
      expect(run('placeholder-value', filler)).toEqual({ value: filler, issues: [{ code: 'PLACEHOLDER_VALUE', message: expect.any(String) }] });
    }
    for (const real of ['Ada', 'Nash', 'Testa', '+1 415 555 0100', 'Xu', '12 Main St']) expect(run('placeholder-value', real)).toEqual({ value: real, issues: [] });
  });
  it('name-case gives one-case names their capitals and leaves deliberate spellings alone', () => {
    expect(run('name-case', 'ADA LOVELACE')).toEqual({ value: 'Ada Lovelace', issues: [{ code: 'NAME_CASE_FIXED', message: expect.any(String) }] });
    expect(run('name-case', "o'neil-smith")).toMatchObject({ value: "O'Neil-Smith" });
    expect(run('name-case', 'LUDWIG VAN BEETHOVEN')).toMatchObject({ value: 'Ludwig van Beethoven' });
    expect(run('name-case', 'MCDONALD')).toMatchObject({ value: 'McDonald' });
    expect(run('name-case', 'ÉMILE ZOLA')).toMatchObject({ value: 'Émile Zola' });
    for (const kept of ['McDonald', 'van der Berg', 'DeShawn', 'J.', 'X']) expect(run('name-case', kept)).toEqual({ value: kept, issues: [] });
  });
  it('website-domain reduces websites to their bare domain and flags what is not one', () => {
    expect(run('website-domain', 'https://www.Acme.com/about?utm=x')).toEqual({ value: 'acme.com', issues: [] });
    expect(run('website-domain', 'acme.co.uk')).toEqual({ value: 'acme.co.uk', issues: [] });
    expect(run('website-domain', 'HTTP://WWW2.BETA-ONE.IO')).toEqual({ value: 'beta-one.io', issues: [] });
    for (const bad of ['n/a', 'acme', 'http://', 'mailto:ada@acme.com']) {
      expect(run('website-domain', bad)).toEqual({ value: bad, issues: [{ code: 'INVALID_WEBSITE', message: expect.any(String) }] });
    }
  });
  it('trim-whitespace trims and collapses but keeps line breaks, and flags the change', () => {
    expect(run('trim-whitespace', '  Ada   Lovelace ')).toEqual({ value: 'Ada Lovelace', issues: [{ code: 'WHITESPACE_TRIMMED', message: expect.any(String) }] });
    expect(run('trim-whitespace', '1 Main St\nSuite 5')).toEqual({ value: '1 Main St\nSuite 5', issues: [] });
    expect(run('trim-whitespace', 17)).toEqual({ value: 17, issues: [] });
  });
  it('email-syntax lower-cases the domain and flags malformed addresses without dropping them', () => {
    expect(run('email-syntax', 'Ada.L@ACME.Test')).toEqual({ value: 'Ada.L@acme.test', issues: [] });
    for (const bad of ['ada@acme', 'ada.acme.com', 'ada@@acme.com', 'ada@acme..com', 'a da@acme.com']) {
      const result = run('email-syntax', bad);
      expect(result.issues.map((i) => i.code), bad).toEqual(['INVALID_EMAIL']);
      expect(result.value).toBe(bad.trim());
    }
  });
  it('phone-parseable normalises to E.164 and flags the unparseable', () => {
    expect(run('phone-parseable', '(415) 555-0132')).toEqual({ value: '+14155550132', issues: [] });
    expect(run('phone-parseable', 'call me')).toEqual({ value: 'call me', issues: [{ code: 'INVALID_PHONE', message: expect.stringContaining('call me') }] });
  });
  it('country-code normalises names and codes to ISO alpha-2 and flags unknown countries', () => {
    for (const [raw, code] of [['United States', 'US'], ['USA', 'US'], ['U.S.A.', 'US'], ['uk', 'GB'], ['Deutschland', 'DE'], ['France', 'FR'], ['de', 'DE']]) {
      expect(run('country-code', raw)).toEqual({ value: code, issues: [] });
    }
    expect(run('country-code', 'Narnia')).toEqual({ value: 'Narnia', issues: [{ code: 'UNKNOWN_COUNTRY', message: expect.any(String) }] });
  });
  it('applies rules in order and leaves empty values alone', () => {
    expect(applyQualityRules(' united kingdom ', ['trim-whitespace', 'country-code'], ctx)).toEqual({ value: 'GB', issues: [expect.objectContaining({ code: 'WHITESPACE_TRIMMED' })] });
    expect(applyQualityRules(null, ['country-code'], ctx)).toEqual({ value: null, issues: [] });
  });
});

describe('quality rules in mappings', () => {
  it('run on every mapped value: normalised and flagged, never dropped', () => {
    const candidates = mapToGolden(DEFAULT_MAPPING_CONFIG, 'Customer', 'hubspot', 'contacts', {
      id: '1', email: 'ada@acme', country: 'United States', firstname: ' Ada ', lastmodifieddate: '2024-05-01T00:00:00Z',
    });
    expect(candidates.email).toMatchObject({ value: 'ada@acme', issues: [{ code: 'INVALID_EMAIL' }] });
    expect(candidates.mailingCountry).toMatchObject({ value: 'US' });
    expect(candidates.mailingCountry!.issues).toBeUndefined();
    expect(candidates.firstName).toMatchObject({ value: 'Ada', issues: [{ code: 'WHITESPACE_TRIMMED' }] });
  });
  it('an unknown rule name is rejected by validation', () => {
    const result = validateMappingConfig({ types: { T: { objects: [], fields: { f: { type: 'String', quality: ['spellcheck'], mappings: [] } } } } });
    expect(result).toEqual({ ok: false, errors: [{ path: 'types.T.fields.f.quality[0]', message: expect.stringContaining("unknown quality rule 'spellcheck'") }] });
  });
});
