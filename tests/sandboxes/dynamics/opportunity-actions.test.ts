/**
 * Closing opportunities the way Dataverse wants it: the unbound WinOpportunity / LoseOpportunity actions (204; state,
 * status, actualclosedate, a new version like any write; an already closed or missing opportunity refused), also
 * as $batch parts (inside a changeset naming a row created there by `$1`), while PATCHing statecode/statuscode to a
 * closed state is 400 0x80045002 and PATCHing it back to Open reopens.
 */
import { describe, expect, it } from 'vitest';
import { api, control, startSandbox, token } from './helpers.ts';

const CRLF = '\r\n';
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const OPEN = guid(1);
const OTHER = guid(2);
const WON = guid(3);
const AT = '2024-05-01T12:00:00Z';

async function seeded() {
  return startSandbox({ seed: { opportunities: [
    { opportunityid: OPEN, name: 'Open one', salesstage: 1, modifiedon: AT },
    { opportunityid: OTHER, name: 'Other', salesstage: 2, modifiedon: AT },
    { opportunityid: WON, name: 'Won already', statecode: 1, statuscode: 3, modifiedon: AT },
  ] } });
}

const closeBody = (id: string, status?: number) => ({
  ...(status === undefined ? {} : { Status: status }),
  OpportunityClose: { subject: 'closed by a test', 'opportunityid@odata.bind': id.startsWith('$') ? id : `/opportunities(${id})` },
});
const today = () => new Date().toISOString().slice(0, 10);

