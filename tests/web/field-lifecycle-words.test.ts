import { describe, expect, it } from 'vitest';
import { changeInWords, usageInWords } from '../../web/src/field-lifecycle.ts';

describe('field usage in words', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');

  it('names the clients, and calls the ones that send no name what they are', () => {
    const u = { coordinate: 'Customer.phone', requests: 1234, lastSeenAt: '2026-12-07T11:58:00Z', clients: ['web-app', 'unknown'] };
    expect(usageInWords(u, now)).toBe('1,234 requests · last 2 min ago · web-app, clients sending no name');
    expect(usageInWords(undefined, now)).toBe('not asked for');
  });

  it('a breaking change says who still asks', () => {
    const text = changeInWords({
      type: 'FIELD_REMOVED', coordinate: 'Customer.department', description: 'Customer.department was removed.',
      usage: { days: 30, requests: 3, lastSeenAt: null, clients: ['unknown'] },
    } as Parameters<typeof changeInWords>[0]);
    expect(text).toBe('Customer.department would be removed — asked for in 3 requests in the last 30 days, by clients sending no name');
  });
});
