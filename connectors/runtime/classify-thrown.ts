/**
 * What fetch (or a client library over it) throws when no usable answer came back, as a ConnectorError: the same for
 * every CRM, so each connector's classifier maps the CRM's own answers and hands everything else here. Messages are
 * redacted (every registered secret, token-shaped strings), since a thrown message may quote a URL or a header.
 */
import { ConnectorError } from '../contract/errors.ts';
import { redactString } from '../contract/redact.ts';

/** Socket-level failures: nothing answered, or the connection broke before the answer was whole. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export function classifyThrown(crm: string, err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (err instanceof SyntaxError) return new ConnectorError('CRM_UNAVAILABLE', crm, 'answered truncated or invalid JSON', { cause: err });
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : undefined;
  if (code && NETWORK_CODES.has(code)) {
    return new ConnectorError('CRM_UNAVAILABLE', crm, `could not be reached (${code})`, { cause: err, details: { nativeCode: code } });
  }
  const message = redactString(err instanceof Error ? err.message : String(err));
  if (err instanceof TypeError && /fetch failed|terminated|socket|other side closed/i.test(message)) {
    return new ConnectorError('CRM_UNAVAILABLE', crm, `could not be reached (${typeof cause?.message === 'string' ? redactString(cause.message) : message})`, { cause: err });
  }
  return new ConnectorError('CRM_UNAVAILABLE', crm, `unexpected failure: ${message}`, { cause: err });
}
