/**
 * The JSON of a webhook delivery, read from the exact bytes received. A body that is not JSON is the CRM's (or a
 * forger's) mistake: CRM_VALIDATION, which the receiver answers with 400 and stores nothing.
 */
import { ConnectorError } from './errors.ts';

export function parseWebhookJson(crm: string, rawBody: string | Uint8Array): unknown {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConnectorError('CRM_VALIDATION', crm, 'webhook body is not JSON');
  }
}
