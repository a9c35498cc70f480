/**
 * Which start-up failures leave a CRM out of the graph (and retried) rather than stopping the gateway, and the retry
 * schedule (cli/crm-retry.ts). The behaviour against real sandboxes: tests/e2e/crm-down-at-start.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connectors/contract/index.ts';
import { crmDownError, retryDelayMs } from '../../cli/crm-retry.ts';
import { ProductError } from '../../lib/product-error.ts';

describe('crmDownError', () => {
  it('takes a CRM that is down, slow, rate-limiting or refusing the credentials, also wrapped as a cause', () => {
    for (const code of ['CRM_UNAVAILABLE', 'CRM_TIMEOUT', 'CRM_RATE_LIMITED', 'CRM_AUTH_FAILED', 'CRM_BUDGET_EXHAUSTED'] as const) {
      const err = new ConnectorError(code, 'hubspot', 'no');
      expect(crmDownError(err)).toBe(err);
      expect(crmDownError(new Error('building the subgraph failed', { cause: err }))).toBe(err);
    }
  });

  it('leaves everything else to stop the start: programming errors, and CRM answers a retry would not change', () => {
    expect(crmDownError(new TypeError("Cannot read properties of undefined (reading 'fields')"))).toBeUndefined();
    expect(crmDownError(new ProductError('CONFIG_INVALID', 'connector hubspot has no base URL'))).toBeUndefined();
    expect(crmDownError(new ConnectorError('CRM_VALIDATION', 'salesforce', 'malformed query'))).toBeUndefined();
    expect(crmDownError(new ConnectorError('CRM_NOT_FOUND', 'salesforce', 'no such object'))).toBeUndefined();
    expect(crmDownError(undefined)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('doubles from the first delay up to the cap: 5 s, 10 s, 20 s … 5 min', () => {
    const delays = Array.from({ length: 9 }, (_, i) => retryDelayMs(i + 1, 5_000, 300_000));
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(retryDelayMs(10_000, 5_000, 300_000)).toBe(300_000);
  });
});
