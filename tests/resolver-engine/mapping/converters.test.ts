import { describe, expect, it } from 'vitest';
import type { ConverterContext } from '../../../resolver-engine/mapping/converter.ts';
import { parseInstant } from '../../../resolver-engine/mapping/converters/parse-instant.ts';
import { getConverter } from '../../../resolver-engine/mapping/specified-converters.ts';
import type { GoldenScalar } from '../../../resolver-engine/model.ts';

function ctx(goldenType: GoldenScalar, nativeFields: string[] = ['f']): ConverterContext {
  return { goldenType, crm: 'x', objectType: 'o', nativeFields, defaultRegion: 'US' };
}
function converter(name: string) {
  const c = getConverter(name);
  if (!c) throw new Error(name);
  return c;
}
const read = (name: string, raw: unknown[], options: unknown, type: GoldenScalar) =>
  converter(name).toGolden(raw, converter(name).optionsSchema.parse(options), ctx(type, raw.map((_, i) => `f${i}`)));
const write = (name: string, value: unknown, options: unknown, type: GoldenScalar, fields = ['f']) =>
  converter(name).fromGolden!(value, converter(name).optionsSchema.parse(options), ctx(type, fields));

describe('picklist converter', () => {
  const stage = { values: { closedwon: 'Closed Won', closedlost: 'Closed Lost' } };
  it('maps native to golden, case-insensitively, and back', () => {
    expect(read('picklist', ['closedwon'], stage, 'String')).toEqual({ ok: true, value: 'Closed Won' });
    expect(read('picklist', ['ClosedWon'], stage, 'String')).toEqual({ ok: true, value: 'Closed Won' });
    expect(write('picklist', 'Closed Won', stage, 'String')).toEqual({ ok: true, values: ['closedwon'] });
  });
  it('flags an unmapped value unless configured to pass it through', () => {
    expect(read('picklist', ['appointmentscheduled'], stage, 'String')).toMatchObject({ ok: false });
    expect(read('picklist', ['custom'], { ...stage, unmapped: 'passthrough' }, 'String')).toEqual({ ok: true, value: 'custom' });
    expect(read('picklist', [null], stage, 'String')).toEqual({ ok: true, value: null });
  });
  it('uses reverse to write a golden value that several native values share', () => {
    const lossy = { values: { a: 'X', b: 'X' }, reverse: { X: 'b' } };
    expect(write('picklist', 'X', lossy, 'String')).toEqual({ ok: true, values: ['b'] });
    expect(write('picklist', 'X', { values: { a: 'X', b: 'X' } }, 'String')).toMatchObject({ ok: false });
    expect(write('picklist', 'Nope', stage, 'String')).toMatchObject({ ok: false });
  });
});

