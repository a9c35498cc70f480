import { describe, expect, it } from 'vitest';
import { nearestNames } from '../../../resolver-engine/mapping/nearest-names.ts';

const CONTACT = ['Id', 'FirstName', 'LastName', 'Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'Fax', 'Email', 'Title', 'AssistantName'];

describe('nearestNames: "did you mean" for a CRM field that does not exist', () => {
  it('finds the name one slip away, and the whole name of a half-typed one', () => {
    expect(nearestNames('Phonee', CONTACT)).toEqual(['Phone']);
    expect(nearestNames('Mobile', CONTACT)).toEqual(['MobilePhone']);
  });
  it('ignores case and counts swapped neighbouring letters as one slip', () => {
    expect(nearestNames('emial', CONTACT)).toEqual(['Email']);
    expect(nearestNames('AsistantName', CONTACT)[0]).toBe('AssistantName');
  });
  it('offers nothing when no name is near', () => {
    expect(nearestNames('shoe_size', CONTACT)).toEqual([]);
  });
});
