/**
 * The connector's `$batch` wire format on its own (a request it builds, an answer shaped like Dataverse's documented
 * example, with a changeset and an error part), and the connection form's credentials document.
 */
import { describe, expect, it } from 'vitest';
import { buildBatch, parseBatchAnswer } from '../../../connectors/dynamics/batch.ts';
import { dynamicsConnectionForm } from '../../../connectors/dynamics/index.ts';

const ORG = 'https://org.crm.dynamics.com/api/data/v9.2/';
const TASK = 'a59c24a1-3f3e-ee11-bdf4-000d3a8a2c8b';

/** After Microsoft's "Execute batch operations using the Web API" example answer, CRLF line ends. */
const ANSWER = [
  '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 204 No Content',
  'OData-Version: 4.0',
  `Location: ${ORG}tasks(${TASK})`,
  `OData-EntityId: ${ORG}tasks(${TASK})`,
  '',
  '',
  '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f',
  'Content-Type: multipart/mixed; boundary=changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc',
  '',
  '--changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 1',
  '',
  'HTTP/1.1 201 Created',
  'Content-Type: application/json; odata.metadata=minimal',
  'OData-Version: 4.0',
  '',
  `{"@odata.context":"${ORG}$metadata#contacts/$entity","contactid":"${TASK}"}`,
  '--changesetresponse_ff83b4f1-ab48-430c-b81c-926a2c596abc--',
  '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'HTTP/1.1 400 Bad Request',
  'Content-Type: application/json; odata.metadata=minimal',
  '',
  '{"error":{"code":"0x80060888","message":"Could not find a property named \'nosuch\' on type \'Microsoft.Dynamics.CRM.contact\'."}}',
  '--batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f--',
  '',
].join('\r\n');

describe('dynamics $batch format', () => {
  it('parses answers part by part, changeset answers in place, with status, headers and JSON bodies', () => {
    const answers = parseBatchAnswer(ANSWER, 'multipart/mixed; boundary=batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f');
    expect(answers.map((a) => a.status)).toEqual([204, 201, 400]);
    expect(answers[0]!.headers['odata-entityid']).toBe(`${ORG}tasks(${TASK})`);
    expect(answers[1]).toMatchObject({ contentId: '1', body: { contactid: TASK } });
    expect(answers[2]!.body).toEqual({ error: { code: '0x80060888', message: "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.contact'." } });
    // Bare LF line ends parse the same.
    expect(parseBatchAnswer(ANSWER.replace(/\r\n/g, '\n'), 'multipart/mixed; boundary="batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f"').map((a) => a.status)).toEqual([204, 201, 400]);
  });

  it('refuses an answer that is not multipart (a proxy page) as CRM_UNAVAILABLE', () => {
    expect(() => parseBatchAnswer('<html>maintenance</html>', 'text/html')).toThrow(expect.objectContaining({ code: 'CRM_UNAVAILABLE', crm: 'dynamics' }));
    expect(() => parseBatchAnswer('--b\r\nContent-Type: application/http\r\n\r\ngarbage\r\n--b--', 'multipart/mixed; boundary=b')).toThrow(expect.objectContaining({ code: 'CRM_UNAVAILABLE' }));
  });

  it('builds independent parts, or one changeset with Content-IDs for all-or-none', () => {
    const ops = [
      { method: 'POST' as const, url: `${ORG}contacts`, body: { lastname: 'A' } },
      { method: 'PATCH' as const, url: `${ORG}contacts(${TASK})`, headers: { 'If-Match': '*' }, body: { lastname: 'B' } },
      { method: 'DELETE' as const, url: `${ORG}contacts(${TASK})` },
    ];
    const loose = buildBatch(ops, false);
    const boundary = /boundary=(\S+)/.exec(loose.contentType)![1]!;
    expect(loose.body.split(`--${boundary}\r\n`)).toHaveLength(4);
    expect(loose.body).toContain(`PATCH ${ORG}contacts(${TASK}) HTTP/1.1\r\nAccept: application/json\r\nIf-Match: *\r\nContent-Type: application/json; type=entry\r\n\r\n{"lastname":"B"}`);
    expect(loose.body).not.toContain('Content-ID');
    expect(loose.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
    const atomic = buildBatch(ops, true);
    expect(atomic.body).toMatch(/Content-Type: multipart\/mixed; boundary=changeset_[0-9a-f-]+/);
    expect(atomic.body.match(/Content-ID: \d/g)).toEqual(['Content-ID: 1', 'Content-ID: 2', 'Content-ID: 3']);
  });
});

describe('dynamics connection form', () => {
  it('asks for tenant, client id and secret (secret write-only), the authority URL and the webhook key (a secret) optional', () => {
    expect(dynamicsConnectionForm).toMatchObject({ crm: 'dynamics', baseUrlLabel: 'Organization URL' });
    const fields = dynamicsConnectionForm.authKinds[0]!.fields;
    expect(fields.map((f) => [f.name, f.secret, f.required])).toEqual([
      ['tenantId', false, true], ['clientId', false, true], ['clientSecret', true, true], ['authorityUrl', false, false], ['webhookKey', true, false],
    ]);
    expect(dynamicsConnectionForm.toCredentials('client-credentials', { tenantId: 't', clientId: 'c', clientSecret: 's' })).toEqual({
      auth: { kind: 'client-credentials', tenantId: 't', clientId: 'c', clientSecret: 's' },
    });
    expect(dynamicsConnectionForm.toCredentials('client-credentials', { tenantId: 't', clientId: 'c', clientSecret: 's', authorityUrl: 'https://login.microsoftonline.us' }))
      .toMatchObject({ authorityUrl: 'https://login.microsoftonline.us' });
    expect(dynamicsConnectionForm.toCredentials('client-credentials', { tenantId: 't', clientId: 'c', clientSecret: 's', webhookKey: 'k' }))
      .toMatchObject({ webhookKey: 'k' });
  });
});
