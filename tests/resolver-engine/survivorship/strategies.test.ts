import { describe, expect, it } from 'vitest';
import { resolveField } from '../../../resolver-engine/survivorship/resolve-field.ts';
import { specifiedStrategies } from '../../../resolver-engine/survivorship/specified-strategies.ts';
import { SurvivorshipFunctionRegistry, builtInSurvivorshipFunctions, registerSurvivorshipFunction } from '../../../resolver-engine/survivorship/function-registry.ts';
import { candidate, testConfig } from './fixtures.ts';

const config = testConfig();
const resolve = (field: string, candidates: ReturnType<typeof candidate>[]) => resolveField(config, 'Customer', field, candidates);

describe('the strategy table', () => {
  it('names every strategy once', () => {
    expect(Object.keys(specifiedStrategies).sort()).toEqual(['custom', 'last-write-wins', 'most-complete', 'most-frequent', 'source-priority']);
  });
});

describe('last-write-wins', () => {
  it('picks the newest value', () => {
    const r = resolve('lww', [candidate('salesforce', 'a', 'old', '2024-05-01T00:00:00Z'), candidate('hubspot', 'b', 'new', '2024-05-02T00:00:00Z')]);
    expect(r.value).toBe('new');
    expect(r.provenance).toMatchObject({ rule: 'last-write-wins', source: { crm: 'hubspot', recordId: 'b' }, modifiedAt: new Date('2024-05-02T00:00:00Z') });
  });
  it('treats writes within the clock-skew tolerance as a tie broken by source priority', () => {
    const r = resolve('lww', [candidate('salesforce', 'a', 'sf', '2024-05-01T00:00:00.000Z'), candidate('hubspot', 'b', 'hs', '2024-05-01T00:00:00.900Z')]);
    expect(r.value).toBe('sf');
    expect(r.provenance.detail).toMatch(/tie broken by source priority/);
    const beyond = resolve('lww', [candidate('salesforce', 'a', 'sf', '2024-05-01T00:00:00.000Z'), candidate('hubspot', 'b', 'hs', '2024-05-01T00:00:01.001Z')]);
    expect(beyond.value).toBe('hs');
  });
  it('breaks a tie within one CRM deterministically, whatever the input order', () => {
    const a = candidate('salesforce', 'a', 'first', '2024-05-01T00:00:00Z');
    const b = candidate('salesforce', 'b', 'second', '2024-05-01T00:00:00Z');
    expect(resolve('lww', [a, b]).value).toBe('first');
    expect(resolve('lww', [b, a]).value).toBe('first');
  });
  it('lets a timed value beat one without a time', () => {
    expect(resolve('lww', [candidate('salesforce', 'a', 'untimed', null), candidate('hubspot', 'b', 'timed', '2020-01-01T00:00:00Z')]).value).toBe('timed');
  });
});

describe('source-priority', () => {
  it('prefers the higher-priority source even when it is older', () => {
    const r = resolve('priority', [candidate('salesforce', 'a', 'sf', '2024-05-09T00:00:00Z'), candidate('hubspot', 'b', 'hs', '2024-05-01T00:00:00Z')]);
    expect(r.value).toBe('hs');
    expect(r.provenance.rule).toBe('source-priority');
  });
  it('falls to the next source when the preferred one is empty', () => {
    expect(resolve('priority', [candidate('salesforce', 'a', 'sf', null), candidate('hubspot', 'b', '  ', null)]).value).toBe('sf');
  });
});

describe('most-complete', () => {
  it('picks the most informative value, ignoring punctuation', () => {
    const r = resolve('complete', [
      candidate('salesforce', 'a', '1 Main St.', '2024-05-09T00:00:00Z'),
      candidate('hubspot', 'b', '1 Main Street, Suite 5', '2024-05-01T00:00:00Z'),
    ]);
    expect(r.value).toBe('1 Main Street, Suite 5');
  });
  it('breaks equal information by recency', () => {
    expect(resolve('complete', [candidate('salesforce', 'a', 'abc', '2024-05-01T00:00:00Z'), candidate('hubspot', 'b', 'a.b.c', '2024-05-02T00:00:00Z')]).value).toBe('a.b.c');
  });
});

describe('most-frequent', () => {
  it('picks the value most sources agree on after normalisation', () => {
    const r = resolve('frequent', [
      candidate('salesforce', 'a', 'Acme Inc', '2024-05-01T00:00:00Z'),
      candidate('hubspot', 'b', 'ACME  inc ', '2024-05-02T00:00:00Z'),
      candidate('zoho', 'c', 'Acme Corporation', '2024-05-09T00:00:00Z'),
    ]);
    expect(r.value).toBe('ACME  inc ');
    expect(r.provenance.detail).toMatch(/2 of 3/);
  });
  it('breaks a tie by recency', () => {
    expect(resolve('frequent', [candidate('salesforce', 'a', 'x', '2024-05-01T00:00:00Z'), candidate('hubspot', 'b', 'y', '2024-05-02T00:00:00Z')]).value).toBe('y');
  });
});

describe('custom function', () => {
  it('anyTrue: any source opted out means opted out', () => {
    const r = resolve('optOut', [candidate('salesforce', 'a', false, '2024-05-09T00:00:00Z'), candidate('hubspot', 'b', true, '2024-05-01T00:00:00Z')]);
    expect(r.value).toBe(true);
    expect(r.provenance).toMatchObject({ rule: 'custom:anyTrue', source: { crm: 'hubspot' } });
    expect(resolve('optOut', [candidate('salesforce', 'a', false, null)]).value).toBe(false);
  });
  it('runs a function registered by name, from a private or the global registry', () => {
    const functions = new SurvivorshipFunctionRegistry({
      ...builtInSurvivorshipFunctions,
      longestSourceName: (cs) => ({ value: [...cs].sort((a, b) => b.source.crm.length - a.source.crm.length)[0]!.value, detail: 'longest crm name' }),
    });
    const cfg = testConfig(functions, { pick: { type: 'String', rule: { strategy: 'custom', function: 'longestSourceName' }, mappings: [] } });
    const r = resolveField(cfg, 'Customer', 'pick', [candidate('hubspot', 'b', 'hs', null), candidate('salesforce', 'a', 'sf', null)], { functions });
    expect(r.value).toBe('sf');
    expect(r.provenance).toMatchObject({ rule: 'custom:longestSourceName', source: null, detail: 'longest crm name' });

    registerSurvivorshipFunction('strategiesTestConstant', () => ({ value: 'constant' }));
    const global = testConfig(undefined, { c: { type: 'String', rule: { strategy: 'custom', function: 'strategiesTestConstant' }, mappings: [] } });
    expect(resolveField(global, 'Customer', 'c', [candidate('hubspot', 'b', 'hs', null)]).value).toBe('constant');
    expect(() => registerSurvivorshipFunction('strategiesTestConstant', () => ({ value: 1 }))).toThrow(/already registered/);
  });
});
