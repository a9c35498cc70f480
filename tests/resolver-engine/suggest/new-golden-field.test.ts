import { describe, expect, it } from 'vitest';
import { newGoldenFieldOf } from '../../../resolver-engine/index.ts';

describe('newGoldenFieldOf: a native field nothing reads, added as a golden field, takes the type its own type fits', () => {
  it('a checkbox is a Boolean through the boolean converter, read only when the CRM does not take writes', () => {
    expect(newGoldenFieldOf('salesforce', 'Contact', { name: 'IsDeleted', type: 'boolean', updateable: false })).toEqual({
      type: 'Boolean', mapping: { crm: 'salesforce', objectType: 'Contact', from: ['IsDeleted'], converter: { name: 'boolean', options: {} }, writable: false },
    });
    expect(newGoldenFieldOf('hubspot', 'contacts', { name: 'vip', type: 'enumeration', fieldType: 'booleancheckbox' }).type).toBe('Boolean');
  });
  it('numbers, dates and date-times get their scalar and converter; a picklist keeps its values', () => {
    expect(newGoldenFieldOf('hubspot', 'contacts', { name: 'score', type: 'number' })).toMatchObject({ type: 'Float', mapping: { converter: { name: 'number' } } });
    expect(newGoldenFieldOf('salesforce', 'Contact', { name: 'Birthdate', type: 'date' })).toMatchObject({ type: 'Date', mapping: { converter: { name: 'date' } } });
    expect(newGoldenFieldOf('salesforce', 'Contact', { name: 'CreatedDate', type: 'datetime' })).toMatchObject({ type: 'DateTime', mapping: { converter: { name: 'datetime' } } });
    expect(newGoldenFieldOf('salesforce', 'Contact', { name: 'Level__c', type: 'picklist', picklistValues: ['Gold'] }).mapping.converter)
      .toEqual({ name: 'picklist', options: { values: { Gold: 'Gold' }, unmapped: 'passthrough' } });
  });
  it('text, a web address and unknown types stay a String read as is', () => {
    for (const type of ['string', 'url', 'geolocation']) {
      expect(newGoldenFieldOf('salesforce', 'Contact', { name: 'X', type })).toMatchObject({ type: 'String', mapping: { converter: { name: 'identity' }, writable: true } });
    }
  });
});
