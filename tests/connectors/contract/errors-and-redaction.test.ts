import { describe, expect, it } from 'vitest';
import {
  CONNECTOR_ERROR_CODES, ConnectorError, REDACTED, asConnectorError, isConnectorError, redact, redactString, registerSecret,
} from '../../../connectors/contract/index.ts';

describe('ConnectorError', () => {
  it('stamps code, crm, retryable default from the code table and names the CRM in the message', () => {
    const err = new ConnectorError('CRM_RATE_LIMITED', 'hubspot', 'too many calls', { retryAfterMs: 1500.2, status: 429 });
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('hubspot: too many calls');
    expect(err.code).toBe('CRM_RATE_LIMITED');
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(1501);
    expect(err.toJSON()).toMatchObject({ code: 'CRM_RATE_LIMITED', crm: 'hubspot', status: 429, retryable: true });
    expect(isConnectorError(err, 'CRM_RATE_LIMITED')).toBe(true);
    expect(isConnectorError(err, 'CRM_TIMEOUT')).toBe(false);
  });

  it('every code has a description and a retryable default', () => {
    for (const [code, def] of Object.entries(CONNECTOR_ERROR_CODES)) {
      expect(def.code).toBe(code);
      expect(def.description.length).toBeGreaterThan(10);
    }
    expect(new ConnectorError('CRM_VALIDATION', 'salesforce', 'x').retryable).toBe(false);
    expect(new ConnectorError('CRM_CONFLICT', 'salesforce', 'locked', { retryable: true }).retryable).toBe(true);
  });

  it('never carries secrets in message, details, cause or JSON', () => {
    const sfSession = '00DXX0000001gPL!AQ0AQH0dMHZfz972Szmpkb58urFRkgeBGsxL_QJWwYMfAbUeeG7c1E6LYUfiDUkWe6H34r1AAwOR8B8fLEz6n04NPGRrq0FM';
    const hubspotPat = 'pat-na1-11111111-2222-3333-4444-555555555555';
    registerSecret('my-client-secret-value');
    const err = new ConnectorError('CRM_AUTH_FAILED', 'salesforce',
      `token call failed: Authorization: Bearer ${sfSession} body=grant_type=refresh_token&refresh_token=5Aep861xyz&client_secret=my-client-secret-value`,
      {
        details: { headers: { authorization: `Bearer ${hubspotPat}` }, body: `{"access_token":"abc.def","x":1}`, nested: { apiKey: 'k-123456' } },
        cause: new Error(`request to https://x?hapikey=abcdef123 with ${hubspotPat} failed`),
      });
    const everything = `${err.message} ${JSON.stringify(err)} ${err.stack} ${JSON.stringify(err.cause)}`;
    for (const secret of [sfSession, hubspotPat, '5Aep861xyz', 'my-client-secret-value', 'abc.def', 'k-123456', 'abcdef123']) {
      expect(everything).not.toContain(secret);
    }
    expect(err.message).toContain('salesforce');
    expect(everything).toContain(REDACTED);
  });

  it('asConnectorError turns unknown failures into CRM_UNAVAILABLE and keeps ConnectorErrors', () => {
    const known = new ConnectorError('CRM_NOT_FOUND', 'hubspot', 'gone');
    expect(asConnectorError('hubspot', known)).toBe(known);
    const wrapped = asConnectorError('hubspot', new TypeError('boom'));
    expect(wrapped.code).toBe('CRM_UNAVAILABLE');
    expect(wrapped.message).toContain('hubspot');
  });
});

describe('redact', () => {
  it('replaces secret-named keys, keeps the rest, survives cycles', () => {
    const input: Record<string, unknown> = { refresh_token: 'r1', clientSecret: 'cs', name: 'Ada', list: ['Bearer abc'], ok: true };
    input.self = input;
    const out = redact(input);
    expect(out.refresh_token).toBe(REDACTED);
    expect(out.clientSecret).toBe(REDACTED);
    expect(out.name).toBe('Ada');
    expect(out.list).toEqual([`Bearer ${REDACTED}`]);
    expect(out.self).toBe('[Circular]');
    expect(input.refresh_token).toBe('r1');
  });

  it('scrubs registered secret values wherever they appear', () => {
    registerSecret('s3cr3t-token-value');
    expect(redactString('opaque prefix s3cr3t-token-value suffix')).toBe(`opaque prefix ${REDACTED} suffix`);
  });

  it('scrubs API-token shapes: api_token query parameters and x-api-token headers', () => {
    expect(redactString('GET /api/v2/persons?limit=1&api_token=0123456789abcdef0123 failed')).toBe(`GET /api/v2/persons?limit=1&api_token=${REDACTED} failed`);
    expect(redactString('request headers: {"x-api-token":"0123456789abcdef0123"}')).toBe(`request headers: {"x-api-token":"${REDACTED}"}`);
    expect(redactString('x-api-token: 0123456789abcdef0123')).toBe(`x-api-token: ${REDACTED}`);
    expect(redactString('api_tokens=3 in use')).toBe('api_tokens=3 in use');
  });
});
