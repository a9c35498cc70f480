import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { collectCandidates } from '../../../resolver-engine/mapping/map-to-golden.ts';
import { resolveField } from '../../../resolver-engine/survivorship/resolve-field.ts';
import { resolveRecord } from '../../../resolver-engine/survivorship/resolve-record.ts';
import { candidate, testConfig } from './fixtures.ts';

const config = testConfig();

describe('empty values and unavailable sources', () => {
  it('ignores null, empty and whitespace values', () => {
    const r = resolveField(config, 'Customer', 'lww', [candidate('salesforce', 'a', 'kept', '2024-05-01T00:00:00Z'), candidate('hubspot', 'b', '   ', '2024-05-09T00:00:00Z')]);
    expect(r.value).toBe('kept');
    expect(r.conflict).toBeNull();
  });
  it('lets an emptied value win when the field keeps empties', () => {
    const r = resolveField(config, 'Customer', 'keep', [candidate('salesforce', 'a', 'old', '2024-05-01T00:00:00Z'), candidate('hubspot', 'b', '', '2024-05-09T00:00:00Z')]);
    expect(r.value).toBeNull();
    expect(r.provenance.source).toEqual({ crm: 'hubspot', objectType: 'contacts', recordId: 'b' });
  });
  it('never lets an unavailable source win, and reports it', () => {
    const r = resolveField(config, 'Customer', 'priority', [
      candidate('hubspot', 'b', 'stale', '2024-05-09T00:00:00Z', 'unavailable'),
      candidate('salesforce', 'a', 'sf', '2024-05-01T00:00:00Z'),
    ]);
    expect(r.value).toBe('sf');
    expect(r.provenance.unavailableSources).toEqual([{ crm: 'hubspot', objectType: 'contacts', recordId: 'b' }]);
    expect(r.provenance.detail).toMatch(/1 source\(s\) unavailable/);
    expect(r.provenance.candidates).toHaveLength(2);
    const none = resolveField(config, 'Customer', 'lww', [candidate('hubspot', 'b', null, null, 'unavailable')]);
    expect(none.provenance).toMatchObject({ value: null, source: null, detail: expect.stringMatching(/no available source/) });
  });
});

describe('conflicts', () => {
  it('reports disagreeing values but not differences of case, spacing or phone format', () => {
    const differ = resolveField(config, 'Customer', 'lww', [candidate('salesforce', 'a', 'CTO', null), candidate('hubspot', 'b', 'Chief Technology Officer', null)]);
    expect(differ.conflict).toEqual({
      field: 'lww',
      values: [
        { value: 'Chief Technology Officer', sources: [{ crm: 'hubspot', objectType: 'contacts', recordId: 'b' }] },
        { value: 'CTO', sources: [{ crm: 'salesforce', objectType: 'Contact', recordId: 'a' }] },
      ],
    });
    expect(resolveField(config, 'Customer', 'email', [candidate('salesforce', 'a', 'Ada@Acme.test ', null), candidate('hubspot', 'b', 'ada@acme.test', null)]).conflict).toBeNull();
  });
});

describe('resolveRecord on the default configuration', () => {
  const sf = {
    Id: '003A', Email: 'ada@acme.test', FirstName: 'Ada', Phone: '(415) 555-0132', Title: 'CTO', HasOptedOutOfEmail: false,
    MailingCity: 'London', SystemModstamp: '2024-05-02T08:00:00.000+0000',
  };
  const hs = {
    id: '51', email: 'ada@acme.test', firstname: 'Ada', phone: '+1 415 555 0199', jobtitle: 'Chief Technology Officer',
    lifecyclestage: 'customer', hs_email_optout: 'true', city: 'Paris', lastmodifieddate: '2024-05-03T08:00:00.000Z',
  };
  const byField = collectCandidates(DEFAULT_MAPPING_CONFIG, 'Customer', [
    { crm: 'hubspot', objectType: 'contacts', record: hs },
    { crm: 'salesforce', objectType: 'Contact', record: sf },
  ]);
  const resolved = resolveRecord(DEFAULT_MAPPING_CONFIG, 'Customer', byField);

  it('applies a different strategy per field', () => {
    expect(resolved.values).toMatchObject({
      phone: '+14155550199', // last write wins: HubSpot is newer
      mailingCity: 'Paris',
      title: 'CTO', // source priority: Salesforce first
      lifecycleStage: 'Customer',
      emailOptOut: true, // custom anyTrue
      lastName: null,
    });
    const rules = Object.fromEntries(resolved.provenance.map((p) => [p.field, p.rule]));
    expect(rules).toMatchObject({ phone: 'last-write-wins', title: 'source-priority', emailOptOut: 'custom:anyTrue' });
  });
  it('returns provenance for every field and the conflicting fields', () => {
    expect(resolved.provenance).toHaveLength(16);
    expect(resolved.conflicts.map((c) => c.field).sort()).toEqual(['emailOptOut', 'mailingCity', 'phone', 'title']);
    const phone = resolved.provenance.find((p) => p.field === 'phone')!;
    expect(phone.source).toEqual({ crm: 'hubspot', objectType: 'contacts', recordId: '51' });
    expect(phone.candidates.map((c) => c.value)).toEqual(['+14155550199', '+14155550132']);
  });
  it('is deterministic whatever order the sources answered in', () => {
    const reversed = Object.fromEntries(Object.entries(byField).map(([k, v]) => [k, [...v].reverse()]));
    expect(resolveRecord(DEFAULT_MAPPING_CONFIG, 'Customer', reversed)).toEqual(resolved);
  });
  it('can resolve a subset of fields', () => {
    expect(Object.keys(resolveRecord(DEFAULT_MAPPING_CONFIG, 'Customer', byField, { fields: ['email'] }).values)).toEqual(['email']);
  });
});
