import { describe, expect, it } from 'vitest';
import type { RunningDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import { ACCOUNT_ID, api, control, startSandbox, token } from './helpers.ts';

const CRLF = '\r\n';

type Op = { method: string; url: string; body?: unknown; headers?: Record<string, string>; contentId?: string };

function opPart(op: Op): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (op.contentId) lines.push(`Content-ID: ${op.contentId}`);
  lines.push('', `${op.method} ${op.url} HTTP/1.1`);
  if (op.body !== undefined) lines.push('Content-Type: application/json; type=entry');
  for (const [k, v] of Object.entries(op.headers ?? {})) lines.push(`${k}: ${v}`);
  lines.push('', op.body === undefined ? '' : JSON.stringify(op.body));
  return lines.join(CRLF);
}

/** A batch body: each item is an operation or a changeset (array of operations). */
function batchBody(items: (Op | Op[])[], boundary = 'batch_A1'): string {
  const out: string[] = [];
  items.forEach((item, i) => {
    out.push(`--${boundary}`);
    if (!Array.isArray(item)) {
      out.push(opPart(item));
      return;
    }
    const cs = `changeset_B${i}`;
    out.push(`Content-Type: multipart/mixed; boundary=${cs}`, '');
    for (const op of item) out.push(`--${cs}`, opPart(op));
    out.push(`--${cs}--`);
  });
  out.push(`--${boundary}--`, '');
  return out.join(CRLF);
}

interface Part {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentId?: string;
  changeset?: string;
}

/** Splits a batch answer into its HTTP parts (flattening changesets, remembering which one each came from). */
function parseAnswer(contentType: string, text: string): Part[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)![1]!;
  const parts: Part[] = [];
  const walk = (body: string, b: string, changeset?: string) => {
    for (const chunk of body.split(`--${b}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const [mime, ...rest] = chunk.replace(/^\r\n/, '').split(`${CRLF}${CRLF}`);
      const nested = /boundary=(\S+)/.exec(mime!);
      if (nested) {
        walk(rest.join(CRLF + CRLF), nested[1]!, nested[1]!);
        continue;
      }
      const contentId = /Content-ID: (\S+)/i.exec(mime!)?.[1];
      const [head, ...bodyParts] = rest.join(CRLF + CRLF).split(`${CRLF}${CRLF}`);
      const [statusLine, ...headerLines] = head!.split(CRLF);
      const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      parts.push({ status: Number(/HTTP\/1\.1 (\d+)/.exec(statusLine!)![1]), headers, body: bodyParts.join(CRLF + CRLF).trim(), ...(contentId ? { contentId } : {}), ...(changeset ? { changeset } : {}) });
    }
  };
  walk(text, boundary);
  return parts;
}

async function batch(sandbox: RunningDynamicsSandbox, items: (Op | Op[])[], prefer?: string) {
  const res = await fetch(`${sandbox.apiUrl}$batch`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await token(sandbox)}`, 'content-type': 'multipart/mixed; boundary=batch_A1', accept: 'application/json',
      'odata-version': '4.0', ...(prefer ? { prefer } : {}),
    },
    body: batchBody(items),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, parts: res.headers.get('content-type')?.startsWith('multipart/') ? parseAnswer(res.headers.get('content-type')!, text) : [] };
}

const base = '/api/data/v9.2/';