describe('date and datetime converters', () => {
  it('reads each CRM format', () => {
    expect(read('date', ['2024-05-01'], {}, 'Date')).toEqual({ ok: true, value: '2024-05-01' });
    expect(read('date', ['2024-05-01T00:00:00.000Z'], {}, 'Date')).toEqual({ ok: true, value: '2024-05-01' });
    expect(read('date', ['1714521600000'], {}, 'Date')).toEqual({ ok: true, value: '2024-05-01' });
    expect(read('datetime', ['2024-05-01T12:00:00.000+0000'], {}, 'DateTime')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
    expect(read('datetime', ['2024-05-01T17:30:00+05:30'], {}, 'DateTime')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
    expect(read('datetime', ['2024-05-01 12:00:00'], {}, 'DateTime')).toEqual({ ok: true, value: '2024-05-01T12:00:00.000Z' });
  });
  it('rejects nonsense and impossible dates', () => {
    expect(read('date', ['2024-02-30'], {}, 'Date')).toMatchObject({ ok: false });
    expect(read('date', ['next tuesday'], {}, 'Date')).toMatchObject({ ok: false });
    expect(parseInstant('2024-13-01T00:00:00Z')).toBeNull();
  });
  it('parses a text once but hands out a fresh Date each time (a caller changing one changes no other)', () => {
    const first = parseInstant('2024-05-01T12:00:00.000+0000')!;
    first.setUTCFullYear(1999);
    const again = parseInstant('2024-05-01T12:00:00.000+0000')!;
    expect(again).not.toBe(first);
    expect(again.toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(parseInstant(' 2024-05-01T12:00:00Z ')?.toISOString()).toBe('2024-05-01T12:00:00.000Z');
    // A text not understood stays not understood, however often it is asked.
    expect([parseInstant('2024-02-30'), parseInstant('2024-02-30')]).toEqual([null, null]);
  });
  it('writes back in the configured wire form', () => {
    expect(write('date', '2024-05-01', { writeAs: 'epochMs' }, 'Date')).toEqual({ ok: true, values: ['1714521600000'] });
    expect(write('date', '2024-05-01', {}, 'Date')).toEqual({ ok: true, values: ['2024-05-01'] });
    expect(write('datetime', '2024-05-01T12:00:00.000Z', { writeAs: 'salesforce' }, 'DateTime')).toEqual({ ok: true, values: ['2024-05-01T12:00:00.000+0000'] });
  });
});

describe('number, boolean, phone, domain, concat, identity', () => {
  it('reads numbers from strings and guards Int', () => {
    expect(read('number', ['1,234.50'], {}, 'Float')).toEqual({ ok: true, value: 1234.5 });
    expect(read('number', [' 17 '], {}, 'Int')).toEqual({ ok: true, value: 17 });
    expect(read('number', ['17.5'], {}, 'Int')).toMatchObject({ ok: false });
    expect(read('number', ['1,5'], {}, 'Float')).toMatchObject({ ok: false });
    expect(read('number', ['abc'], {}, 'Float')).toMatchObject({ ok: false });
    expect(write('number', 42, { writeAs: 'string' }, 'Int')).toEqual({ ok: true, values: ['42'] });
  });
  it('reads booleans from "true"/"false" and writes each CRM form', () => {
    expect(read('boolean', ['true'], {}, 'Boolean')).toEqual({ ok: true, value: true });
    expect(read('boolean', ['FALSE'], {}, 'Boolean')).toEqual({ ok: true, value: false });
    expect(read('boolean', [false], {}, 'Boolean')).toEqual({ ok: true, value: false });
    expect(read('boolean', ['maybe'], {}, 'Boolean')).toMatchObject({ ok: false });
    expect(write('boolean', true, { writeAs: 'string' }, 'Boolean')).toEqual({ ok: true, values: ['true'] });
    expect(write('boolean', true, {}, 'Boolean')).toEqual({ ok: true, values: [true] });
  });
  it('normalises phones to E.164 with the default region', () => {
    expect(read('phone', ['(415) 555-0132'], {}, 'String')).toEqual({ ok: true, value: '+14155550132' });
    expect(read('phone', ['020 7946 0958'], { region: 'GB' }, 'String')).toEqual({ ok: true, value: '+442079460958' });
    expect(read('phone', ['+44 20 7946 0958'], {}, 'String')).toEqual({ ok: true, value: '+442079460958' });
    expect(read('phone', ['12'], {}, 'String')).toMatchObject({ ok: false });
  });
  it('reduces websites to domains', () => {
    expect(read('domain', ['https://www.Acme.com/about'], {}, 'String')).toEqual({ ok: true, value: 'acme.com' });
    expect(read('domain', ['acme.co.uk'], {}, 'String')).toEqual({ ok: true, value: 'acme.co.uk' });
    expect(read('domain', ['not a site'], {}, 'String')).toMatchObject({ ok: false });
  });
  it('concatenates several fields and splits them back', () => {
    expect(read('concat', ['1 Main St', null, 'Suite 5'], { separator: ', ' }, 'String')).toEqual({ ok: true, value: '1 Main St, Suite 5' });
    expect(write('concat', '1 Main St, Suite 5, Back', { separator: ', ' }, 'String', ['a', 'b'])).toEqual({ ok: true, values: ['1 Main St', 'Suite 5, Back'] });
    expect(write('concat', '1 Main St', { separator: ', ' }, 'String', ['a', 'b'])).toEqual({ ok: true, values: ['1 Main St', null] });
  });
  it('identity stringifies scalars shown as String', () => {
    expect(read('identity', [17], {}, 'String')).toEqual({ ok: true, value: '17' });
    expect(read('identity', [undefined], {}, 'String')).toEqual({ ok: true, value: null });
  });
});
