/** The naming rules of README.md: GraphQL-safe field names, relationship names, plural list fields. */
import { describe, expect, it } from 'vitest';
import type { FieldDescription } from '../../../connectors/contract/index.ts';
import { deriveRelationshipName, graphQLSafeName, isGraphQLName, operationNames, pluralise } from '../../../subgraphs/native/naming.ts';

const ref = (name: string, extra: Partial<FieldDescription> = {}): FieldDescription => ({
  name, label: name, type: 'reference', nativeType: 'reference', nillable: true, createable: true, updateable: true, custom: false, unique: false, ...extra,
});

describe('native naming', () => {
  it('keeps valid native names and repairs the others', () => {
    for (const ok of ['MailingPostalCode', 'Foo__c', 'zip', 'hs_lead_status', '_x']) expect(isGraphQLName(ok)).toBe(true);
    expect(graphQLSafeName('hs-score')).toBe('hs_score');
    expect(graphQLSafeName('2nd_phone')).toBe('f2nd_phone');
    expect(graphQLSafeName('__secret')).toBe('f__secret');
    expect(graphQLSafeName('Prix (€)')).toBe('Prix____');
    expect(isGraphQLName(graphQLSafeName('日本'))).toBe(true);
  });

  it('names relationships like Salesforce does, or by the declared relationship name', () => {
    expect(deriveRelationshipName(ref('AccountId'))).toBe('Account');
    expect(deriveRelationshipName(ref('Partner__c'))).toBe('Partner__r');
    expect(deriveRelationshipName(ref('associatedcompanyid'))).toBe('associatedcompany');
    expect(deriveRelationshipName(ref('Manager', { relationshipName: 'Boss' } as Partial<FieldDescription>))).toBe('Boss');
    expect(deriveRelationshipName(ref('Manager'))).toBeUndefined();
  });

  it('derives root field names from the type name', () => {
    expect(pluralise('Opportunity')).toBe('Opportunities');
    expect(pluralise('HubSpotCompany')).toBe('HubSpotCompanies');
    expect(pluralise('Address')).toBe('Addresses');
    expect(operationNames('HubSpotContact')).toMatchObject({
      byId: 'hubSpotContact', list: 'hubSpotContacts', create: 'createHubSpotContact', update: 'updateHubSpotContact', delete: 'deleteHubSpotContact',
    });
  });
});
