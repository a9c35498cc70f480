import type { Candidate } from '../../../resolver-engine/model.ts';
import { parseMappingConfig } from '../../../resolver-engine/mapping/validate-mapping-config.ts';
import type { SurvivorshipFunctionRegistry } from '../../../resolver-engine/survivorship/function-registry.ts';

/** A candidate from `crm` record `id`, modified `at` (ISO or null). */
export function candidate(crm: string, id: string, value: unknown, at: string | null, status: 'ok' | 'unavailable' = 'ok'): Candidate {
  return { value, source: { crm, objectType: crm === 'salesforce' ? 'Contact' : 'contacts', recordId: id }, modifiedAt: at ? new Date(at) : null, status };
}

const objects = [
  { crm: 'salesforce', objectType: 'Contact', modifiedAtFields: ['SystemModstamp'] },
  { crm: 'hubspot', objectType: 'contacts', idField: 'id', modifiedAtFields: ['lastmodifieddate'] },
  { crm: 'zoho', objectType: 'Contacts', idField: 'id', modifiedAtFields: ['Modified_Time'] },
];

/** A Customer type with one field per rule, so tests can pick the policy by field name. */
export function testConfig(functions?: SurvivorshipFunctionRegistry, extraFields: Record<string, unknown> = {}) {
  return parseMappingConfig({
    clockSkewToleranceMs: 1000,
    sourcePriority: ['salesforce', 'hubspot'],
    types: {
      Customer: {
        objects,
        fields: {
          lww: { type: 'String', mappings: [] },
          priority: { type: 'String', rule: { strategy: 'source-priority', sourcePriority: ['hubspot', 'salesforce'] }, mappings: [] },
          complete: { type: 'String', rule: { strategy: 'most-complete' }, mappings: [] },
          frequent: { type: 'String', rule: { strategy: 'most-frequent' }, mappings: [] },
          email: { type: 'String', compareAs: 'email', mappings: [] },
          optOut: { type: 'Boolean', rule: { strategy: 'custom', function: 'anyTrue' }, mappings: [] },
          keep: { type: 'String', keepEmpty: true, mappings: [] },
          ...extraFields,
        },
      },
    },
  }, { functions });
}