describe('Dynamics sandbox: $batch', () => {
  it('runs GETs and writes in order with raw HTTP answers; absolute, root-relative and relative URLs', async () => {
    const sandbox = await startSandbox({ seed: { accounts: [{ accountid: ACCOUNT_ID, name: 'Acme' }] } });
    const answer = await batch(sandbox, [
      { method: 'POST', url: `${base}contacts`, body: { lastname: 'One' } },
      { method: 'GET', url: `${sandbox.apiUrl}accounts(${ACCOUNT_ID})?$select=name` },
      { method: 'PATCH', url: `accounts(${ACCOUNT_ID})`, body: { name: 'Acme 2' } },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/);
    expect(answer.parts.map((p) => p.status)).toEqual([204, 200, 204]);
    expect(answer.parts[0]!.headers['odata-entityid']).toMatch(new RegExp(`^${sandbox.apiUrl.replace(/\./g, '\\.')}contacts\\([0-9a-f-]{36}\\)$`));
    expect(JSON.parse(answer.parts[1]!.body)).toMatchObject({ name: 'Acme', accountid: ACCOUNT_ID });
    expect(answer.parts[1]!.headers['content-type']).toBe('application/json; odata.metadata=minimal');
    expect(sandbox.store.get('accounts', ACCOUNT_ID)!.name).toBe('Acme 2');
    // The batch is ONE request against the limit, whatever it holds (the token call counts nothing).
    expect((await control(sandbox, 'GET', '/limits')).body.requests.used).toBe(1);
  });

  it('stops at the first failure, or carries on with Prefer: odata.continue-on-error', async () => {
    const sandbox = await startSandbox();
    const items: Op[] = [
      { method: 'POST', url: 'contacts', body: { lastname: 'Before' } },
      { method: 'POST', url: 'contacts', body: { lastname: 'Bad', nickname: 'x' } },
      { method: 'POST', url: 'contacts', body: { lastname: 'After' } },
    ];
    const stopped = await batch(sandbox, items);
    expect(stopped.parts.map((p) => p.status)).toEqual([204, 400]);
    expect(JSON.parse(stopped.parts[1]!.body)).toEqual({ error: { code: '0x80060888', message: "Could not find a property named 'nickname' on type 'Microsoft.Dynamics.CRM.contact'." } });
    expect(sandbox.store.all('contacts').map((c) => c.lastname)).toEqual(['Before']);

    const carried = await batch(sandbox, items, 'odata.continue-on-error');
    expect(carried.headers.get('preference-applied')).toBe('odata.continue-on-error');
    expect(carried.parts.map((p) => p.status)).toEqual([204, 400, 204]);
    expect(sandbox.store.all('contacts').map((c) => c.lastname).sort()).toEqual(['After', 'Before', 'Before']);
  });

  it('a changeset is atomic: a failing one rolls back and answers only its failure; Content-ID references work', async () => {
    const sandbox = await startSandbox();
    const answer = await batch(sandbox, [
      [
        { method: 'POST', url: `${base}accounts`, body: { name: 'Parent' }, contentId: '1' },
        { method: 'POST', url: `${base}contacts`, body: { lastname: 'Child', 'parentcustomerid_account@odata.bind': '$1' }, contentId: '2' },
        { method: 'PATCH', url: '$1', body: { accountnumber: 'P-1' }, contentId: '3' },
      ],
      [
        { method: 'POST', url: `${base}accounts`, body: { name: 'Rolled back' }, contentId: '1' },
        { method: 'POST', url: `${base}contacts`, body: { firstname: 'No last name' }, contentId: '2' },
      ],
      { method: 'GET', url: `${base}accounts?$select=name` },
    ], 'odata.continue-on-error');
    expect(answer.status).toBe(200);
    expect(answer.parts.map((p) => [p.status, p.contentId ?? null, Boolean(p.changeset)])).toEqual([
      [204, '1', true], [204, '2', true], [204, '3', true],
      [400, '2', false],
      [200, null, false],
    ]);
    expect(JSON.parse(answer.parts[3]!.body).error.code).toBe('0x80040203');
    const accounts = sandbox.store.all('accounts');
    expect(accounts.map((a) => [a.name, a.accountnumber])).toEqual([['Parent', 'P-1']]);
    expect(JSON.parse(answer.parts[4]!.body).value.map((a: { name: string }) => a.name)).toEqual(['Parent']);
    const contacts = sandbox.store.all('contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!._parentcustomerid_value).toBe(accounts[0]!.accountid);
    const ledger = (await control(sandbox, 'GET', '/ledger')).body.entries.map((e: { operation: string; objectType: string }) => `${e.operation} ${e.objectType}`);
    expect(ledger).toEqual(['create accounts', 'create contacts', 'update accounts']);
  });

  it('accepts LF line ends and a quoted boundary, as hand-written batches send them', async () => {
    const sandbox = await startSandbox();
    const body = batchBody([[{ method: 'POST', url: 'contacts', body: { lastname: 'LF' }, contentId: 'a' }], { method: 'GET', url: 'contacts?$select=lastname' }], 'b_LF').replace(/\r\n/g, '\n');
    const res = await fetch(`${sandbox.apiUrl}$batch`, {
      method: 'POST', headers: { authorization: `Bearer ${await token(sandbox)}`, 'content-type': 'multipart/mixed; boundary="b_LF"' }, body,
    });
    expect(res.status).toBe(200);
    const parts = parseAnswer(res.headers.get('content-type')!, await res.text());
    expect(parts.map((p) => [p.status, p.contentId ?? null])).toEqual([[204, 'a'], [200, null]]);
    expect(JSON.parse(parts[1]!.body).value.map((r: { lastname: string }) => r.lastname)).toEqual(['LF']);
  });

  it('refuses more than 1000 operations and a malformed body with a JSON 400', async () => {
    const sandbox = await startSandbox();
    const tooMany = await batch(sandbox, Array.from({ length: 1001 }, () => ({ method: 'GET', url: 'WhoAmI' })));
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.text).error.message).toMatch(/exceeds the maximum of 1000/);
    const res = await fetch(`${sandbox.apiUrl}$batch`, {
      method: 'POST', headers: { authorization: `Bearer ${await token(sandbox)}`, 'content-type': 'multipart/mixed; boundary=batch_X' }, body: '--batch_X\r\nContent-Type: application/http\r\n\r\nGET contacts HTTP/1.1\r\n',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/closing delimiter/);
    expect((await api(sandbox, 'POST', '$batch', '{}')).status).toBe(400);
  });
});
