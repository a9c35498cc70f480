/** The ConnectorError a synchronous call throws (a webhook handler's `parse`, say); fails the test when it throws none or another error. */
import { expect } from 'vitest';
import { ConnectorError } from '../../connectors/contract/index.ts';

export function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConnectorError);
    return err as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}
