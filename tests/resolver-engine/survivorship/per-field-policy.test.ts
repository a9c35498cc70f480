import { describe, expect, it } from 'vitest';
import * as engine from '../../../resolver-engine/index.ts';
import { candidate } from './fixtures.ts';

const objects = [
  { crm: 'salesforce', objectType: 'Contact', modifiedAtFields: ['SystemModstamp'] },
  { crm: 'hubspot', objectType: 'contacts', idField: 'id', modifiedAtFields: ['lastmodifieddate'] },
];

describe('per-field policy through the public API', () => {
  const config = engine.parseMappingConfig({
    sourcePriority: ['salesforce', 'hubspot'],
    defaultRule: { strategy: 'last-write-wins' },
    types: {
      Customer: {
        objects,
        defaultRule: { strategy: 'source-priority' },
        fields: {
          inherits: { type: 'String', mappings: [] },
          own: { type: 'String', rule: { strategy: 'last-write-wins', clockSkewToleranceMs: 0 }, mappings: [] },
        },
      },
      Company: { objects, fields: { name: { type: 'String', mappings: [] } } },
    },
  });
  const older = candidate('salesforce', 'a', 'sf', '2024-05-01T00:00:00.000Z');
  const newer = candidate('hubspot', 'b', 'hs', '2024-05-01T00:00:00.001Z');

  it('field rule, then type default, then configuration default', () => {
    const resolved = engine.resolveRecord(config, 'Customer', { inherits: [older, newer], own: [older, newer] });
    expect(resolved.values).toEqual({ inherits: 'sf', own: 'hs' });
    expect(resolved.provenance.map((p) => p.rule)).toEqual(['source-priority', 'last-write-wins']);
    expect(engine.resolveField(config, 'Company', 'name', [older, newer]).provenance.rule).toBe('last-write-wins');
  });

  it('rejects an empty source priority list with its path', () => {
    const result = engine.validateMappingConfig({ types: { T: { objects: [], fields: { f: { type: 'String', rule: { strategy: 'source-priority', sourcePriority: [] }, mappings: [] } } } } });
    expect(result).toEqual({ ok: false, errors: [{ path: 'types.T.fields.f.rule.sourcePriority', message: 'must list at least one CRM' }] });
  });

  it('rejects unknown golden types and fields loudly', () => {
    expect(() => engine.resolveField(config, 'Nope', 'x', [])).toThrow(/unknown golden type/);
    expect(() => engine.resolveField(config, 'Customer', 'x', [])).toThrow(/unknown golden field/);
  });
});
