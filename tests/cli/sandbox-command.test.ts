/** `customer-graph sandbox`: both sandboxes start from the CLI, on demo data or a seed folder; bad seeds stop it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import type { SandboxProcess } from '../../cli/sandbox-process.ts';

describe('customer-graph sandbox', () => {
  const running: SandboxProcess[] = [];
  afterAll(async () => Promise.all(running.map((r) => r.stop())));

  it('starts both sandboxes on the demo set, with overlapping customers in each CRM', async () => {
    const sb = await startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0']);
    running.push(sb);
    const token = await fetch(`${sb.salesforceUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=customer-graph&client_secret=sandbox',
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const q = await fetch(`${sb.salesforceUrl}/services/data/v60.0/query?q=${encodeURIComponent('SELECT COUNT() FROM Contact')}`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(((await q.json()) as { totalSize: number }).totalSize).toBeGreaterThan(100);
    const hs = await fetch(`${sb.hubspotUrl}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: 'Bearer sandbox-token' } });
    expect(hs.status).toBe(200);
  });

  it('starts on a seed folder, and stops with the file and record index of a malformed record', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-seed-'));
    fs.mkdirSync(path.join(dir, 'hubspot'));
    fs.writeFileSync(path.join(dir, 'hubspot', 'contacts.json'), JSON.stringify([{ id: '1', properties: { email: 'a@b.test' } }, { id: '2', properties: 'not an object' }]));
    await expect(startSandboxProcess(['--seed', dir, '--salesforce-port', '0', '--hubspot-port', '0'])).rejects.toThrow(/contacts\.json.*(record|index)\D*1/s);
  });
});
