/**
 * Comparison keys: two sources agree when their keys are equal. Keys only decide agreement (conflicts,
 * most-frequent); the winning value itself is returned as the source holds it.
 */
import type { GoldenScalar } from '../model.ts';

export type CompareAs = 'exact' | 'text' | 'email' | 'phone';

export function defaultCompareAs(type: GoldenScalar): CompareAs {
  return type === 'String' ? 'text' : 'exact';
}

export function compareKey(value: unknown, compareAs: CompareAs): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string') return typeof value === 'number' ? String(value) : JSON.stringify(value);
  switch (compareAs) {
    case 'exact':
      return value;
    case 'text':
      return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
    case 'email':
      return value.trim().toLowerCase();
    case 'phone':
      return value.replace(/[^\d+]/g, '');
  }
}
