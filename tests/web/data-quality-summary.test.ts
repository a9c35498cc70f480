/**
 * The Data quality page's summary line (pure model, no browser). A flagged value that is not the served one does not
 * mean clients are unaffected: they get another CRM's value, or null. The line must say so when none is served.
 */
import { describe, expect, it } from 'vitest';
import { summaryInWords } from '../../web/src/data-quality-model.ts';

describe('summaryInWords', () => {
  it('says what clients get when no flagged value is the served one', () => {
    const line = summaryInWords({ issues: 38, records: 31, winning: 0 }, 'Customer');
    expect(line).toBe("38 flagged values in 31 customers; clients see none of them: they get another CRM's value instead, or nothing (null) where no CRM holds a usable one.");
    expect(line).not.toMatch(/none of them is what clients see/);
    expect(summaryInWords({ issues: 1, records: 1, winning: 0 }, 'Company'))
      .toBe("1 flagged value in 1 company; clients do not see it: they get another CRM's value instead, or nothing (null) where no CRM holds a usable one.");
  });
  it('counts the served ones otherwise', () => {
    expect(summaryInWords({ issues: 37, records: 31, winning: 12 }, 'Customer')).toBe('37 flagged values in 31 customers; 12 of them are what clients see now.');
    expect(summaryInWords({ issues: 1, records: 1, winning: 1 }, 'Customer')).toBe('1 flagged value in 1 customer; it is what clients see now.');
    expect(summaryInWords({ issues: 0, records: 0, winning: 0 }, 'Customer')).toBe('Nothing flagged.');
  });
});
