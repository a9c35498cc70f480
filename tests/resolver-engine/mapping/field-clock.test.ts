import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG as config } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { advanceFieldClock, fieldTimesFromClock, sameFieldClock, valueFingerprint } from '../../../resolver-engine/mapping/field-clock.ts';
import { collectCandidates } from '../../../resolver-engine/mapping/map-to-golden.ts';
import { resolveRecord } from '../../../resolver-engine/survivorship/resolve-record.ts';

const t = (iso: string) => new Date(iso);

describe('field clocks', () => {
  it('fingerprints values by their text: HubSpot\'s "42" and Salesforce\'s 42 are one value, empty is empty', () => {
    expect(valueFingerprint(42)).toBe(valueFingerprint('42'));
    expect(valueFingerprint(null)).toBe(valueFingerprint(undefined));
    expect(valueFingerprint(null)).toBe(valueFingerprint(''));
    expect(valueFingerprint('a')).not.toBe(valueFingerprint('b'));
  });

  it('keeps the time a value was first seen while it stays the same; a changed value takes the record time', () => {
    const first = advanceFieldClock(null, { Phone: '1', Title: 'CTO' }, ['Phone', 'Title'], t('2024-05-01T08:00:00Z'));
    expect(first).toEqual({ Phone: { h: valueFingerprint('1'), at: '2024-05-01T08:00:00.000Z' }, Title: { h: valueFingerprint('CTO'), at: '2024-05-01T08:00:00.000Z' } });
    const second = advanceFieldClock(first, { Phone: '1', Title: 'CEO' }, ['Phone', 'Title'], t('2024-05-03T08:00:00Z'));
    expect(second.Phone!.at).toBe('2024-05-01T08:00:00.000Z');
    expect(second.Title!.at).toBe('2024-05-03T08:00:00.000Z');
    expect(sameFieldClock(first, second)).toBe(false);
    expect(sameFieldClock(second, advanceFieldClock(second, { Phone: '1', Title: 'CEO' }, ['Phone', 'Title'], t('2024-05-04T08:00:00Z')))).toBe(true);
  });

  it('without a record time nothing new is learnt', () => {
    const clock = { Phone: { h: valueFingerprint('1'), at: '2024-05-01T08:00:00.000Z' } };
    expect(advanceFieldClock(clock, { Phone: '2' }, ['Phone'], null)).toEqual(clock);
  });

  it('gives a field its stored time only while the live value matches the fingerprint', () => {
    const clock = advanceFieldClock(null, { Phone: '1', Title: 'CTO' }, ['Phone', 'Title'], t('2024-05-01T08:00:00Z'));
    expect(fieldTimesFromClock(clock, { Phone: '1', Title: 'CEO' })).toEqual({ Phone: '2024-05-01T08:00:00.000Z' });
    expect(fieldTimesFromClock(clock, { Phone: '2', Title: 'CEO' })).toBeUndefined();
    expect(fieldTimesFromClock(null, { Phone: '1' })).toBeUndefined();
  });

  it('last write wins per field: a newer edit of another Salesforce field does not make its old phone win over HubSpot\'s new one', () => {
    const sfBefore = { Id: '003A', Phone: '(415) 555-0100', Title: 'CTO', SystemModstamp: '2024-05-01T08:00:00.000+0000' };
    const clock = advanceFieldClock(null, sfBefore, ['Phone', 'Title'], t('2024-05-01T08:00:00Z'));
    // Someone changes the phone in HubSpot on 3 May; on 4 May only the title is edited in Salesforce (or our write-back lands there).
    const hs = { id: '51', phone: '+1 415 555 0199', lastmodifieddate: '2024-05-03T08:00:00.000Z' };
    const sfAfter = { ...sfBefore, Title: 'CEO', SystemModstamp: '2024-05-04T08:00:00.000+0000' };
    const recordLevel = resolveRecord(config, 'Customer', collectCandidates(config, 'Customer', [
      { crm: 'salesforce', objectType: 'Contact', record: sfAfter }, { crm: 'hubspot', objectType: 'contacts', record: hs },
    ]));
    expect(recordLevel.values.phone).toBe('+14155550100'); // the flaw of record-level times
    const fieldLevel = resolveRecord(config, 'Customer', collectCandidates(config, 'Customer', [
      { crm: 'salesforce', objectType: 'Contact', record: sfAfter, fieldModifiedAt: fieldTimesFromClock(advanceFieldClock(clock, sfAfter, ['Phone', 'Title'], t('2024-05-04T08:00:00Z')), sfAfter) },
      { crm: 'hubspot', objectType: 'contacts', record: hs },
    ]));
    expect(fieldLevel.values.phone).toBe('+14155550199');
    expect(fieldLevel.values.title).toBe('CEO');
  });
});