describe('Dynamics sandbox: WinOpportunity / LoseOpportunity', () => {
  it('WinOpportunity closes as won (3), today, with a new version and a ledger entry; LoseOpportunity takes the Status given', async () => {
    const sandbox = await seeded();
    const before = sandbox.store.get('opportunities', OPEN)!;
    const won = await api(sandbox, 'POST', 'WinOpportunity', closeBody(OPEN, 3));
    expect(won.status).toBe(204);
    expect(won.text).toBe('');
    const row = sandbox.store.get('opportunities', OPEN)!;
    expect(row).toMatchObject({ statecode: 1, statuscode: 3, actualclosedate: today(), salesstage: 1 });
    expect(row.versionnumber as number).toBeGreaterThan(before.versionnumber as number);
    expect(row.modifiedon).not.toBe(AT);
    const lost = await api(sandbox, 'POST', 'LoseOpportunity', closeBody(OTHER, 5));
    expect(lost.status).toBe(204);
    expect(sandbox.store.get('opportunities', OTHER)).toMatchObject({ statecode: 2, statuscode: 5, actualclosedate: today() });
    const ledger = (await control(sandbox, 'GET', '/ledger')).body.entries as { route: string; recordId: string; operation: string }[];
    expect(ledger.map((e) => [e.route, e.recordId, e.operation])).toEqual([
      ['POST /api/data/vXX.X/WinOpportunity', OPEN, 'update'], ['POST /api/data/vXX.X/LoseOpportunity', OTHER, 'update'],
    ]);
    const stats = (await control(sandbox, 'GET', '/stats')).body.routes as Record<string, number>;
    expect(stats['POST /api/data/vXX.X/WinOpportunity']).toBe(1);
    expect(stats['POST /api/data/vXX.X/LoseOpportunity']).toBe(1);
    // Without Status: the default of the state (Lost → 4 Canceled).
    await api(sandbox, 'PATCH', `opportunities(${OPEN})`, { statecode: 0, statuscode: 1 });
    expect((await api(sandbox, 'POST', 'LoseOpportunity', closeBody(OPEN))).status).toBe(204);
    expect(sandbox.store.get('opportunities', OPEN)).toMatchObject({ statecode: 2, statuscode: 4 });
  });

  it('refuses an already closed opportunity (400), a missing one (404 0x80040217), a Status of the other state and a missing OpportunityClose', async () => {
    const sandbox = await seeded();
    const closed = await api(sandbox, 'POST', 'LoseOpportunity', closeBody(WON));
    expect(closed.status).toBe(400);
    expect(closed.body.error).toMatchObject({ code: '0x80040203', message: expect.stringContaining('already closed') });
    expect(sandbox.store.get('opportunities', WON)).toMatchObject({ statecode: 1, statuscode: 3 });
    const missing = await api(sandbox, 'POST', 'WinOpportunity', closeBody(guid(99)));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: '0x80040217', message: `opportunity With Id = ${guid(99)} Does Not Exist` });
    const wrongStatus = await api(sandbox, 'POST', 'WinOpportunity', closeBody(OPEN, 4));
    expect(wrongStatus.status).toBe(400);
    expect((await api(sandbox, 'POST', 'WinOpportunity', { Status: 3 })).status).toBe(400);
    expect((await api(sandbox, 'GET', 'WinOpportunity')).status).toBe(405);
    expect(sandbox.store.get('opportunities', OPEN)).toMatchObject({ statecode: 0, statuscode: 1 });
    expect((await control(sandbox, 'GET', '/ledger')).body.entries).toEqual([]);
  });

  it('PATCHing statecode or statuscode to a closed state is 400 0x80045002; to Open it reopens', async () => {
    const sandbox = await seeded();
    for (const body of [{ statecode: 1 }, { statecode: 2, statuscode: 4 }, { statuscode: 3 }]) {
      const answer = await api(sandbox, 'PATCH', `opportunities(${OPEN})`, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('0x80045002');
      expect(answer.body.error.message).toContain('Win/Lose Opportunity request');
    }
    expect((await api(sandbox, 'POST', 'opportunities', { name: 'Born won', statecode: 1 })).body.error.code).toBe('0x80045002');
    expect(sandbox.store.get('opportunities', OPEN)).toMatchObject({ statecode: 0, statuscode: 1 });
    // Other columns of a closed opportunity stay writable here; reopening is a PATCH.
    expect((await api(sandbox, 'PATCH', `opportunities(${WON})`, { statecode: 0, statuscode: 1, salesstage: 3 })).status).toBe(204);
    expect(sandbox.store.get('opportunities', WON)).toMatchObject({ statecode: 0, statuscode: 1, salesstage: 3 });
    // Contacts and accounts keep their state columns writable.
    const contact = await api(sandbox, 'POST', 'contacts', { lastname: 'Inactive', statecode: 1 });
    expect(contact.status).toBe(204);
  });

  it('runs as $batch parts: a changeset creating an opportunity and winning it through $1, a lose part, a refused part alone', async () => {
    const sandbox = await seeded();
    const body = [
      '--batch_W', 'Content-Type: multipart/mixed; boundary=changeset_C', '',
      '--changeset_C', part('POST', 'opportunities', { name: 'Created and won' }, '1'),
      '--changeset_C', part('POST', 'WinOpportunity', closeBody('$1'), '2'),
      '--changeset_C--',
      '--batch_W', part('POST', 'LoseOpportunity', closeBody(OPEN)),
      '--batch_W', part('POST', 'WinOpportunity', closeBody(WON)),
      '--batch_W', part('POST', 'WinOpportunity', closeBody(OTHER)),
      '--batch_W--', '',
    ].join(CRLF);
    const res = await fetch(`${sandbox.apiUrl}$batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(sandbox)}`, 'content-type': 'multipart/mixed; boundary=batch_W', prefer: 'odata.continue-on-error' },
      body,
    });
    expect(res.status).toBe(200);
    const statuses = [...(await res.text()).matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
    expect(statuses).toEqual([204, 204, 204, 400, 204]);
    const created = sandbox.store.all('opportunities').find((o) => o.name === 'Created and won')!;
    expect(created).toMatchObject({ statecode: 1, statuscode: 3, actualclosedate: today() });
    expect(sandbox.store.get('opportunities', OPEN)).toMatchObject({ statecode: 2, statuscode: 4 });
    expect(sandbox.store.get('opportunities', OTHER)).toMatchObject({ statecode: 1, statuscode: 3 });
    // One request against the limit, whatever it holds.
    expect((await control(sandbox, 'GET', '/stats')).body.routes['POST /api/data/vXX.X/$batch']).toBe(1);
  });

  it('a failing WinOpportunity rolls its changeset back', async () => {
    const sandbox = await seeded();
    const body = [
      '--batch_R', 'Content-Type: multipart/mixed; boundary=changeset_R', '',
      '--changeset_R', part('PATCH', `opportunities(${WON})`, { name: 'Renamed' }, '1'),
      '--changeset_R', part('POST', 'WinOpportunity', closeBody(WON), '2'),
      '--changeset_R--', '--batch_R--', '',
    ].join(CRLF);
    const res = await fetch(`${sandbox.apiUrl}$batch`, {
      method: 'POST', headers: { authorization: `Bearer ${await token(sandbox)}`, 'content-type': 'multipart/mixed; boundary=batch_R' }, body,
    });
    expect([...(await res.text()).matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]))).toEqual([400]);
    expect(sandbox.store.get('opportunities', WON)!.name).toBe('Won already');
  });
});

function part(method: string, url: string, body: unknown, contentId?: string): string {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `${method} ${url} HTTP/1.1`, 'Content-Type: application/json; type=entry', '', JSON.stringify(body));
  return lines.join(CRLF);
}
