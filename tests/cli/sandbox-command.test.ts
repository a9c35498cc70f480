/** `customer-graph sandbox`: the CRM sandboxes start from the CLI, on demo data or a seed folder; bad seeds stop it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxEntry, startSandboxProcess, tsxLoader } from '../../cli/sandbox-process.ts';
import type { SandboxProcess } from '../../cli/sandbox-process.ts';

describe('customer-graph sandbox', () => {
  const running: SandboxProcess[] = [];
  afterAll(async () => Promise.all(running.map((r) => r.stop())));

  it('starts the five sandboxes on the demo set, with overlapping customers in each CRM', async () => {
    const sb = await startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', '0', '--dynamics-port', '0', '--zoho-port', '0']);
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
    const pd = await fetch(`${sb.pipedriveUrl}/api/v2/persons?limit=500`, { headers: { 'x-api-token': 'sandbox-pipedrive-token' } });
    const persons = ((await pd.json()) as { data: { emails: { value: string }[] }[] }).data;
    expect(persons.length).toBeGreaterThan(20);
    // One division's people: the same work emails Salesforce or HubSpot hold.
    const hsEmails = new Set<string>();
    for (let after: string | undefined = '0'; after;) {
      const page = (await (await fetch(`${sb.hubspotUrl}/crm/v3/objects/contacts?limit=100&properties=email&after=${after}`, { headers: { authorization: 'Bearer sandbox-token' } })).json()) as { results: { properties: { email?: string } }[]; paging?: { next?: { after: string } } };
      for (const r of page.results) if (r.properties.email) hsEmails.add(r.properties.email.trim().toLowerCase());
      after = page.paging?.next?.after;
    }
    const sfq = await fetch(`${sb.salesforceUrl}/services/data/v60.0/query?q=${encodeURIComponent('SELECT Email FROM Contact')}`, { headers: { authorization: `Bearer ${access_token}` } });
    const sfEmails = new Set(((await sfq.json()) as { records: { Email: string | null }[] }).records.map((r) => r.Email?.trim().toLowerCase()));
    const known = persons.filter((p) => hsEmails.has(p.emails[0]!.value) || sfEmails.has(p.emails[0]!.value));
    expect(known.length).toBe(persons.length);
    // One service division in Dynamics 365: contacts with work emails the other CRMs hold, through an Entra ID token.
    const dyToken = await fetch(`${sb.dynamicsUrl}/sandbox-tenant/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=customer-graph&client_secret=sandbox-dynamics-secret&scope=${encodeURIComponent(`${sb.dynamicsUrl}/.default`)}`,
    });
    const bearer = ((await dyToken.json()) as { access_token: string }).access_token;
    const dy = await fetch(`${sb.dynamicsUrl}/api/data/v9.2/contacts?$select=emailaddress1`, { headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' } });
    const contacts = ((await dy.json()) as { value: { emailaddress1: string }[] }).value;
    expect(contacts.length).toBeGreaterThan(50);
    expect(contacts.every((c) => hsEmails.has(c.emailaddress1) || sfEmails.has(c.emailaddress1))).toBe(true);
    // The partner channel in Zoho CRM: the same work emails, through a Zoho refresh-token grant and Zoho-oauthtoken.
    const zoToken = await fetch(`${sb.zohoUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&client_id=1000.SANDBOXCLIENTID&client_secret=sandbox-zoho-secret&refresh_token=1000.sandbox-zoho-refresh-token',
    });
    const zohoToken = ((await zoToken.json()) as { access_token: string }).access_token;
    const zo = await fetch(`${sb.zohoUrl}/crm/v8/Contacts?fields=Email&per_page=200`, { headers: { authorization: `Zoho-oauthtoken ${zohoToken}` } });
    const zohoContacts = ((await zo.json()) as { data: { Email: string }[] }).data;
    expect(zohoContacts.length).toBeGreaterThan(40);
    expect(zohoContacts.every((c) => hsEmails.has(c.Email) || sfEmails.has(c.Email))).toBe(true);
  });

  it('leaves the Dynamics sandbox out with --dynamics-port off, and names --dynamics-port when its port is taken', async () => {
    const sb = await startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', 'off', '--dynamics-port', 'off', '--zoho-port', 'off']);
    running.push(sb);
    expect(sb.dynamicsUrl).toBeUndefined();
    await expect(startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', 'off', '--dynamics-port', 'x', '--zoho-port', 'off'])).rejects.toThrow(/--dynamics-port must be a port number or off/);
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      await expect(startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', 'off', '--dynamics-port', String(port), '--zoho-port', 'off']))
        .rejects.toMatchObject({ code: 'PORT_IN_USE', message: expect.stringMatching(/Dynamics 365 sandbox.*CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT=N/s) });
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('leaves the Pipedrive sandbox out with --pipedrive-port off', async () => {
    const sb = await startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', 'off', '--dynamics-port', 'off', '--zoho-port', 'off']);
    running.push(sb);
    expect(sb.pipedriveUrl).toBeUndefined();
    await expect(startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', 'nope', '--dynamics-port', 'off', '--zoho-port', 'off'])).rejects.toThrow(/--pipedrive-port must be a port number or off/);
  });

  it('starts on a seed folder, and stops with the file and record index of a malformed record', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-seed-'));
    fs.mkdirSync(path.join(dir, 'hubspot'));
    fs.writeFileSync(path.join(dir, 'hubspot', 'contacts.json'), JSON.stringify([{ id: '1', properties: { email: 'a@b.test' } }, { id: '2', properties: 'not an object' }]));
    await expect(startSandboxProcess(['--seed', dir, '--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', '0', '--dynamics-port', '0', '--zoho-port', '0'])).rejects.toThrow(/contacts\.json.*(record|index)\D*1/s);
  });

  it('stops when the process that started it is SIGKILLed (no orphan holding its ports)', async () => {
    // A parent that starts the sandboxes the way `customer-graph start` does, prints the child's pid, then waits.
    const script = `import { startSandboxProcess } from ${JSON.stringify(new URL('../../cli/sandbox-process.ts', import.meta.url).href)};
      const sb = await startSandboxProcess(['--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', '0', '--dynamics-port', '0', '--zoho-port', '0']);
      console.log(JSON.stringify({ pid: sb.child.pid, url: sb.hubspotUrl }));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', tsxLoader(), '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once('line', resolve);
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    const { pid, url } = JSON.parse(first) as { pid: number; url: string };
    const alive = (p: number) => { try { process.kill(p, 0); return true; } catch { return false; } };
    expect(alive(pid)).toBe(true);
    expect((await fetch(`${url}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: 'Bearer sandbox-token' } })).status).toBe(200);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const orphaned = alive(pid);
    if (orphaned) process.kill(pid, 'SIGKILL');
    expect(orphaned).toBe(false);
    expect(sandboxEntry()).toMatch(/sandboxes[\\/]main\.ts$/);
  }, 60_000);
});
