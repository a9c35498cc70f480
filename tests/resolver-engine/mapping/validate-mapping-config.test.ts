import { describe, expect, it } from 'vitest';
import type { MappingConfigInput } from '../../../resolver-engine/mapping/schema.ts';
import { validateMappingConfig } from '../../../resolver-engine/mapping/validate-mapping-config.ts';
import { SurvivorshipFunctionRegistry } from '../../../resolver-engine/survivorship/function-registry.ts';

function config(fields: Record<string, unknown>, extra: Record<string, unknown> = {}): MappingConfigInput {
  return {
    types: {
      Deal: {
        objects: [
          { crm: 'salesforce', objectType: 'Opportunity', modifiedAtFields: ['SystemModstamp'] },
          { crm: 'hubspot', objectType: 'deals', idField: 'id', modifiedAtFields: ['hs_lastmodifieddate'] },
        ],
        fields,
      },
    },
    ...extra,
  } as MappingConfigInput;
}
const stage = (mappings: unknown[], rule?: unknown) => ({ stage: { type: 'String', mappings, ...(rule ? { rule } : {}) } });
const errorsOf = (raw: unknown) => {
  const result = validateMappingConfig(raw);
  return result.ok ? [] : result.errors;
};

describe('validateMappingConfig', () => {
  it('accepts a valid configuration and fills defaults without touching the input', () => {
    const raw = config(stage([{ crm: 'salesforce', objectType: 'Opportunity', from: 'StageName' }]));
    const result = validateMappingConfig(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.types.Deal!.fields.stage!.mappings[0]).toMatchObject({ from: ['StageName'], converter: { name: 'identity' }, writable: true });
    expect(result.config.defaultRule).toEqual({ strategy: 'last-write-wins' });
    expect((raw.types.Deal!.fields.stage!.mappings[0] as { converter?: unknown }).converter).toBeUndefined();
  });

  it('names the path and reason of structural errors', () => {
    expect(errorsOf(config({ stage: { type: 'Money', mappings: [] } }))).toEqual([
      expect.objectContaining({ path: 'types.Deal.fields.stage.type' }),
    ]);
    expect(errorsOf(config({ 'bad-name': { type: 'String', mappings: [] } }))[0]!.path).toMatch(/types\.Deal\.fields/);
    expect(errorsOf({ types: {}, defaultRegion: 'usa' })).toEqual([expect.objectContaining({ path: 'defaultRegion' })]);
  });

  it('rejects an unknown strategy, converter and custom function', () => {
    const errors = errorsOf(config({
      a: { type: 'String', rule: { strategy: 'newest-please' }, mappings: [] },
      b: { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Opportunity', from: 'Name', converter: { name: 'uppercase' } }] },
      c: { type: 'String', rule: { strategy: 'custom', function: 'noSuchFunction' }, mappings: [] },
      d: { type: 'String', rule: { strategy: 'custom' }, mappings: [] },
    }));
    expect(errors).toEqual(expect.arrayContaining([
      { path: 'types.Deal.fields.a.rule.strategy', message: expect.stringContaining("unknown strategy 'newest-please'") },
      { path: 'types.Deal.fields.b.mappings[0].converter.name', message: expect.stringContaining("unknown converter 'uppercase'") },
      { path: 'types.Deal.fields.c.rule.function', message: expect.stringContaining("unknown custom function 'noSuchFunction'") },
      { path: 'types.Deal.fields.d.rule.function', message: expect.stringContaining('needs') },
    ]));
    expect(errors).toHaveLength(4);
  });

  it('knows functions registered in the registry it is given', () => {
    const functions = new SurvivorshipFunctionRegistry({ pickFirst: (c) => ({ value: c[0]?.value }) });
    const raw = config({ c: { type: 'String', rule: { strategy: 'custom', function: 'pickFirst' }, mappings: [] } });
    expect(validateMappingConfig(raw, { functions }).ok).toBe(true);
    expect(validateMappingConfig(raw).ok).toBe(false);
  });

  it('refuses a custom function on a field of a type it does not decide (anyTrue on a String), wherever the rule is set', () => {
    const onString = errorsOf(config({ name: { type: 'String', rule: { strategy: 'custom', function: 'anyTrue' }, mappings: [] } }));
    expect(onString).toEqual([{ path: 'types.Deal.fields.name.rule.function', message: "custom function 'anyTrue' decides Boolean fields, and Deal.name is String: give this field another rule" }]);
    expect(errorsOf(config({ closed: { type: 'Boolean', rule: { strategy: 'custom', function: 'anyTrue' }, mappings: [] } }))).toEqual([]);
    // As the configuration's default rule it would decide every field without a rule of its own.
    const asDefault = errorsOf(config({ closed: { type: 'Boolean', mappings: [] }, amount: { type: 'Float', mappings: [] } }, { defaultRule: { strategy: 'custom', function: 'anyTrue' } }));
    expect(asDefault).toEqual([{ path: 'defaultRule.function', message: expect.stringContaining('Deal.amount is Float') }]);
    // A function registered without types fits every field.
    const functions = new SurvivorshipFunctionRegistry({ pickFirst: (c) => ({ value: c[0]?.value }) });
    expect(validateMappingConfig(config({ n: { type: 'Int', rule: { strategy: 'custom', function: 'pickFirst' }, mappings: [] } }), { functions }).ok).toBe(true);
  });

  it('rejects a picklist that is not a bijection where write-back needs it', () => {
    const lossy = { crm: 'hubspot', objectType: 'deals', from: 'dealstage', converter: { name: 'picklist', options: { values: { closedwon: 'Won', won: 'Won' } } } };
    expect(errorsOf(config(stage([lossy])))).toEqual([
      { path: 'types.Deal.fields.stage.mappings[0].converter.options.values', message: expect.stringContaining('not a bijection') },
    ]);
    expect(errorsOf(config(stage([{ ...lossy, writable: false }])))).toEqual([]);
    const chosen = { ...lossy, converter: { name: 'picklist', options: { values: { closedwon: 'Won', won: 'Won' }, reverse: { Won: 'closedwon' } } } };
    expect(errorsOf(config(stage([chosen])))).toEqual([]);
  });

  it('rejects golden values another CRM produces that a writable picklist cannot write back', () => {
    const sf = { crm: 'salesforce', objectType: 'Opportunity', from: 'StageName', converter: { name: 'picklist', options: { values: { 'Closed Won': 'Closed Won', 'Needs Analysis': 'Needs Analysis' } } } };
    const hs = { crm: 'hubspot', objectType: 'deals', from: 'dealstage', converter: { name: 'picklist', options: { values: { closedwon: 'Closed Won' } } } };
    expect(errorsOf(config(stage([sf, hs])))).toEqual([
      { path: 'types.Deal.fields.stage.mappings[1].converter.options.reverse', message: expect.stringContaining("'Needs Analysis' from salesforce cannot be written back to hubspot") },
    ]);
  });

  it('checks converter options, type compatibility, arity, relationships and undeclared objects', () => {
    const errors = errorsOf(config({
      a: { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Opportunity', from: 'IsWon', converter: { name: 'boolean' } }] },
      b: { type: 'Boolean', mappings: [{ crm: 'hubspot', objectType: 'deals', from: 'x', converter: { name: 'boolean', options: { writeAs: 'yes' } } }] },
      c: { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Opportunity', from: ['A', 'B'] }] },
      d: { type: 'String', mappings: [{ crm: 'salesforce', objectType: 'Opportunity', from: 'Account.Name' }] },
      e: { type: 'String', mappings: [{ crm: 'zoho', objectType: 'Deals', from: 'Deal_Name' }] },
    }));
    expect(errors.map((e) => e.path)).toEqual([
      'types.Deal.fields.a.mappings[0].converter.name',
      'types.Deal.fields.b.mappings[0].converter.options.writeAs',
      'types.Deal.fields.c.mappings[0].from',
      'types.Deal.fields.d.mappings[0].writable',
      'types.Deal.fields.e.mappings[0]',
    ]);
  });

  it('rejects two golden fields writing the same native field', () => {
    const m = { crm: 'salesforce', objectType: 'Opportunity', from: 'Name' };
    const errors = errorsOf(config({ a: { type: 'String', mappings: [m] }, b: { type: 'String', mappings: [m] } }));
    expect(errors).toEqual([{ path: 'types.Deal.fields.b.mappings[0]', message: expect.stringContaining('already written back by Deal.a') }]);
  });

  it('rejects golden fields named like the fields every golden type already has', () => {
    const m = { crm: 'salesforce', objectType: 'Opportunity', from: 'Name' };
    const errors = errorsOf(config({ provenance: { type: 'String', mappings: [m] }, id: { type: 'String', mappings: [] } }));
    expect(errors).toEqual([
      { path: 'types.Deal.fields.provenance', message: expect.stringContaining("'provenance' is taken") },
      { path: 'types.Deal.fields.id', message: expect.stringContaining("'id' is taken") },
    ]);
  });
});
